"""`portal db upgrade` / `portal db status`."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create the schema or apply pending migrations")
    up.set_defaults(run=upgrade)
    st = sub.add_parser("status", help="list migrations and whether each is applied")
    st.set_defaults(run=status)


def upgrade(args: argparse.Namespace) -> int:
    from models import db
    from models.config import load_settings
    from models.setup import open_portal

    settings = open_portal(load_settings(), migrate=False)
    applied = db.upgrade()
    print(f"Database: {settings.db_url}")
    print("Applied: " + ", ".join(applied) if applied else "Already up to date.")
    return 0


def status(args: argparse.Namespace) -> int:
    from models import db
    from models.config import load_settings
    from models.setup import open_portal

    open_portal(load_settings(), migrate=False)
    pending = 0
    for name, applied in db.migration_status():
        print(f"[{'x' if applied else ' '}] {name}")
        pending += not applied
    return 1 if pending else 0
