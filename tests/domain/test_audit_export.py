"""portal audit export: the practice's days, both ends included; formula cells
defused; the export itself audited; a new private file only."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys

import pytest

from models.audit import SYSTEM, Actor, record
from models.audit_export import export_csv, utc_bounds
from models.auth import add_staff_user
from models.practice import update_practice
from models.tables import AuditEvent
from models.text import InvalidInput


def test_days_are_the_practices_and_both_ends_are_included(portal, clock):
    update_practice(time_zone="America/New_York")
    add_staff_user("dana", "Dana Desk", "front_desk", "a long staff passphrase here")
    dana = Actor("staff", "dana", "workstation")
    for when, action in (
        (dt.datetime(2026, 11, 3, 4, 59), "before"),      # Nov 2, 23:59 in New York
        (dt.datetime(2026, 11, 3, 5, 0), "first"),        # Nov 3, 00:00
        (dt.datetime(2026, 11, 6, 4, 59), "last"),        # Nov 5, 23:59
        (dt.datetime(2026, 11, 6, 5, 0), "after"),
    ):
        clock.set(when)
        record(dana, action, detail="=HYPERLINK(\"http://evil.example\")" if action == "first" else "")
    out = io.StringIO()
    report = export_csv(SYSTEM, dt.date(2026, 11, 3), dt.date(2026, 11, 5), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["action"] for r in rows if r["action"] in ("before", "first", "last", "after")] == ["first", "last"]
    first = next(r for r in rows if r["action"] == "first")
    assert first["detail"].startswith("'=") and first["actor_name"] == "Dana Desk"
    assert report.rows == len(rows)
    assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().action == "audit.export"
    with pytest.raises(InvalidInput):
        utc_bounds(dt.date(2026, 11, 5), dt.date(2026, 11, 3), "America/New_York")


def test_cli_writes_a_new_private_file(tmp_path, portal):
    env = {**os.environ, "PORTAL_DATA_DIR": str(portal.data_dir), "PORTAL_DATABASE_URL": portal.database_url,
           "PORTAL_CONFIG": str(tmp_path / "none.toml")}
    record(SYSTEM, "something")
    target = tmp_path / "trail.csv"
    args = [sys.executable, "-m", "tui", "audit", "export", "--since", "2000-01-01", "--until", "2100-01-01", "--out", str(target)]
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "events from 2000-01-01" in done.stderr and (target.stat().st_mode & 0o777) == 0o600
    assert "something" in target.read_text()
    again = subprocess.run(args, env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "exists already" in again.stderr
    bad = subprocess.run(args[:6] + ["30/11/2026"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "not a date" in bad.stderr
