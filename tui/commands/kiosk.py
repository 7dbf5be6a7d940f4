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
    from tui.startup import run_app

    def build():
        from tui.runtime import open_app_storage

        settings = open_app_storage()
        from tui.kiosk.app import KioskApp  # Textual is imported only here

        return KioskApp(code=args.code, settings=settings, handle_hangup=True)

    run_app(build)
    return 0
