"""`portal forms sync`: load the built-in forms (models/forms/builtin/*.json)
into the library; a changed file publishes a new version, an unchanged one
does nothing. `portal forms due`: make the repeating forms that fell due
(for a periodic job, e.g. cron once an hour)."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    sync = sub.add_parser("sync", help="load the built-in forms into the library (idempotent)")
    sync.set_defaults(run=run_sync)
    due = sub.add_parser("due", help="send the repeating forms that fell due, and email their owners")
    due.set_defaults(run=run_due)


def run_sync(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.errors import DomainError
    from models.forms.library import sync_builtin_forms
    from models.setup import open_portal

    open_portal(load_settings())
    try:
        report = sync_builtin_forms()
    except DomainError as exc:
        print(f"Nothing was loaded: {exc.message}")
        return 1
    for label in report.published:
        print(f"Published {label}")
    for key in report.packages:
        print(f"Package {key} saved")
    print(f"{len(report.published)} published, {len(report.unchanged)} unchanged.")
    return 0


def run_due(args: argparse.Namespace) -> int:
    from models.config import load_settings
    from models.forms.assignments import run_due_recurrences
    from models.setup import open_portal

    open_portal(load_settings())
    made = run_due_recurrences()
    print(f"{made} repeating form{'s' if made != 1 else ''} sent.")
    return 0
