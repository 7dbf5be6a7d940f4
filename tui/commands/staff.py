"""`portal staff`: the staff workstation app; `portal staff add` adds a staff user.

Textual is imported only when the app runs, so `portal staff add` starts fast.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from tui.staff.files import FileImport

ROLES = ("admin", "clinician", "front_desk")


def register(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Without a subcommand, opens the staff app (sign in with a staff username and password)."
    parser.add_argument(
        "--remote",
        action="store_true",
        help="a session through a door (the SSH door passes it): the app opens no file of this machine",
    )
    parser.set_defaults(run=run_app)
    sub = parser.add_subparsers(dest="staff_command", metavar="SUBCOMMAND")
    add = sub.add_parser(
        "add",
        help="add a staff user (asks for the password twice, without echo)",
        description="Add a staff user. Anything not given as an option is asked for; "
        "the password is always typed at the prompt, twice, and never echoed.",
    )
    add.add_argument("--username", help="login name: letters, digits, dots, dashes or underscores")
    add.add_argument("--full-name", dest="full_name", help="the name shown to colleagues and clients")
    add.add_argument("--role", choices=ROLES, help="admin, clinician or front_desk")
    add.set_defaults(run=run_add)


def file_import_for(args: argparse.Namespace, settings, environ: Mapping[str, str]) -> FileImport | None:
    """The import folder's rule at the workstation; None (no files at all)
    when the door said `--remote` or the environment shows any door."""
    from tui.staff.files import FileImport, local_workstation

    if getattr(args, "remote", False) or not local_workstation(environ):
        return None
    return FileImport.from_settings(settings, environ)


def run_app(args: argparse.Namespace) -> int:
    from tui.startup import run_app

    def build():
        from tui.shared.runtime import open_app_storage

        settings = open_app_storage()
        from tui.staff.app import StaffApp

        return StaffApp(file_import=file_import_for(args, settings, os.environ))

    run_app(build)
    return 0


def _ask(prompt: str, given: str | None) -> str:
    if given:
        return given
    return input(prompt).strip()


def run_add(args: argparse.Namespace) -> int:
    from models.auth import add_staff_user
    from models.text import InvalidInput
    from tui.shared.runtime import open_app_storage

    open_app_storage()
    try:
        username = _ask("Username: ", args.username)
        full_name = _ask("Full name: ", args.full_name)
        role = args.role or _ask(f"Role ({', '.join(ROLES)}) [front_desk]: ", None) or "front_desk"
        if role not in ROLES:
            print(f"Role must be one of: {', '.join(ROLES)}.", file=sys.stderr)
            return 2
        password = getpass.getpass("Password (at least 15 characters): ")
        again = getpass.getpass("Password again: ")
    except (EOFError, KeyboardInterrupt):
        print("\nNothing was added.", file=sys.stderr)
        return 1
    if password != again:
        print("The two passwords differ. Nothing was added.", file=sys.stderr)
        return 1
    try:
        staff = add_staff_user(username, full_name, role, password)
    except InvalidInput as exc:
        print(f"{exc.field.replace('_', ' ').capitalize()}: {exc.message} Nothing was added.", file=sys.stderr)
        return 1
    print(f"Added {staff.full_name} ({staff.username}, {staff.role}).")
    return 0
