"""SIGKILL at random points during resend, registration and revoke: nothing half-done.

`make test` runs a quick sample; `make soak` runs 200+ trials.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.integrity import problems
from tests.domain.helpers import STAFF, make_staff

WORKER = Path(__file__).with_name("crash_worker.py")


def _trials(request) -> int:
    return 200 if request.config.getoption("--run-slow") else 25


def test_killed_mid_change_leaves_the_database_consistent(portal, request):
    from models.charts import create_chart

    make_staff()
    for i in range(8):
        create_chart(STAFF, first_name=f"Crash{i}", last_name="Test", date_of_birth="01/02/1990", email=f"crash{i}@example.com")
    db_path = Path(portal.data_dir)
    rng = random.Random(11)
    trials = _trials(request)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed_mid_write = 0
    for trial in range(trials):
        proc = subprocess.Popen([sys.executable, str(WORKER), str(db_path), str(trial)], stdout=subprocess.PIPE, env=env)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))  # let it get somewhere, then kill it wherever it is
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        found = problems()
        assert not found, f"trial {trial}: {found}"
        killed_mid_write += 1
    print(f"\n{killed_mid_write} SIGKILL trials, database consistent after every one")
