"""`portal staff`: the staff workstation app; `portal staff add|list|role|
email|deactivate|reactivate|unlock|reset` manage staff accounts from the
server, for when no administrator can sign in (they act as the system, and
are audited).

Textual is imported only when the app runs, so these start fast.
"""
from __future__ import annotations

import argparse
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
    add.add_argument("--email", default="", help="optional: where risk alerts on their charts go (a clinician's)")
    add.set_defaults(run=run_add)
    sub.add_parser("list", help="staff users: role, last sign-in, failed attempts, lock").set_defaults(run=run_list)
    role = sub.add_parser("role", help="change a staff user's role (the last active admin stays admin)")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(run=run_account, action="role")
    email = sub.add_parser(
        "email",
        help="put a staff user's email on file, or clear it",
        description="Put a staff user's email on file (risk alerts on the charts they are the clinician of "
        "go there instead of the practice's address), change it, or clear it with --clear.",
    )
    email.add_argument("username")
    given = email.add_mutually_exclusive_group(required=True)
    given.add_argument("address", nargs="?", help="the email address")
    given.add_argument("--clear", action="store_true", help="no email on file")
    email.set_defaults(run=run_account, action="email")
    for name, text in (
        ("deactivate", "deactivate a staff user: their open sessions end at once"),
        ("reactivate", "let a deactivated staff user sign in again"),
        ("unlock", "lift a staff user's lockout"),
        ("reset", "set a one-time temporary password, to be changed at the next sign-in"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("username")
        cmd.set_defaults(run=run_account, action=name)


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
        from models.config import load_settings
        from tui.shared.runtime import open_after_first_frame

        settings = load_settings()
        from tui.staff.app import StaffApp

        app = StaffApp(file_import=file_import_for(args, settings, os.environ))
        # The sign-in screen reads nothing stored: the database is opened
        # just after it is on screen, and a sign-in waits for that.
        open_after_first_frame(app, settings)
        return app

    run_app(build)
    return 0


def _ask(prompt: str, given: str | None) -> str:
    if given:
        return given
    return input(prompt).strip()


def run_add(args: argparse.Namespace) -> int:
    import getpass  # here: the app's start does without it (0.0014 G)

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
        staff = add_staff_user(username, full_name, role, password, email=args.email)
    except InvalidInput as exc:
        print(f"{exc.field.replace('_', ' ').capitalize()}: {exc.message} Nothing was added.", file=sys.stderr)
        return 1
    print(f"Added {staff.full_name} ({staff.username}, {staff.role}).")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from models import clock
    from models.audit import SYSTEM
    from models.staff_accounts import staff_list
    from tui.shared.runtime import open_app_storage

    open_app_storage()
    now = clock.now()
    print(f"{'username':<16} {'name':<24} {'role':<14} {'state':<22} {'last sign-in (UTC)':<18} email")
    for line in staff_list(SYSTEM):
        if not line.active:
            state = "deactivated"
        elif line.locked(now):
            state = f"locked until {line.locked_until:%H:%M}"
        elif line.must_change_password:
            state = "temporary password"
        else:
            state = f"active ({line.failed_logins} failed)" if line.failed_logins else "active"
        last = f"{line.last_login_at:%Y-%m-%d %H:%M}" if line.last_login_at else "never"
        print(f"{line.username:<16} {line.full_name[:24]:<24} {line.role_name:<14} {state:<22} {last:<18} {line.email or '-'}")
    return 0


def run_account(args: argparse.Namespace) -> int:
    from models import staff_accounts
    from models.audit import SYSTEM
    from models.errors import DomainError
    from models.text import InvalidInput
    from tui.shared.runtime import open_app_storage

    open_app_storage()
    try:
        who = staff_accounts.staff_by_username(args.username)
        if args.action == "role":
            line = staff_accounts.change_role(SYSTEM, who.staff_id, args.role)
            if who.role == args.role:
                print(f"{line.full_name} is already {line.role_name}: nothing changed.")
            else:
                print(f"{line.full_name} is now {line.role_name}; any session they had open was ended (they sign in again).")
        elif args.action == "email":
            line = staff_accounts.set_email(SYSTEM, who.staff_id, "" if args.clear else args.address)
            print(f"{line.full_name}'s email is {line.email}." if line.email else f"{line.full_name} has no email on file now.")
        elif args.action == "deactivate":
            ended = staff_accounts.deactivate(SYSTEM, who.staff_id)
            print(f"{who.full_name} is deactivated; {ended} open session(s) ended.")
        elif args.action == "reactivate":
            staff_accounts.reactivate(SYSTEM, who.staff_id)
            print(f"{who.full_name} can sign in again.")
        elif args.action == "unlock":
            lifted = staff_accounts.unlock(SYSTEM, who.staff_id)
            print(f"{who.full_name}'s lock is lifted." if lifted else f"{who.full_name} was not locked.")
        elif args.action == "reset":
            temporary = staff_accounts.reset_password(SYSTEM, who.staff_id)
            print(f"Temporary password for {who.full_name}: {temporary}")
            print("Give it to them in person or by phone; they must choose a new password when they sign in.")
    except (DomainError, InvalidInput) as exc:
        print(f"{exc.message} Nothing was changed.", file=sys.stderr)
        return 1
    return 0
