"""`portal kiosk [--code CODE]`: the locked-down client app for the office kiosk (and the SSH door)."""
from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--code",
        metavar="CODE",
        default=None,
        help="open registration with this invitation code filled in",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tui.runtime import launch, open_app_storage

    settings = open_app_storage()
    from tui.kiosk.app import KioskApp  # Textual is imported only here

    launch(KioskApp(code=args.code, settings=settings, handle_hangup=True))
    return 0
