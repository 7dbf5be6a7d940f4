"""The zygote: one pre-loaded process that forks an app process per session.

Starting `python -m tui kiosk` is mostly importing. The zygote (`python -c
BOOT`, started by ZygoteLauncher with the apps' environment) imports the
apps once, by name (the door imports none), never collects its garbage and
freezes its heap before each fork, so that the apps share it copy-on-write;
it runs each warm-up app once, then forks on request: {argv, env} on a
SOCK_SEQPACKET socket with the session's terminal (and an invitation code's
pipe) attached. The child leads a new session with that terminal as
controlling tty on fds 0-2 (the pipe on CODE_FD), takes `env` and runs
`python -m tui ...` in-process; it opens its own database connection. The
zygote answers each request in turn, "spawned" (pid, a pidfd attached) or
"failed", and says "exited" (pid, status) once it has reaped an app or an
orphan of one. It stays single-threaded (else it exits rather than fork),
is the apps' child subreaper, and kills what an exited app left in its
process group while the zombie still pins the group id. If it dies,
sessions go on (the door watches their pidfds), another starts at once, and
apps start as fresh processes while none is ready or restarts keep failing.
The door stops it by shutting its side of the socket: it hangs up the apps
left and exits.

Not `multiprocessing`'s forkserver: tried with the same preloads and child
code (BENCHMARKS.md, "The zygote at half its size"), it carries the fds
(`reduction.DupFd`) and starts an app as fast (kiosk on screen in 80 vs
79 ms), but each app has 0.8 MiB more of its own (19.5 vs 18.7 MiB), and
it inherits the door's environment (each app's /proc/PID/environ showed the
door's SMTP password), is one per interpreter (the demo's two doors need
two, with different environments), reaps at once (no group sweep, no
pidfd), skips a failing preload silently or dies of it, and its
Process.start() blocks the door's loop until the forked pid comes.
"""
from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import fcntl
import gc
import importlib
import json
import locale
import logging
import os
import pkgutil
import runpy
import select
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import traceback
from typing import Any, Callable, Mapping, Sequence

from .apps import CODE_FD, SERVER_ONLY, code_pipe
from .changes import Changes
from .pty_bridge import LaunchRequest, ProcessLauncher, kill_group, open_pty

log = logging.getLogger("portal.ssh")

# What the zygote loads before its first fork, in order: "module", "package.*" (it and
# its modules, but never models.migrations: their runner loads them) or "module:function"
# (called; its result goes to ZygoteLauncher.info["prepared"]). A failure is logged and
# skipped: a session then does it itself.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "tui.cli", "tui.startup", "tui.shared.runtime", "tui.textual_patches.*",
    "tui.commands.kiosk", "tui.commands.staff", "tui.commands.mailbox",
    "tui.kiosk.*", "tui.staff.*", "tui.mailbox.*", "models.*",
    "textual.drivers.linux_driver",  # and the parser it imports
    "textual.pilot", "textual.scrollbar",  # App.run and the first scrolling widget import them: 0.4 MiB a session
    "zxcvbn",
    "tui.textual_patches.dispatch_cache:install",  # 100 sessions on 2 cores: 13 % of a key's CPU
    # Every stylesheet of the apps imported above, parsed once here, so
    # each forked app starts with them in its CSS cache (BENCHMARKS.md).
    "tui.textual_patches.css_cache:prime",
    # Then, with the patches the apps install, a form typed into (a keystroke's
    # code run once here, its caches filled): 0.3-0.5 MiB less per session.
    "tui.textual_patches.render_rows:install", "tui.shared.warm_up:type_in_a_form",
)
BOOT = "import sys; from tui.ssh.zygote import zygote_main; sys.exit(zygote_main(sys.argv[1:]))"
MAX_MESSAGE = 1 << 20  # more than one send can carry (SO_SNDBUF): never truncated
SPAWN_TIMEOUT = 10.0
RESTART_BACKOFF_MAX = 60.0
PR_SET_NAME, PR_SET_CHILD_SUBREAPER = 15, 36


class ZygoteUnavailable(RuntimeError):
    """No zygote can start this app now (starting, gone, backing off, fork failed)."""


def _prctl(option: int, value: int | str) -> None:
    import ctypes

    ctypes.CDLL(None).prctl(option, value.encode()[:15] if isinstance(value, str) else value, 0, 0, 0)


def preload(names: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """Load `names` (see DEFAULT_PRELOAD); returns {"module:function": result} and the failures."""
    results: dict[str, Any] = {}
    failed: list[str] = []

    def attempt(name: str, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except BaseException as exc:  # noqa: BLE001 - an app module being edited must not stop the door
            failed.append(f"{name}: {type(exc).__name__}: {exc}")

    for name in names:
        module, _, function = name.partition(":")
        if function:
            results[name] = attempt(name, lambda: getattr(importlib.import_module(module), function)())
            continue
        package = attempt(name, lambda: importlib.import_module(name.removesuffix(".*")))
        if name.endswith(".*") and package is not None:
            for info in pkgutil.walk_packages(getattr(package, "__path__", []), name[:-1], onerror=failed.append):
                if not info.name.startswith("models.migrations") and not info.name.rsplit(".", 1)[-1].startswith("__"):
                    attempt(info.name, lambda: importlib.import_module(info.name))
    return results, failed


# --- the zygote process ----------------------------------------------------------------


class _Zygote:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.apps: set[int] = set()  # forked and not yet reaped (orphans are reaped too, unlisted)
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def send(self, message: Mapping[str, Any], fds: Sequence[int] = ()) -> None:
        with contextlib.suppress(OSError):  # the door is gone: the next read says so
            socket.send_fds(self.control, [json.dumps(message, default=repr).encode()], list(fds))

    def run(self, names: Sequence[str], warm_up: Sequence[Sequence[str]]) -> int:
        started = time.monotonic()
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        _prctl(PR_SET_NAME, "portal-zygote")
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the door stops us through the socket
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        # No collection, ever: the holes it would free in the preloaded heap would take
        # each app's first objects, copying those pages (0.4 MiB a session; see fork_app).
        gc.disable()
        prepared, failed = preload(names)
        threads = len(os.listdir("/proc/self/task"))
        if threads != 1:  # fork copies one thread: a lock another one held would stay locked in every app
            print(f"portal-zygote: {threads} threads after preloading; not forking", file=sys.stderr)
            return 3
        loaded = time.monotonic()
        for argv in warm_up:
            self.warm(argv)
        self.send({"op": "ready", "seconds": round(loaded - started, 2), "warm_up": round(time.monotonic() - loaded, 2),
                   "modules": len(sys.modules), "failed": failed, "prepared": prepared})
        while True:
            readable = select.select([self.control, self.wake_r], [], [])[0]
            if self.wake_r in readable:
                os.read(self.wake_r, 4096)
            if self.control in readable and not self.serve_request():
                self.hang_up(2.0)  # the door is gone or done
                return 0
            self.reap()

    def warm(self, argv: Sequence[str]) -> None:
        """Run an app once on a private terminal until its output pauses (5 s at
        most), then hang it up: what it reads at start is then in the page cache."""
        master, slave, _ = open_pty(100, 30)
        env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", "PORTAL_SESSION_SOURCE": "warm-up"}
        self.fork_app(argv, env, [slave], close=[master])
        os.close(slave)
        wait, deadline = 5.0, time.monotonic() + 5.0
        while time.monotonic() < deadline and select.select([master], [], [], wait)[0]:
            try:
                os.read(master, 65536)
            except OSError:  # EIO: the app has closed the terminal
                break
            wait = 0.3  # from its first output on, until it pauses
        os.close(master)  # its terminal hangs up: it writes no more
        self.hang_up(1.0)

    def serve_request(self) -> bool:
        """Fork for one request; False once the door has gone or shut its side."""
        try:
            data, fds, _, _ = socket.recv_fds(self.control, MAX_MESSAGE, 2)
        except OSError:
            return False
        if not data:
            return False
        request = json.loads(data)
        try:
            pid = self.fork_app(request["argv"], request["env"], fds)
        except OSError as exc:
            self.send({"op": "failed", "error": f"fork: {exc}"})
        else:
            pidfd = os.pidfd_open(pid)
            self.send({"op": "spawned", "pid": pid}, [pidfd])  # answers go in the order of the requests
            os.close(pidfd)
        for fd in fds:
            os.close(fd)
        return True

    def fork_app(self, argv: Sequence[str], env: Mapping[str, str], fds: Sequence[int], close: Sequence[int] = ()) -> int:
        """Fork an app on the terminal fds[0] (the code pipe: fds[1]); returns its pid."""
        gc.freeze()  # gc.freeze's recipe: the app's collector (enabled in run_app) skips our objects
        pid = os.fork()
        if pid:
            self.apps.add(pid)
            return pid
        code = 70  # in the child, which never returns
        try:
            signal.set_wakeup_fd(-1)
            for fd in (self.wake_r, self.wake_w, self.control.detach(), *close):
                os.close(fd)
            code = run_app(argv, env, *fds)
        except BaseException:
            with contextlib.suppress(BaseException):
                traceback.print_exc()
        finally:
            os._exit(code)

    def reap(self) -> None:
        while True:
            try:
                exited = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if exited is None:
                return
            pid = exited.si_pid
            if pid in self.apps:  # its zombie still pins the group id: sweep the group first
                kill_group(pid, signal.SIGKILL)
                self.apps.discard(pid)
            self.send({"op": "exited", "pid": pid, "code": os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])})

    def hang_up(self, grace: float) -> None:
        """Hang up the apps left (SIGKILL after `grace` seconds) and reap them."""
        for sig in (signal.SIGHUP, signal.SIGKILL):
            for pid in self.apps:
                kill_group(pid, sig)
                kill_group(pid, signal.SIGCONT)  # a stopped app cannot act on SIGHUP
            deadline = time.monotonic() + grace
            while self.apps and time.monotonic() < deadline:
                self.reap()
                time.sleep(0.02)


def zygote_main(argv: Sequence[str]) -> int:
    """The zygote process: `python -c BOOT <control socket fd> <JSON: preloads> <JSON: warm-up argvs>`."""
    return _Zygote(socket.socket(fileno=int(argv[0]))).run(json.loads(argv[1]), json.loads(argv[2]))


def run_app(argv: Sequence[str], env: Mapping[str, str], tty: int, code: int | None = None) -> int:
    """In a forked child: what `execve(argv, env)` with the terminal `tty` on
    fds 0-2 and the pipe `code` on CODE_FD would do, minus the start-up.
    argv: `[python, -m, module, ...]` or `[python, script.py, ...]` (see
    `runnable_in_zygote`). Returns the exit status, for the caller to _exit."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the two handlers the zygote set
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _prctl(PR_SET_NAME, " ".join([argv[2].rsplit(".", 1)[-1], *argv[3:4]]) if argv[1] == "-m" else os.path.basename(argv[1]))
    os.setsid()
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(tty, fd)
    if tty > 2:
        os.close(tty)
    if code is not None and code != CODE_FD:  # argv says `--code-fd 3`, as for a fresh process
        os.dup2(code, CODE_FD)
        os.close(code)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")
    encoding = env.get("PYTHONIOENCODING", "").partition(":")[0] or "utf-8"
    sys.stdin = sys.__stdin__ = open(0, encoding=encoding, closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding=encoding, closefd=False)  # line-buffered: a tty
    sys.stderr = sys.__stderr__ = open(2, "w", encoding=encoding, errors="backslashreplace", closefd=False)
    gc.enable()
    try:
        if argv[1] == "-m":
            sys.argv = [argv[2], *argv[3:]]
            runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(argv[1:])
            sys.path[0] = os.path.dirname(os.path.abspath(argv[1]))
            runpy.run_path(argv[1], run_name="__main__")
        status = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            status = (exc.code or 0) & 0xFF
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException as exc:
        traceback.print_exc()
        status = 130 if isinstance(exc, KeyboardInterrupt) else 1
    # The interpreter's way out: join threads, run atexit callbacks, flush.
    for finish in (threading._shutdown, atexit._run_exitfuncs, sys.stdout.flush, sys.stderr.flush):  # type: ignore[attr-defined]
        with contextlib.suppress(BaseException):  # a hung-up terminal takes no last bytes
            finish()
    return status


def runnable_in_zygote(argv: Sequence[str], python: str = sys.executable) -> bool:
    """True for `[python, -m, module, ...]` and `[python, script.py, ...]` with
    this interpreter; anything else (other programs, interpreter options)
    goes to the fallback launcher."""
    if len(argv) < 2 or not argv[0] or os.path.realpath(argv[0]) != os.path.realpath(python):
        return False
    if argv[1] == "-m":
        return len(argv) >= 3 and all(part.isidentifier() for part in argv[2].split("."))
    return not argv[1].startswith("-") and argv[1].endswith(".py")


# --- the door's side -------------------------------------------------------------------


class ZygoteChild:
    """An app the zygote forked. Not our child: the zygote sweeps its group,
    reaps it and reports its status. Signals go to its process group while
    its pidfd says it runs. If the zygote dies first, the pidfd tells us
    when the app exits (its status is then unknown: -1)."""

    def __init__(self, pid: int, pidfd: int) -> None:
        self.pid = pid
        self.pidfd = pidfd
        self.returncode: int | None = None
        self._loop = asyncio.get_running_loop()
        self._done: asyncio.Future[int] = self._loop.create_future()

    def _finish(self, code: int) -> None:
        if self.returncode is None:
            self._loop.remove_reader(self.pidfd)
            os.close(self.pidfd)
            self.returncode = code
            self._done.set_result(code)

    def _exited_without_zygote(self) -> None:
        kill_group(self.pid, signal.SIGKILL)  # the sweep the zygote would have done
        self._finish(-1)

    def signal_group(self, sig: int) -> None:
        poller = select.poll()  # not select(): a busy door's descriptors go past 1024
        poller.register(self.pidfd, select.POLLIN)
        if self.returncode is None and not poller.poll(0):  # exited: the zygote sweeps the group
            kill_group(self.pid, sig)

    async def wait(self) -> int:
        return await asyncio.shield(self._done)


class ZygoteLauncher:
    """A `Launcher` that forks each app from a pre-loaded zygote process.

    env: the zygote's environment, which /proc/PID/environ shows for its apps
    too (default: ours without SERVER_ONLY secrets); an app's os.environ is
    exactly `request.env`. rewrite: maps an app's argv to what is run (tests:
    the echo app). warm_up: argvs each new zygote runs once before it is
    ready (`warmed`), so what an app reads at start is in the page cache.
    `fallback` (a ProcessLauncher) starts what the zygote cannot run, and
    apps while no zygote is ready within `start_timeout`."""

    def __init__(self, *, env: Mapping[str, str] | None = None, rewrite: Callable[[Sequence[str]], Sequence[str]] | None = None,
                 preload: Sequence[str] = DEFAULT_PRELOAD, warm_up: Sequence[Sequence[str]] = (), start_timeout: float = 15.0) -> None:
        self.env = dict(env) if env is not None else {k: v for k, v in os.environ.items() if k not in SERVER_ONLY}
        self.rewrite = rewrite
        self.preload = list(preload)
        self.warm_up = [a for a in (list(rewrite(argv) if rewrite else argv) for argv in warm_up) if runnable_in_zygote(a)]
        self.fallback = ProcessLauncher(rewrite=rewrite)
        self.start_timeout = start_timeout
        self.changes = Changes()  # a zygote started, got ready, warmed up, died or was reaped, or reaped a process
        self.warmed = False
        self.spawned = self.fallbacks = self.deaths = 0
        self.info: dict[str, Any] = {}  # the running zygote's "ready" report
        self._proc: subprocess.Popen | None = None  # the running zygote, its socket, its start
        self._sock: socket.socket | None = None
        self._ready: asyncio.Future[None] | None = None
        self._started = 0.0
        self._apps: dict[int, ZygoteChild] = {}
        self._pending: collections.deque[asyncio.Future[ZygoteChild]] = collections.deque()  # in request order
        self._closed = False
        self._backoff_until = 0.0
        self._quick_deaths = 0

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def ready(self) -> bool:
        return self._proc is not None and self._ready.done()  # type: ignore[union-attr]

    async def start(self) -> None:
        """Start a zygote (if none runs) and wait until it is ready."""
        if self._closed:
            raise ZygoteUnavailable("launcher closed")
        if self._proc is None:
            if time.monotonic() < self._backoff_until:
                raise ZygoteUnavailable("zygote restarts are backing off")
            self._start_zygote()
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), self.start_timeout)  # type: ignore[arg-type]
        except asyncio.TimeoutError:
            raise ZygoteUnavailable(f"zygote {self.pid} not ready after {self.start_timeout:.0f}s") from None

    def _start_zygote(self) -> None:
        sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with theirs:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", BOOT, str(theirs.fileno()), json.dumps(self.preload), json.dumps(self.warm_up)],
                    pass_fds=[theirs.fileno()], env=self.env,
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
                )
            except OSError as exc:
                sock.close()
                self._backoff_until = time.monotonic() + 5.0
                raise ZygoteUnavailable(f"cannot start a zygote: {exc}") from exc
        loop = asyncio.get_running_loop()
        self._sock, self._started, self._ready = sock, time.monotonic(), loop.create_future()
        self._ready.add_done_callback(lambda f: f.exception())  # retrieved even if nobody waits
        sock.setblocking(False)  # and a queue for more requests than the door has sessions (1,500 bytes each):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)  # a send that would block falls back
        loop.add_reader(sock, self._on_readable)
        self.changes.notify()

    def _on_readable(self) -> None:
        while self._sock is not None:
            try:
                data, fds, _, _ = socket.recv_fds(self._sock, MAX_MESSAGE, 1)
            except BlockingIOError:
                return
            except OSError as exc:
                return self._lost(f"control socket: {exc}")
            if not data:
                return self._lost("exited")
            message = json.loads(data)
            op = message["op"]
            if op == "spawned":
                child = self._apps[message["pid"]] = ZygoteChild(message["pid"], fds[0])
                if (future := self._pending.popleft()).cancelled():  # the door gave up waiting: nobody bridges it
                    kill_group(child.pid, signal.SIGKILL)
                else:
                    future.set_result(child)
            elif op == "exited":  # an app, or an orphan of one
                if (child := self._apps.pop(message["pid"], None)) is not None:
                    child._finish(message["code"])
                self.changes.notify()
            elif op == "failed" and not (future := self._pending.popleft()).cancelled():
                future.set_exception(ZygoteUnavailable(message["error"]))
            elif op == "ready":
                self.info = message
                log.info("zygote ready pid=%d: %d modules in %.2fs, warm-up of %d app(s) done in %.2fs", self.pid,
                         message["modules"], message["seconds"], len(self.warm_up), message["warm_up"])
                for failure in message["failed"]:
                    log.warning("zygote could not preload %s", failure)
                self.warmed = True
                self._ready.set_result(None)  # type: ignore[union-attr]
                self.changes.notify()

    def _lost(self, reason: str) -> None:
        """The zygote exited or its socket broke: its sessions go on; another starts."""
        proc, sock, loop = self._proc, self._sock, asyncio.get_running_loop()
        loop.remove_reader(sock)
        sock.close()
        self._proc = self._sock = None
        error = ZygoteUnavailable(f"zygote {proc.pid} {reason}")
        for future in (self._ready, *self._pending):
            if not future.done():
                future.set_exception(error)
        self._pending.clear()
        for child in self._apps.values():  # their exits are ours to watch now
            loop.add_reader(child.pidfd, child._exited_without_zygote)
        sessions, self._apps = len(self._apps), {}
        loop.run_in_executor(None, proc.wait).add_done_callback(lambda _: self.changes.notify())  # reap it
        if self._closed:
            return
        self.deaths += 1
        log.warning("zygote pid=%d %s; its %d session(s) go on", proc.pid, reason, sessions)
        self._quick_deaths = self._quick_deaths + 1 if time.monotonic() - self._started < 10 else 0
        if self._quick_deaths >= 2:
            delay = min(RESTART_BACKOFF_MAX, 2.0 ** self._quick_deaths)
            self._backoff_until = time.monotonic() + delay
            log.error("zygote keeps dying; new sessions start without it for %.0fs", delay)
        else:
            with contextlib.suppress(ZygoteUnavailable):
                self._start_zygote()  # at once, so the next session finds it ready
        self.changes.notify()

    async def spawn(self, request: LaunchRequest):
        argv = list(self.rewrite(request.argv) if self.rewrite else request.argv)
        if runnable_in_zygote(argv):
            try:
                child = await self._fork(argv, request.env, request.tty_path, request.username)
                self.spawned += 1
                return child
            except ZygoteUnavailable as exc:
                log.warning("starting the app without the zygote: %s", exc)
        self.fallbacks += 1
        return await self.fallback.spawn(request)

    async def _fork(self, argv: Sequence[str], env: Mapping[str, str], tty_path: str, username: str = "") -> ZygoteChild:
        await self.start()
        fds = [os.open(tty_path, os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)]
        try:
            code = code_pipe(username)  # an invitation code travels as a pipe, never in argv or JSON
            fds += [] if code is None else [code]
            if self._sock is None:  # it died since it was ready, and none has started since
                raise ZygoteUnavailable("the zygote is gone")
            try:
                socket.send_fds(self._sock, [json.dumps({"argv": list(argv), "env": dict(env)}).encode()], fds)
            except OSError as exc:  # gone (the reader says so), or more requests wait than its queue holds
                raise ZygoteUnavailable(f"zygote {self.pid}: {exc}") from exc
        finally:
            for fd in fds:
                os.close(fd)  # the message (then the zygote, then the app) holds its own copies
        self._pending.append(future := asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(future, SPAWN_TIMEOUT)  # cancels it if we give up
        except asyncio.TimeoutError:
            raise ZygoteUnavailable(f"zygote {self.pid} did not answer within {SPAWN_TIMEOUT:.0f}s") from None

    async def close(self) -> None:
        """Stop the zygote: it hangs up any app still running (we still hear them exit)."""
        if self._closed:
            return
        self._closed = True
        if (proc := self._proc) is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_WR)  # type: ignore[union-attr]
            try:
                await asyncio.to_thread(proc.wait, 5.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait)
        self.changes.notify()
