"""`portal kiosk [--code CODE]`: the locked-down client app for the office kiosk (and the SSH door).

`--code` is for a person at a workstation. The SSH door passes the code on an
inherited pipe instead (`--code-fd N`): a command line is visible to every
local user (`ps`), a pipe only to this process.
"""
from __future__ import annotations

import argparse
import os
import stat

MAX_CODE_BYTES = 128  # a code is at most 40 characters (tui.ssh.apps.CODE_RE)


def register(parser: argparse.ArgumentParser) -> None:
    codes = parser.add_mutually_exclusive_group()
    codes.add_argument(
        "--code",
        metavar="CODE",
        default=None,
        help="open registration with this invitation code filled in",
    )
    codes.add_argument(
        "--code-fd",
        dest="code_fd",
        metavar="FD",
        type=int,
        default=None,
        help="the same, reading the code from this inherited pipe (the SSH door uses it, "
        "so the code never shows in the process list)",
    )
    parser.set_defaults(run=run)


def read_code_fd(fd: int) -> str | None:
    """The code waiting on pipe `fd` (then closed), or None.

    Anything but a pipe is left alone: a descriptor that is a terminal or a
    socket was not meant for us, and reading it could block or steal input.
    The read never waits: the door writes the code and closes its end first.
    """
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return None
    except OSError:
        return None
    try:
        os.set_blocking(fd, False)
        data = os.read(fd, MAX_CODE_BYTES)
    except OSError:
        data = b""
    finally:
        os.close(fd)
    text = data.decode("ascii", "replace").strip()
    return text or None


def run(args: argparse.Namespace) -> int:
    from tui.startup import run_app

    code = args.code
    if args.code_fd is not None:
        code = read_code_fd(args.code_fd)

    def build():
        from models.config import load_settings
        from models.practice import practice_view_before_open
        from tui.shared.runtime import open_after_first_frame, open_app_storage

        settings = load_settings()
        # The Welcome screen needs only the practice's name and phone: read
        # from the file as it is, the portal is opened just after that frame
        # (a visit's first step waits for it). A new or PostgreSQL practice
        # is opened first, as before.
        practice = practice_view_before_open(settings)
        if practice is None:
            open_app_storage(settings)
        from tui.kiosk.app import KioskApp  # Textual is imported only here

        app = KioskApp(code=code, settings=settings, handle_hangup=True, practice=practice)
        if practice is not None:
            open_after_first_frame(app, settings)
        return app

    run_app(build)
    return 0
