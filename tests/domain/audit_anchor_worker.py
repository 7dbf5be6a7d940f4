"""Records audit events from its own process (see test_audit_anchor).

argv: data dir, database URL ("" for SQLite), how many events. Prints
"ready", waits for a line on stdin so every worker starts at once, records,
prints "done".
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from models.audit import Actor, record
from models.config import Settings
from models.db import database
from models.setup import open_portal


def main(data_dir: str, url: str, count: int) -> None:
    open_portal(Settings(data_dir=Path(data_dir), database_url=url), migrate=False)
    print("ready", flush=True)
    sys.stdin.readline()
    actor = Actor("staff", "worker", f"pid-{os.getpid()}")
    for i in range(count):
        if i % 3:
            record(actor, "worker.event", detail=str(i))
        else:  # some events inside a longer transaction, as most callers do
            with database.atomic():
                record(actor, "worker.pair", detail=f"{i}a")
                record(actor, "worker.pair", detail=f"{i}b")
    database.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
