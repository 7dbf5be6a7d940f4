"""The `portal` command. Each group of subcommands lives in tui/commands/.

Modules are imported only for the subcommand that runs, so `portal db
upgrade` never pays for importing Textual.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module in tui.commands, one-line help)
COMMANDS = {
    "db": ("db", "create or upgrade the database schema"),
    "staff": ("staff", "the staff workstation app; `staff add` adds a staff user"),
    "kiosk": ("kiosk", "the client kiosk app"),
    "mailbox": ("mailbox", "view the demo mailbox (local mail)"),
    "mail": ("mail", "mail delivery: status, test, deliver"),
    "audit": ("audit", "verify the audit trail"),
    "demo": ("demo", "seed and run the demo practice"),
    "serve": ("serve", "run the SSH door"),
    "web": ("web", "run the browser door (the client kiosk in a browser)"),
    "forms": ("forms", "the form library: `forms sync` loads the built-in forms"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portal", description="Client Portal Kiosk")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in COMMANDS.items():
        if only is None or name == only:
            mod = importlib.import_module(f"tui.commands.{module}")
            mod.register(sub.add_parser(name, help=help_text, description=help_text))
        else:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(chosen if chosen in COMMANDS else None)
    args = parser.parse_args(argv)
    return int(args.run(args) or 0)
