"""`portal mailbox [--maildir PATH]`: the demo's mail, in a terminal."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--maildir",
        type=Path,
        default=None,
        help="the Maildir to show (default: the one the local mail server fills, <data dir>/maildir)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from models.config import load_settings

    settings = load_settings()
    maildir = args.maildir or settings.maildir
    from models.mail.local_server import ensure_maildir
    from tui.mailbox.app import MailboxApp

    ensure_maildir(maildir)
    MailboxApp(maildir, time_zone=settings.time_zone).run()
    return 0
