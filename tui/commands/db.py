"""`portal db upgrade` / `portal db status`."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="create the schema or apply pending migrations, and load the built-in forms")
    up.set_defaults(run=upgrade)
    st = sub.add_parser("status", help="list migrations and whether each is applied")
    st.set_defaults(run=status)
    ck = sub.add_parser("check", help="check cross-table consistency and the audit chain")
    ck.set_defaults(run=check)
    cp = sub.add_parser("copy", help="copy this practice's database into another (e.g. PostgreSQL) and verify it")
    cp.add_argument("--to", required=True, metavar="URL", help="target database URL, e.g. postgresql://user@host/db")
    cp.set_defaults(run=copy)


def upgrade(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.setup import open_portal, upgrade_schema

    from models.forms.library import sync_builtin_forms

    settings = open_portal(load_settings(), migrate=False)
    applied = upgrade_schema()
    print(f"Database: {settings.db_url}")
    print("Applied: " + ", ".join(applied) if applied else "Already up to date.")
    # The built-in forms ship with the code: an upgrade brings their new versions too.
    report = sync_builtin_forms()
    print(f"Built-in forms: {len(report.published)} published, {len(report.unchanged)} unchanged.")
    return 0


def status(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.setup import migration_status, open_portal

    open_portal(load_settings(), migrate=False)
    pending = 0
    for name, applied in migration_status():
        print(f"[{'x' if applied else ' '}] {name}")
        pending += not applied
    return 1 if pending else 0


def copy(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.errors import DomainError
    from models.setup import open_portal
    from models.transfer import copy_open_database

    settings = open_portal(load_settings())
    try:
        report = copy_open_database(args.to)
    except DomainError as exc:
        print(exc.message)
        return 1
    print(f"Copied {settings.db_url} -> {args.to.split('@')[-1]}")
    for table, n in report.counts.items():
        print(f"  {table:22} {n:>8,}")
    print(f"Audit chain verified on the target: {report.audit_events:,} events.")
    print("Point every app at it with PORTAL_DATABASE_URL.")
    return 0


def check(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.integrity import problems
    from models.setup import open_portal

    open_portal(load_settings())
    found = problems()
    for line in found:
        print(f"PROBLEM: {line}")
    print("Consistent." if not found else f"{len(found)} problem(s).")
    return 1 if found else 0
