"""A tiny Textual app the SSH tests run instead of the real apps.

It shows its arguments, terminal size, pid, where the session comes from,
whether the PTY is its controlling terminal, the invitation code it got on
`--code-fd` (as the kiosk reads it), and every key typed.
Run as `python echo_app.py <app args...>`.

Test knobs (environment):
  ECHO_IGNORE_HUP=1   ignore SIGHUP (the door must fall back to SIGKILL)
  ECHO_GRANDCHILD=1   start a `sleep` in the same session (must not outlive us)
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static


def has_controlling_tty() -> bool:
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        return False
    return os.getsid(0) == os.getpid() and os.tcgetpgrp(0) == os.getpgrp()


def code_from_fd() -> str:
    if "--code-fd" not in sys.argv[:-1]:
        return "-"
    from tui.commands.kiosk import read_code_fd

    return read_code_fd(int(sys.argv[sys.argv.index("--code-fd") + 1])) or "none"


class EchoApp(App, inherit_bindings=False):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("ctrl+x", "quit", "Quit", id="quit")]

    def __init__(self) -> None:
        super().__init__()
        self.typed = ""
        self.grandchild: subprocess.Popen | None = None
        self.code = code_from_fd()

    def compose(self) -> ComposeResult:
        yield Static(id="info", markup=False)
        yield Static(id="size")
        yield Static(f"CODE[{self.code}]", id="code", markup=False)
        yield Static("KEYS[]", id="keys", markup=False)

    def on_mount(self) -> None:
        if os.environ.get("ECHO_GRANDCHILD"):
            self.grandchild = subprocess.Popen(["sleep", "1000"], stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        gpid = self.grandchild.pid if self.grandchild else 0
        self.query_one("#info", Static).update(
            f"ECHO APP args=[{' '.join(sys.argv[1:])}] pid={os.getpid()} grandchild={gpid} "
            f"source={os.environ.get('PORTAL_SESSION_SOURCE', '-')} term={os.environ.get('TERM', '-')} "
            f"color={os.environ.get('COLORTERM', '-')} ctty={'yes' if has_controlling_tty() else 'no'}"
        )
        self.show_size(self.size.width, self.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#size", Static).update(f"SIZE {width}x{height}")

    def on_resize(self, event) -> None:
        self.show_size(event.size.width, event.size.height)

    def on_key(self, event) -> None:
        if event.character and event.character.isprintable():
            self.typed += event.character
            self.query_one("#keys", Static).update(f"KEYS[{self.typed}]")


if __name__ == "__main__":
    if os.environ.get("ECHO_IGNORE_HUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    EchoApp().run()
