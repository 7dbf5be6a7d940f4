"""`portal kiosk` in a real pseudo-terminal: quit keys do nothing, a hang-up ends it, a key repaints one line."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pyte

from models.tables import LoginSession

from .helpers import PASSWORD, registered_chart


def read_screen(fd: int, stream: pyte.ByteStream, screen: pyte.Screen, want: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                stream.feed(os.read(fd, 65536))
            except OSError:
                break
        text = "\n".join(screen.display)
        if want in text:
            return text
    raise AssertionError(f"{want!r} never appeared:\n" + "\n".join(screen.display))


def drain(fd: int, stream: pyte.ByteStream, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                stream.feed(os.read(fd, 65536))
            except OSError:
                return


def start_kiosk(portal, tmp_path) -> tuple[subprocess.Popen, int]:
    """`portal kiosk` on a new 80x24 pseudo-terminal: (the process, the master side)."""
    env = {
        **os.environ,
        "PORTAL_CONFIG": str(tmp_path / "none.toml"),
        "PORTAL_DATA_DIR": str(portal.data_dir),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "COLUMNS": "80",
        "LINES": "24",
        "TEXTUAL_ANIMATIONS": "none",
    }
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "kiosk"],
        stdin=child, stdout=child, stderr=child, env=env, start_new_session=True, close_fds=True,
    )
    os.close(child)
    return proc, main


def test_the_kiosk_process_ignores_quit_keys_and_ends_on_hangup(portal, tmp_path):
    _, email = registered_chart()
    proc, main = start_kiosk(portal, tmp_path)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    try:
        read_screen(main, stream, screen, "Welcome to the client portal")
        for key in (b"\x03", b"\x11", b"\x1a", b"\x10", b"\x1c"):  # ctrl+c, q, z, p, backslash
            os.write(main, key)
            drain(main, stream, 0.3)
            assert proc.poll() is None, key
        assert "Welcome to the client portal" in "\n".join(screen.display)
        assert LoginSession.select().count() == 0

        os.write(main, email.encode())  # typing on Welcome types the login's email
        read_screen(main, stream, screen, "Log in to your portal")
        os.write(main, b"\r")
        drain(main, stream, 0.3)
        os.write(main, PASSWORD.encode() + b"\r")
        read_screen(main, stream, screen, "signed in as")
        session = LoginSession.get()
        assert session.ended_at is None

        proc.send_signal(signal.SIGHUP)
        # Keep reading the terminal while it ends, as a live one would: the
        # visit's end redraws Welcome, and an unread pty blocks that write.
        deadline = time.monotonic() + 10
        while proc.poll() is None and time.monotonic() < deadline:
            drain(main, stream, 0.1)
        proc.wait(timeout=1)
        assert LoginSession.get_by_id(session.id).end_reason == "disconnected"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)


def test_a_key_in_the_login_form_repaints_the_fields_line_only_and_a_still_form_writes_nothing(portal, tmp_path):
    """What a key costs the SSH door (BENCHMARKS.md, "Keystroke CPU"): the
    field's line, not its border lines (886 bytes a key before, 237 after),
    and no repaint while nobody types (the cursor does not blink). The rows
    so written (tui.shared.plain_input, tui.textual_patches.render_rows)
    make the same screen as a full repaint."""
    proc, main = start_kiosk(portal, tmp_path)
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)

    def output(seconds: float, until: bytes | None = None) -> bytes:
        got = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in got):
            ready, _, _ = select.select([main], [], [], 0.05)
            if ready:
                got += os.read(main, 65536)
        stream.feed(got)
        return got

    try:
        read_screen(main, stream, screen, "Welcome to the client portal")
        os.write(main, b"\t\r")  # Tab to "Log in", Enter
        read_screen(main, stream, screen, "name@example.com")
        output(0.5)  # the focus settles
        assert output(1.2) == b""  # a blinking cursor would have been drawn twice

        row = next(i for i, line in enumerate(screen.display) if "name@example.com" in line)
        for typed in (b"a", b"b", b"\x7f", b"c"):
            os.write(main, typed)
            written = output(5.0, until=b"\x1b[0m\x1b[") + output(0.2)
            rows = {int(r) - 1 for r in re.findall(rb"\x1b\[(\d+);\d+H", written)}
            assert rows == {row}, (typed, written)
            assert len(written) < 400, (typed, len(written))
        text = screen.display
        assert "ac" in text[row] and "name@example.com" not in text[row]
        assert "▔" * 20 in text[row - 1] and "▁" * 20 in text[row + 1]  # the border is whole

        # The rows written a key at a time make the same screen as a full repaint.
        def cells() -> list[list[tuple]]:
            return [[(c.data, c.fg, c.bg, c.reverse) for c in (screen.buffer[y][x] for x in range(80))] for y in range(24)]

        typed_in = cells()
        for cols in (81, 80):  # a resize repaints everything
            screen.resize(24, cols)
            fcntl.ioctl(main, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
            output(1.0)
        assert cells() == typed_in
    finally:
        proc.kill()
        proc.wait()
        os.close(main)
