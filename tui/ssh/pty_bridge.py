"""PTY and child-process plumbing for the SSH door.

One session = one pseudo-terminal + one app process in its own session
(setsid) with the PTY as its controlling terminal. Bytes are pumped both ways
with back-pressure, window-size changes are applied with TIOCSWINSZ (the
kernel then sends SIGWINCH to the app), and on hang-up the app's process
group gets SIGHUP, then SIGKILL after a grace period, and is reaped.

Launching is behind a small interface; `ProcessLauncher` (here) starts a
fresh process per session, `tui.ssh.zygote.ZygoteLauncher` (the door's
default) forks it from a pre-loaded process:

    class Launcher(Protocol):
        async def spawn(self, request: LaunchRequest) -> Child: ...

`spawn` must return only once the app has the terminal `request.tty_path`
open as its controlling terminal on fds 0, 1 and 2 (the caller closes its own
copy of the slave right after). `Child` exposes the pid, waits for the exit
(reaping included) and signals the app's process group; a zygote launcher
returns its own `Child`, since its apps are not direct children of ours.
"""
from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import signal
import struct
import termios
import threading
from dataclasses import dataclass
from typing import Awaitable, Callable, Mapping, Protocol, Sequence

DEFAULT_SIZE = (80, 24)
MAX_COLS = 500
MAX_ROWS = 200
READ_CHUNK = 65536


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A terminal size the app can live with: 0 means "unknown" (use the
    default), huge sizes are capped so one client cannot make an app render
    a hundred million cells."""
    cols = DEFAULT_SIZE[0] if cols <= 0 else min(cols, MAX_COLS)
    rows = DEFAULT_SIZE[1] if rows <= 0 else min(rows, MAX_ROWS)
    return cols, rows


def set_winsize(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def get_winsize(fd: int) -> tuple[int, int]:
    rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8))
    return cols, rows


@dataclass(frozen=True)
class LaunchRequest:
    argv: Sequence[str]          # what to run (see tui.ssh.apps.app_command)
    env: Mapping[str, str]       # the complete environment of the app
    tty_path: str                # slave side of the session's PTY
    username: str = ""           # SSH user name (for launchers that care)
    peer: str = ""               # client address


class Child(Protocol):
    pid: int
    returncode: int | None

    async def wait(self) -> int: ...
    def signal_group(self, sig: int) -> None: ...


class Launcher(Protocol):
    async def spawn(self, request: LaunchRequest) -> Child: ...


def kill_group(pid: int, sig: int) -> None:
    """Signal an app's process group (it leads its own session); gone is fine."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class SpawnedChild:
    """A direct child started in its own session.

    Exit is noticed through a pidfd (a thread as fallback). When the leader
    exits it is still a zombie, so its pid — and with it the process-group
    id — cannot be reused yet: that is when the group is swept with SIGKILL
    (no orphans left holding the terminal), and only then is it reaped.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._loop = asyncio.get_running_loop()
        self._done: asyncio.Future[int] = self._loop.create_future()
        self._pidfd: int | None = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            threading.Thread(target=self._wait_in_thread, name=f"reap-{pid}", daemon=True).start()
        else:
            self._loop.add_reader(self._pidfd, self._exited)

    def _wait_in_thread(self) -> None:
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass
        self._loop.call_soon_threadsafe(self._exited)

    def _exited(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        if self._done.done():
            return
        self._kill_group(signal.SIGKILL)
        try:
            _, status = os.waitpid(self.pid, 0)
            code = os.waitstatus_to_exitcode(status)
        except ChildProcessError:  # somebody else reaped it
            code = -1
        self.returncode = code
        self._done.set_result(code)

    def _kill_group(self, sig: int) -> None:
        kill_group(self.pid, sig)

    def signal_group(self, sig: int) -> None:
        if self.returncode is None:
            self._kill_group(sig)

    async def wait(self) -> int:
        return await asyncio.shield(self._done)


async def terminate(child: Child, grace: float) -> int:
    """SIGHUP the app's process group, SIGKILL it after `grace` seconds, and
    return the exit code once it is reaped."""
    if child.returncode is not None:
        return child.returncode
    child.signal_group(signal.SIGHUP)
    child.signal_group(signal.SIGCONT)  # a stopped process cannot act on SIGHUP
    try:
        return await asyncio.wait_for(child.wait(), grace)
    except asyncio.TimeoutError:
        child.signal_group(signal.SIGKILL)
        return await child.wait()


class ProcessLauncher:
    """Starts each app as a fresh process with `posix_spawn`.

    The child gets `setsid()` and then opens the PTY slave by name as fd 0:
    a session leader without a controlling terminal that opens a terminal
    acquires it (the effect of TIOCSCTTY), so the app has a real controlling
    terminal and gets SIGWINCH/SIGHUP from it. No Python code runs between
    fork and exec, which keeps this safe in a threaded server. All other
    descriptors of the server are close-on-exec (PEP 446).

    `rewrite` maps the app's argv to what is actually run (tests use it to
    run a small test app instead of the real apps).
    """

    def __init__(self, rewrite: Callable[[Sequence[str]], Sequence[str]] | None = None) -> None:
        self.rewrite = rewrite

    async def spawn(self, request: LaunchRequest) -> SpawnedChild:
        from .apps import CODE_FD, code_pipe

        argv = list(self.rewrite(request.argv) if self.rewrite else request.argv)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, request.tty_path, os.O_RDWR, 0),
            (os.POSIX_SPAWN_DUP2, 0, 1),
            (os.POSIX_SPAWN_DUP2, 0, 2),
        ]
        code = code_pipe(request.username)  # an invitation code goes on a pipe, never in argv
        if code is not None:
            actions.append((os.POSIX_SPAWN_DUP2, code, CODE_FD))
        spawn = os.posix_spawn if os.sep in argv[0] else os.posix_spawnp
        try:
            pid = spawn(argv[0], argv, dict(request.env), setsid=True, file_actions=actions)
        finally:
            if code is not None:
                os.close(code)
        return SpawnedChild(pid)


def open_pty(cols: int, rows: int) -> tuple[int, int, str]:
    """(master, slave, slave path) with the window size set; master non-blocking."""
    master, slave = os.openpty()
    set_winsize(master, cols, rows)
    # No echo, line editing or signal keys before the app takes over the
    # terminal: an early Ctrl+C must not kill it, keys must not be echoed.
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG | termios.IEXTEN)
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)


async def _fd_ready(fd: int, *, write: bool = False) -> None:
    loop = asyncio.get_running_loop()
    fut: asyncio.Future[None] = loop.create_future()

    def ready() -> None:
        if not fut.done():
            fut.set_result(None)

    (loop.add_writer if write else loop.add_reader)(fd, ready)
    try:
        await fut
    finally:
        (loop.remove_writer if write else loop.remove_reader)(fd)


async def write_all(fd: int, data: bytes) -> bool:
    """Write everything to a non-blocking fd; False once the other side is gone."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            await _fd_ready(fd, write=True)
            continue
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF, errno.EPIPE):
                return False
            raise
        view = view[n:]
    return True


async def pump_pty_to(fd: int, write: Callable[[bytes], None], drain: Callable[[], Awaitable[None]]) -> None:
    """Copy the app's output to the client until the PTY reports EIO (every
    holder of the slave is gone) or the client side refuses writes."""
    while True:
        try:
            data = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            await _fd_ready(fd)
            continue
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):
                return
            raise
        if not data:
            return
        write(data)
        await drain()  # back-pressure: wait while the client is slow
