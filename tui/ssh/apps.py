"""Which app an SSH user name opens, and the environment it runs in."""
from __future__ import annotations

import fcntl
import os
import re
import sys
from typing import Mapping

from models.config import Settings

# ^[A-Za-z0-9-]{1,40}$, and not starting with "-" (it would read as an option)
CODE_RE = re.compile(r"(?!-)[A-Za-z0-9-]{1,40}")
REGISTER_PREFIX = "register+"
TERM_RE = re.compile(r"[A-Za-z0-9._+-]{1,64}")
DEFAULT_TERM = "xterm-256color"
# The descriptor a door-started kiosk reads its invitation code from. The code
# never goes in argv: every local user can read any process's command line
# (`ps`, /proc/PID/cmdline). A pipe is read once and is then empty; unlike an
# environment variable it is not inherited by anything the app starts and
# leaves no copy in /proc/PID/environ.
CODE_FD = 3

# Secrets only the door's host uses (it sends the outbox); no app is given them.
SERVER_ONLY = frozenset({"PORTAL_SMTP_PASSWORD"})

# Variables (besides PORTAL_*) an app needs to find its config, data and locale.
PASS_THROUGH = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ",
    "PYTHONPATH", "VIRTUAL_ENV",
    "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
)


def app_command(username: str, settings: Settings) -> list[str] | None:
    """The command line of the app for an SSH user name, or None when the
    name opens nothing (the login is then refused).

    staff -> `python -m tui staff --remote` (a remote staff app never opens
    files of this machine); kiosk -> `... kiosk`; register+CODE -> `... kiosk
    --code-fd 3`, the code itself on that descriptor (see `code_pipe`; CODE:
    letters, digits, '-', at most 40, not starting with '-'); mailbox ->
    `... mailbox`, in demo mode only.
    """
    base = [sys.executable, "-m", "tui"]
    if username == "staff":
        return base + ["staff", "--remote"]
    if username == "kiosk":
        return base + ["kiosk"]
    if username == "mailbox" and settings.demo:
        return base + ["mailbox"]
    if invitation_code(username) is not None:
        return base + ["kiosk", "--code-fd", str(CODE_FD)]
    return None


def invitation_code(username: str) -> str | None:
    """The invitation code a `register+CODE` user name carries, else None."""
    if username.startswith(REGISTER_PREFIX):
        code = username[len(REGISTER_PREFIX):]
        if CODE_RE.fullmatch(code):
            return code
    return None


def code_pipe(username: str) -> int | None:
    """For a `register+CODE` name: the read end of a pipe that holds the code
    (a line, its write end already closed), for the launcher to hand to the
    app as CODE_FD. Close-on-exec and numbered above CODE_FD, so it can be
    dup2'd onto CODE_FD and reaches no other program. None for other names."""
    code = invitation_code(username)
    if code is None:
        return None
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, code.encode("ascii") + b"\n")  # < PIPE_BUF: never blocks
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    try:
        return fcntl.fcntl(read_end, fcntl.F_DUPFD_CLOEXEC, CODE_FD + 1)
    finally:
        os.close(read_end)


def log_name(username: str | None) -> str:
    """A user name safe for the log: an invitation code is a secret, and an
    unknown name may be anything a person typed (even a password)."""
    if username is None:
        return "-"
    if username.startswith(REGISTER_PREFIX):
        return REGISTER_PREFIX + "<code>"
    if username in ("staff", "kiosk", "mailbox"):
        return username
    return "<unknown>"


def term_type(client_term: str | None) -> str:
    if client_term and TERM_RE.fullmatch(client_term):
        return client_term
    return DEFAULT_TERM


def child_env(
    settings: Settings,
    *,
    client_term: str | None,
    peer_ip: str,
    base_env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The app's environment: the server's PORTAL_* variables (plus what is
    needed to find config, data and locale), the server's data dir and
    database, the client's terminal type, truecolor, and where the session
    comes from. Nothing the client sends (SSH `env` requests) gets in."""
    base_env = os.environ if base_env is None else base_env
    env = {k: v for k, v in base_env.items() if k.startswith("PORTAL_") and k not in SERVER_ONLY}
    env.update({k: base_env[k] for k in PASS_THROUGH if k in base_env})
    env["PORTAL_DATA_DIR"] = str(settings.data_dir)
    if settings.database_url:
        env["PORTAL_DATABASE_URL"] = settings.database_url
    env.setdefault("LANG", "C.UTF-8")
    env["TERM"] = term_type(client_term)
    env["COLORTERM"] = "truecolor"
    env["PORTAL_SESSION_SOURCE"] = f"ssh:{peer_ip}"
    return env
