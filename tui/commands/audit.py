"""`portal audit verify`: walk the hash chain and name the first broken link."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser("verify", help="check that no audit row was changed, deleted or reordered")
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from models.audit import verify_chain
    from models.config import load_settings
    from models.setup import open_portal

    open_portal(load_settings())
    result = verify_chain()
    if result.ok:
        print(f"Audit trail intact: {result.checked:,} events verified.")
        return 0
    print(f"Audit trail BROKEN after {result.checked:,} good events: {result.problem}.")
    return 1
