"""`portal audit verify`: walk the hash chain, compare its newest events with
the checkpoint beside secret.key, and name what is broken or missing.
`portal audit anchor`: start a new checkpoint once a report was looked into.
`portal audit export`: the events of a date range as CSV, for an auditor."""
from __future__ import annotations

import argparse

EXIT_CODES = "exit status 0: intact; 1: events changed, deleted, reordered or missing; 2: the checkpoint is missing or not valid"


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify",
        help="check that no audit event was changed, deleted or reordered, and that none of the newest is missing",
        epilog=EXIT_CODES,
    )
    verify.set_defaults(run=run_verify)
    anchor = sub.add_parser(
        "anchor",
        help="start a new checkpoint at the newest event (after looking into what verify reported)",
        description="Start a new checkpoint at the newest event, e.g. after restoring a backup of the database. "
        "The old checkpoint is described in an audit event first.",
    )
    anchor.set_defaults(run=run_anchor)
    export = sub.add_parser(
        "export",
        help="write the events of a date range as CSV (the practice's days, both included; times in UTC)",
    )
    export.add_argument("--since", required=True, type=_day, metavar="YYYY-MM-DD")
    export.add_argument("--until", required=True, type=_day, metavar="YYYY-MM-DD")
    export.add_argument("--out", metavar="FILE", help="a new file (0600) to write; default: standard output")
    export.set_defaults(run=run_export)


def _day(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-30") from None


def run_export(args: argparse.Namespace) -> int:
    import os
    import sys

    from models.audit import SYSTEM
    from models.audit_export import export_csv
    from models.config import load_settings
    from models.errors import DomainError
    from models.setup import open_portal

    open_portal(load_settings())
    try:
        if args.out:
            # A new file only, private: the trail names clients.
            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                report = export_csv(SYSTEM, args.since, args.until, out)
        else:
            report = export_csv(SYSTEM, args.since, args.until, sys.stdout)
    except FileExistsError:
        print(f"{args.out} exists already; choose a new file name.", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"{report.rows:,} events from {report.since} to {report.until} exported.", file=sys.stderr)
    return 0


def _events(n: int) -> str:
    return "1 event" if n == 1 else f"{n:,} events"


def run_verify(args: argparse.Namespace) -> int:
    from models import audit_anchor
    from models.audit import verify_trail
    from models.config import load_settings
    from models.setup import open_portal

    open_portal(load_settings())
    report = verify_trail()
    chain, anchor = report.chain, report.anchor
    if not chain.ok:
        print(f"Audit trail BROKEN after {chain.checked:,} good events: {chain.problem}.")
    if anchor.trail_damaged:
        print(f"Audit trail {anchor.kind.upper()}: {anchor.message}.")
    elif chain.ok and anchor.kind == "intact":
        print(f"Audit trail intact: {_events(chain.checked)} verified; {anchor.message}.")
    elif chain.ok and anchor.kind == "empty":
        print("Audit trail intact: 0 events verified (nothing recorded yet).")
    elif anchor.kind in ("missing", "invalid"):
        lead = f"The chain of {_events(chain.checked)} verifies, but " if chain.ok else "Also, "
        print(f"{lead}{anchor.message}.")
    if anchor.kind in ("intact", "missing"):
        moved = audit_anchor.advance()  # so deleting what was just verified is noticed next time
        if moved is not None:
            when = audit_anchor.utc_text(moved.at)
            if anchor.kind == "missing":
                print(f"Started a checkpoint at #{moved.seq} ({when}); if there was one before, it was deleted.")
            else:
                print(f"The checkpoint now holds #{moved.seq} ({when}).")
    return report.exit_code


def run_anchor(args: argparse.Namespace) -> int:
    from models import audit_anchor
    from models.audit import SYSTEM, record
    from models.config import load_settings
    from models.errors import DomainError
    from models.setup import open_portal

    open_portal(load_settings())
    try:
        old = audit_anchor.read_checkpoint()
        was = "none" if old is None else f"#{old.seq} at {audit_anchor.utc_text(old.at)}"
    except audit_anchor.CheckpointInvalid as exc:
        was = f"not valid ({exc})"
    record(SYSTEM, "audit.anchor", detail=f"checkpoint was {was}")
    try:
        _, new = audit_anchor.reset()
    except DomainError as exc:
        print(exc.message)
        return 1
    print(f"Checkpoint was {was}; now #{new.seq} ({audit_anchor.utc_text(new.at)}), recorded in the audit trail.")
    return 0
