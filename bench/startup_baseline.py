"""The yardstick for start-up figures: a minimal Textual app's cold start.

A fresh `python -c <an App with one Static>` is spawned on a new PTY (its own
session, the PTY as controlling terminal, 80x24, TERM=xterm-256color), and
timed from the spawn until its text is on a pyte screen fed from the PTY
master, and the screen has stopped changing: the same "first paint" the SSH
bench measures for the portal's apps.

Why "stopped changing": Textual may paint a screen in pieces. The kiosk's
Welcome came out first as a partial update (some labels and buttons, no
box, no focused button, no key hints) and was completed ~20-30 ms later, so
a clock stopped at the first sight of a few texts would time a screen the
client never sees whole. The clock stops at the last change to the screen's
text before it has been still for `settle` seconds (the quiet wait itself is
not counted); colour-only changes such as a blinking cursor do not count.

Helpers (no `run()`: other benches take their baseline from here, in the
same run as their own figures):

    time_to_text(argv, text, env=...) -> seconds     any program, same method
                                                     (text: one string, or several that must all show;
                                                     settle: seconds of stillness that end the wait)
    cold_start() -> seconds                          one sample of the minimal app
    measure(n) -> list[float]                        n samples
    percentile(values, q), fmt_ms(seconds)

`python -m bench.startup_baseline [n]` prints the samples.
"""
from __future__ import annotations

import math
import os
import select
import signal
import statistics
import sys
import time
from typing import Mapping, Sequence

import pyte

READY_TEXT = "MINIMAL TEXTUAL APP READY"
SETTLE = 0.3  # seconds the screen's text must stay unchanged before the clock's last reading counts
BURST_GAP = 0.005  # output this close together is read first and parsed after
MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("{READY_TEXT}")


Minimal().run()
"""


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def summary(values: Sequence[float]) -> str:
    return f"median {fmt_ms(statistics.median(values))}, p95 {fmt_ms(percentile(values, 95))} (n={len(values)})"


def app_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What an app started by the SSH door gets, give or take the PORTAL_* values."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "USER", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV") if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor"})
    env.update(extra or {})
    return env


def time_to_text(
    argv: Sequence[str],
    text: str | Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cols: int = 80,
    rows: int = 24,
    timeout: float = 30.0,
    settle: float = SETTLE,
) -> float:
    """Spawn `argv` on a new PTY and return the seconds until `text` shows on
    its screen (every one of them, if several) and the screen's text has
    stopped changing: the time of the last change before `settle` seconds
    of stillness. The process group is killed afterwards."""
    texts = [text] if isinstance(text, str) else list(text)
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    path = os.ttyname(slave)
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    actions = [(os.POSIX_SPAWN_OPEN, 0, path, os.O_RDWR, 0), (os.POSIX_SPAWN_DUP2, 0, 1), (os.POSIX_SPAWN_DUP2, 0, 2)]
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], list(argv), dict(env or app_env()), setsid=True, file_actions=actions)
    os.close(slave)
    try:
        deadline = started + timeout
        shown: float | None = None  # when the screen last changed, once every text was there
        last = screen.display
        burst: list[tuple[float, bytes]] = []  # read, stamped, not yet fed to pyte
        while True:
            now = time.perf_counter()
            if not burst and shown is not None and now - shown >= settle:
                return shown - started
            left = deadline - now
            if left <= 0:
                raise TimeoutError(f"{text!r} not on a still screen after {timeout}s:\n" + "\n".join(screen.display))
            # While output keeps coming, only read and stamp it: feeding pyte
            # takes milliseconds per kilobyte, and a frame split across reads
            # would otherwise be stamped late by the bench's own parsing.
            wait = BURST_GAP if burst else left if shown is None else min(left, shown + settle - now)
            ready, _, _ = select.select([master], [], [], wait)
            if ready:
                try:
                    burst.append((time.perf_counter(), os.read(master, 65536)))
                except OSError:
                    raise RuntimeError("the program closed its terminal:\n" + "\n".join(screen.display)) from None
                continue
            for arrived, data in burst:
                stream.feed(data)
                display = screen.display
                if display == last:
                    continue
                last = display
                if shown is not None or all(any(t in line for line in display) for t in texts):
                    shown = arrived
            burst.clear()
    finally:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(master)


def cold_start(python: str = sys.executable, timeout: float = 30.0) -> float:
    """One cold start of the minimal app to its first frame, in seconds."""
    return time_to_text([python, "-c", MINIMAL_APP], READY_TEXT, timeout=timeout)


def measure(n: int = 10, python: str = sys.executable) -> list[float]:
    cold_start(python)  # the first run after a while also pays for a cold page cache
    return [cold_start(python) for _ in range(n)]


if __name__ == "__main__":
    samples = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    print("minimal Textual app, cold start to first frame: " + summary(samples))
    print("samples: " + ", ".join(fmt_ms(s) for s in samples))
