"""Helpers for the SSH tests: a pyte screen fed by an SSH session, polling
with deadlines (no fixed sleeps), and process checks."""
from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from pathlib import Path
from typing import Awaitable, Callable, TypeVar

import asyncssh
import pyte

from tui.ssh import DoorLimits, ProcessLauncher, start_server
from tui.ssh.changes import Changes

ECHO_APP = Path(__file__).with_name("echo_app.py")
T = TypeVar("T")


def run(coro: Awaitable[T], timeout: float = 30.0) -> T:
    """Run one async test body with an overall deadline."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


def echo_argv(argv) -> list[str]:
    """`[python, -m, tui, kiosk, --code, X]` -> `[python, echo_app.py, kiosk, --code, X]`."""
    assert list(argv[:3]) == [sys.executable, "-m", "tui"], argv
    return [sys.executable, str(ECHO_APP), *argv[3:]]


class EnvLauncher(ProcessLauncher):
    """The echo app with extra environment variables."""

    def __init__(self, **extra_env: str) -> None:
        super().__init__(rewrite=echo_argv)
        self.extra_env = extra_env
        self.pids: list[int] = []

    async def spawn(self, request):
        from dataclasses import replace

        child = await super().spawn(replace(request, env={**request.env, **self.extra_env}))
        self.pids.append(child.pid)
        return child


class FakeClock:
    """The door's clock, moved by the test. Each read is signalled, so a test
    can wait until the door has looked at the time (no sleeping)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._read = asyncio.Event()

    def __call__(self) -> float:
        self._read.set()
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def wait_reads(self, count: int, timeout: float = 5.0) -> None:
        """Return after the clock has been read `count` more times."""
        for _ in range(count):
            self._read.clear()
            await asyncio.wait_for(self._read.wait(), timeout)


async def door_for(settings, *, launcher=None, clock=None, **limit_overrides):
    limits = DoorLimits.from_settings(settings, **{"hangup_grace": 1.0, **limit_overrides})
    return await start_server(settings, launcher=launcher or EnvLauncher(), limits=limits,
                              clock=clock, host="127.0.0.1", port=0)


async def connect(port: int, username: str, **kw) -> asyncssh.SSHClientConnection:
    options = dict(known_hosts=None, client_keys=None, agent_path=None, config=None, password=None)
    options.update(kw)
    return await asyncssh.connect("127.0.0.1", port, username=username, **options)


class Term:
    """An SSH session with a PTY, rendered into a pyte screen."""

    def __init__(self, process: asyncssh.SSHClientProcess, cols: int, rows: int) -> None:
        self.process = process
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.closed = asyncio.Event()
        self._changed = asyncio.Event()  # set whenever output arrives
        self._reader = asyncio.create_task(self._pump())

    @classmethod
    async def open(cls, conn: asyncssh.SSHClientConnection, cols: int = 80, rows: int = 24,
                   term_type: str = "xterm-256color") -> "Term":
        process = await conn.create_process(term_type=term_type, term_size=(cols, rows), encoding=None)
        return cls(process, max(cols, 1) if cols else 80, max(rows, 1) if rows else 24)

    async def _pump(self) -> None:
        try:
            while True:
                data = await self.process.stdout.read(65536)
                if not data:
                    break
                self.raw += data
                self.stream.feed(data)
                self._changed.set()
        except (asyncssh.Error, OSError):
            pass
        finally:
            self.closed.set()
            self._changed.set()

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def output(self) -> str:
        return self.raw.decode("utf-8", "replace")

    async def wait_for(self, pattern: str, timeout: float = 10.0) -> re.Match:
        """Wait until the regex `pattern` is on the screen, re-checking each
        time output arrives (no polling)."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            self._changed.clear()
            match = rx.search(self.text())
            if match:
                return match
            left = deadline - time.monotonic()
            if left <= 0 or (self.closed.is_set() and not self._changed.is_set()):
                raise AssertionError(f"{pattern!r} not on screen after {timeout}s:\n{self.text()}")
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def wait_closed(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self.closed.wait(), timeout)

    def type(self, text: str) -> None:
        self.process.stdin.write(text.encode())

    def resize(self, cols: int, rows: int, screen_cols: int | None = None, screen_rows: int | None = None) -> None:
        self.process.change_terminal_size(cols, rows)
        self.screen.resize(screen_rows or rows, screen_cols or cols)


def pid_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition", *, on: Changes) -> None:
    """Until `predicate()` holds, checked each time `on` (the door's or the
    zygote launcher's `changes`) says its state changed: no polling."""
    try:
        await on.wait_for(predicate, timeout)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


async def wait_exited(pid: int, timeout: float = 5.0, what: str = "process exit") -> None:
    """Until `pid` has exited (it may still be a zombie), woken by its pidfd."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    exited = loop.create_future()
    loop.add_reader(fd, lambda: exited.done() or exited.set_result(None))
    try:
        async with asyncio.timeout(timeout):
            await exited
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None
    finally:
        loop.remove_reader(fd)
        os.close(fd)
