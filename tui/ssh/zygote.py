"""The zygote: one pre-loaded process that forks an app process per SSH session.

A fresh `python -m tui kiosk` spends most of its start importing Textual,
Rich, the apps and the domain (~0.35 s of ~0.4 s here). The zygote pays that
once: it is started by the door, imports everything an app needs, freezes
the heap (so the sessions share those pages copy-on-write) and then forks a
ready process for each session.

    door process                              zygote (python -c ... zygote_main)
    ZygoteLauncher.spawn(request)  ------->   fork(); in the child: setsid, the PTY
      JSON + the PTY slave fd                 slave as controlling terminal on fds
      (SOCK_SEQPACKET, SCM_RIGHTS)            0/1/2, the request's environment, then
                                              `python -m tui <args>` run in-process
                                   <-------   "spawned" pid (+ a pidfd of the child)
                                   <-------   "exited" pid code, once reaped
                                   <-------   "orphan" pid, an app's leftover it reaped

The session's app is still its own process (crash isolation, no shared
memory at run time), with its own PTY and its own database connection: the
zygote never opens the database; `tui.cli.main` in the child does, after the
fork. The zygote is single-threaded whenever it forks (it refuses to fork
otherwise), reaps its children on SIGCHLD, sweeps a session's process group
with SIGKILL when its leader exits (while the zombie still pins the group
id), and is a child subreaper, so orphans of the apps are reaped too.

If the zygote dies, running sessions go on (the door watches their apps
through pidfds and signals their groups itself); the launcher starts a new
zygote at once, and falls back to `ProcessLauncher` while none is ready, or
when restarts keep failing (backing off).

`ZygoteLauncher(warm_up=[argv, ...])` runs each app once on a private PTY
when a zygote starts, so the files an app reads at start are in the page
cache before the first session. The zygote's code imports no app module
and no CSS machinery: `DEFAULT_PRELOAD` names the modules to import and
`DEFAULT_PREPARE` the functions to call then (importlib, by name). The one
it calls, `tui.textual_patches.css_cache.prime`, parses every stylesheet of
the imported apps in the zygote, so each forked app starts with them parsed.
"""
from __future__ import annotations

import asyncio
import gc
import importlib
import io
import itertools
import json
import logging
import os
import pkgutil
import select
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from typing import Any, Callable, Mapping, Sequence

from .changes import Changes
from .pty_bridge import LaunchRequest, ProcessLauncher, _fd_ready, kill_group, open_pty, terminate

log = logging.getLogger("portal.ssh")

# What the zygote imports before its first fork. "pkg.*" means the package and
# every module in it. Anything that fails to import is reported and skipped:
# a session then imports it itself, as a fresh process would.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "tui.cli",
    "tui.startup",
    "tui.shared.runtime",
    "tui.textual_patches.*",  # imported by name only: the door itself uses none of them
    "tui.commands.kiosk",
    "tui.commands.staff",
    "tui.commands.mailbox",
    "tui.kiosk.*",
    "tui.staff.*",
    "tui.mailbox.*",
    "models.*",
    "textual.drivers.linux_driver",  # and the parser it imports
    "zxcvbn",
)
# Never preloaded by "models.*": migration files are loaded by their runner.
PRELOAD_SKIP = ("models.migrations",)
# Called ("module:function", no arguments) once the preloads are imported,
# before the heap is frozen: what they prepare, every fork inherits. Parsing
# every stylesheet of the preloaded apps makes a forked app's first frame
# ~30 ms sooner (BENCHMARKS.md).
DEFAULT_PREPARE: tuple[str, ...] = ("tui.textual_patches.css_cache:prime",)

MAX_MESSAGE = 1 << 20          # one control message (argv + environment)
SPAWN_TIMEOUT = 10.0           # the zygote answers a spawn within this
RESTART_BACKOFF_MAX = 60.0


class ZygoteUnavailable(RuntimeError):
    """No zygote can take the request now (starting, dead or backing off)."""


class ZygoteSpawnError(RuntimeError):
    """The zygote refused or failed a spawn."""


# =============================================================================
# The zygote process
# =============================================================================

BOOT = "import sys; from tui.ssh.zygote import zygote_main; sys.exit(zygote_main(sys.argv[1:]))"


def preload(names: Sequence[str]) -> list[str]:
    """Import `names` ("pkg.*": the package and all its modules); returns failures."""
    failed: list[str] = []

    def load(name: str) -> Any:
        try:
            return importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 - an app module being edited must not stop the door
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
            return None

    for name in names:
        if not name.endswith(".*"):
            load(name)
            continue
        package = load(name[:-2])
        if package is None or not hasattr(package, "__path__"):
            continue
        for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".", onerror=lambda n: failed.append(n)):
            if info.name.startswith(PRELOAD_SKIP) or info.name.rsplit(".", 1)[-1].startswith("__"):
                continue
            load(info.name)
    return failed


def prepare(names: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """Call each "module:function"; returns {name: result} and failures."""
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name in names:
        module, _, function = name.partition(":")
        try:
            result = getattr(importlib.import_module(module), function)()
            json.dumps(result)
            results[name] = result
        except BaseException as exc:  # noqa: BLE001 - as for preloads: reported, never fatal
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return results, failed


def _set_process_name(name: str) -> None:
    """What `ps -o comm` and `top` show (the command line stays the zygote's)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
    except Exception:
        pass


def _set_child_subreaper() -> None:
    """Orphans of the apps (say a killed helper's children) come to us to be reaped."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except Exception:
        pass


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


class _Zygote:
    def __init__(self, control: socket.socket, config: Mapping[str, Any]) -> None:
        self.control = control
        self.control.setblocking(True)
        self.config = config
        self.children: set[int] = set()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.selector: selectors.BaseSelector | None = None

    # --- messages to the door -------------------------------------------------
    def send(self, message: Mapping[str, Any], fds: Sequence[int] = ()) -> None:
        data = json.dumps(message).encode()
        try:
            if fds:
                socket.send_fds(self.control, [data], list(fds))
            else:
                self.control.send(data)
        except OSError:
            pass  # the door is gone; the loop notices on the next read

    def log(self, level: int, text: str) -> None:
        self.send({"op": "log", "level": level, "msg": text})

    # --- main loop ----------------------------------------------------------------
    def run(self) -> int:
        started = time.monotonic()
        _set_child_subreaper()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the door stops us by closing the socket
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)
        _set_process_name("portal-zygote")
        failed = preload(self.config.get("preload", DEFAULT_PRELOAD))
        prepared, not_prepared = prepare(self.config.get("prepare", DEFAULT_PREPARE))
        failed += not_prepared
        gc.collect()
        gc.freeze()      # forked apps never touch the preloaded heap's GC links
        gc.disable()     # the zygote itself allocates little; apps re-enable it
        self.send({
            "op": "ready",
            "pid": os.getpid(),
            "seconds": round(time.monotonic() - started, 3),
            "modules": len(sys.modules),
            "failed": failed,
            "prepared": prepared,
            "threads": _thread_count(),
        })
        sel = self.selector = selectors.DefaultSelector()
        sel.register(self.control, selectors.EVENT_READ, "control")
        sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        try:
            while True:
                for key, _ in sel.select():
                    if key.data == "control":
                        if not self.on_control():
                            return 0
                    else:
                        self.drain_wake()
                        self.reap()
                self.reap()
        finally:
            self.shutdown()

    def on_control(self) -> bool:
        try:
            data, fds, flags, _ = socket.recv_fds(self.control, MAX_MESSAGE, 4)
        except OSError:
            return False
        try:
            if not data:
                return False
            try:
                message = json.loads(data)
            except ValueError:
                self.log(logging.ERROR, "zygote: unreadable request")
                return True
            op = message.get("op")
            if op == "spawn":
                if flags & socket.MSG_TRUNC:
                    self.send({"op": "failed", "id": message.get("id"), "error": "request too large"})
                else:
                    self.spawn(message, fds)
            elif op == "ping":
                self.send({
                    "op": "pong", "id": message.get("id"), "children": sorted(self.children),
                    "threads": _thread_count(),
                })
            elif op == "stop":
                return False
            return True
        finally:
            for fd in fds:
                os.close(fd)

    def drain_wake(self) -> None:
        try:
            while os.read(self.wake_r, 4096):
                pass
        except OSError:
            pass

    # --- spawning -----------------------------------------------------------------
    def spawn(self, message: Mapping[str, Any], fds: Sequence[int]) -> None:
        rid = message.get("id")
        argv, env = message.get("argv"), message.get("env")
        if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv) and runnable_in_zygote(argv, argv[0] if argv else "")):
            return self.send({"op": "failed", "id": rid, "error": "bad argv"})
        if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in env.items())):
            return self.send({"op": "failed", "id": rid, "error": "bad environment"})
        with_code = bool(message.get("code_fd"))  # the invitation code's pipe comes after the terminal
        if len(fds) != 1 + with_code:
            return self.send({"op": "failed", "id": rid, "error": "no terminal" if not fds else "wrong descriptors"})
        if _thread_count() != 1:
            return self.send({"op": "failed", "id": rid, "error": "zygote is not single-threaded; refusing to fork"})
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        try:
            pid = os.fork()
        except OSError as exc:
            return self.send({"op": "failed", "id": rid, "error": f"fork: {exc}"})
        if pid == 0:
            self.become_child(argv, env, fds[0], fds[1] if with_code else None)  # never returns
        self.children.add(pid)
        pidfd = None
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pass
        try:
            self.send({"op": "spawned", "id": rid, "pid": pid}, [pidfd] if pidfd is not None else [])
        finally:
            if pidfd is not None:
                os.close(pidfd)

    def become_child(self, argv: list[str], env: dict[str, str], tty: int, code_fd: int | None) -> None:
        code = 70
        try:
            signal.set_wakeup_fd(-1)
            if self.selector is not None:
                self.selector.close()
            for fd in (self.wake_r, self.wake_w):
                os.close(fd)
            self.control.close()
            code = run_app_in_this_process(argv, env, tty, code_fd)
        except BaseException:
            try:
                traceback.print_exc()
            except BaseException:
                pass
        finally:
            os._exit(code)

    # --- reaping --------------------------------------------------------------------
    def reap(self) -> None:
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            except InterruptedError:
                continue
            if info is None:
                return
            pid = info.si_pid
            if pid in self.children:
                # The zombie still pins the group id: sweep what the app left behind.
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                continue
            if pid in self.children:
                self.children.discard(pid)
                self.send({"op": "exited", "pid": pid, "code": os.waitstatus_to_exitcode(status)})
            else:  # an app's leftover, ours as the subreaper
                self.send({"op": "orphan", "pid": pid})

    def shutdown(self) -> None:
        """The door is gone or asked us to stop: hang up what is left, then kill it."""
        for sig, grace in ((signal.SIGHUP, 2.0), (signal.SIGKILL, 2.0)):
            if not self.children:
                break
            for pid in list(self.children):
                for s in (sig, signal.SIGCONT):
                    try:
                        os.killpg(pid, s)
                    except (ProcessLookupError, PermissionError):
                        pass
            deadline = time.monotonic() + grace
            while self.children and time.monotonic() < deadline:
                self.reap()
                time.sleep(0.02)
        self.reap()


def zygote_main(argv: Sequence[str]) -> int:
    """Entry point of the zygote process: `--fd N [--config JSON]`."""
    fd, config = None, {}
    args = list(argv)
    while args:
        flag = args.pop(0)
        if flag == "--fd" and args:
            fd = int(args.pop(0))
        elif flag == "--config" and args:
            config = json.loads(args.pop(0))
    if fd is None:
        print("usage: zygote --fd N [--config JSON]", file=sys.stderr)
        return 2
    control = socket.socket(fileno=fd)
    return _Zygote(control, config).run()


# =============================================================================
# In the forked child: become `python -m tui <args>` on the session's terminal
# =============================================================================

_old_streams: list[Any] = []  # the zygote's std stream objects, kept so they are never finalized


def _fresh_std_streams() -> None:
    encoding = os.environ.get("PYTHONIOENCODING", "").partition(":")[0] or "utf-8"
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))
    _old_streams.extend([sys.stdin, sys.stdout, sys.stderr])

    def stream(fd: int, write: bool, errors: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, "wb" if write else "rb", closefd=False)
        buffered = io.BufferedWriter(raw) if write else io.BufferedReader(raw)
        return io.TextIOWrapper(
            buffered, encoding=encoding, errors=errors,
            line_buffering=write and raw.isatty(), write_through=write and unbuffered,
        )

    sys.stdin = sys.__stdin__ = stream(0, False, "strict")
    sys.stdout = sys.__stdout__ = stream(1, True, "strict")
    sys.stderr = sys.__stderr__ = stream(2, True, "backslashreplace")


def _exit_code(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    try:
        print(value, file=sys.stderr)
    except Exception:
        pass
    return 1


def run_app_in_this_process(argv: Sequence[str], env: Mapping[str, str], tty: int, code_fd: int | None = None) -> int:
    """What `execve(argv, env)` with the PTY on 0/1/2 would do, minus the start-up.

    argv is `[python, -m, module, args...]` or `[python, script.py, args...]`
    (see `runnable_in_zygote`). `code_fd`: the pipe holding an invitation
    code; the app's `--code-fd` is pointed at it (where the fd landed here;
    no fd: at none). Returns the exit status; the caller `_exit`s.
    """
    import fcntl
    import locale
    import runpy
    import termios

    for sig in (signal.SIGCHLD, signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as the interpreter sets it at start-up

    if argv[1] == "-m":
        _set_process_name(" ".join([argv[2].rsplit(".", 1)[-1], *argv[3:4]]))
    else:
        _set_process_name(os.path.basename(argv[1]))
    os.setsid()
    fcntl.ioctl(tty, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(tty, fd)
    if tty > 2:
        os.close(tty)

    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    try:
        locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        pass
    _fresh_std_streams()
    gc.enable()
    argv = _point_code_fd(argv, code_fd)

    try:
        if argv[1] == "-m":
            sys.argv = [argv[2], *argv[3:]]
            runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        else:
            script = argv[1]
            sys.argv = [script, *argv[2:]]
            sys.path[0] = os.path.dirname(os.path.abspath(script))
            runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        code = 130
    except BaseException:
        traceback.print_exc()
        code = 1
    # What the interpreter does on the way out: join non-daemon threads, run
    # atexit callbacks, flush the streams.
    try:
        getattr(threading, "_shutdown", lambda: None)()
    except BaseException:
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    return code


def _point_code_fd(argv: Sequence[str], code_fd: int | None) -> list[str]:
    """argv with the value after `--code-fd` set to `code_fd` (-1 if none, so
    the app never reads a descriptor of the zygote's by mistake)."""
    argv = list(argv)
    for i, arg in enumerate(argv[:-1]):
        if arg == "--code-fd":
            argv[i + 1] = str(-1 if code_fd is None else code_fd)
    return argv


def runnable_in_zygote(argv: Sequence[str], python: str = sys.executable) -> bool:
    """True for `[python, -m, module, ...]` and `[python, script.py, ...]` with
    this interpreter; anything else (other programs, interpreter options)
    goes to the fallback launcher."""
    if len(argv) < 2 or not argv[0]:
        return False
    if argv[0] != python and os.path.realpath(argv[0]) != os.path.realpath(python):
        return False
    if argv[1] == "-m":
        return len(argv) >= 3 and all(part.isidentifier() for part in argv[2].split("."))
    return not argv[1].startswith("-") and argv[1].endswith(".py")


# =============================================================================
# The door's side
# =============================================================================


def _readable_now(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class ZygoteChild:
    """An app forked by the zygote (not our child: the zygote reaps it and
    reports the status). Signals go to its process group directly, unless its
    pidfd says it has already exited (its group is then swept by the zygote).
    If the zygote dies first, the pidfd tells us when the app exits (the exit
    status is then unknown: -1)."""

    def __init__(self, pid: int, pidfd: int | None) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._loop = asyncio.get_running_loop()
        self._done: asyncio.Future[int] = self._loop.create_future()
        self._pidfd = pidfd
        self._watching = False
        self._poll_task: asyncio.Task | None = None

    def _finish(self, code: int) -> None:
        if self._done.done():
            return
        if self._pidfd is not None:
            if self._watching:
                self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        self.returncode = code
        self._done.set_result(code)

    def _zygote_lost(self) -> None:
        """Our zygote died: watch for the app's exit ourselves."""
        if self._done.done():
            return
        if self._pidfd is not None:
            self._watching = True
            self._loop.add_reader(self._pidfd, self._orphan_exited)
        else:
            self._poll_task = self._loop.create_task(self._poll_exit())

    async def _poll_exit(self) -> None:
        while True:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            await asyncio.sleep(0.25)
        self._orphan_exited()

    def _orphan_exited(self) -> None:
        self._kill_group(signal.SIGKILL)
        self._finish(-1)

    def _kill_group(self, sig: int) -> None:
        kill_group(self.pid, sig)

    def signal_group(self, sig: int) -> None:
        if self.returncode is not None:
            return
        if self._pidfd is not None and not self._watching and _readable_now(self._pidfd):
            return  # exited: the zygote sweeps the group and reports
        self._kill_group(sig)

    async def wait(self) -> int:
        return await asyncio.shield(self._done)


class _ZygoteProcess:
    """One running zygote and the control socket to it."""

    def __init__(self, launcher: "ZygoteLauncher") -> None:
        self.launcher = launcher
        self.loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[_ZygoteProcess] = self.loop.create_future()
        self.ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.dead = False
        self.started = time.monotonic()
        self.info: dict[str, Any] = {}
        self.children: dict[int, ZygoteChild] = {}
        self._pending: dict[int, asyncio.Future[ZygoteChild]] = {}
        self._ids = itertools.count(1)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            config = json.dumps({"preload": list(launcher.preload), "prepare": list(launcher.prepare)})
            self.proc = subprocess.Popen(
                [launcher.python, "-c", BOOT, "--fd", str(theirs.fileno()), "--config", config],
                pass_fds=[theirs.fileno()],
                env=dict(launcher.env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        self.pid = self.proc.pid
        self.sock = ours
        self.sock.setblocking(False)
        self.loop.add_reader(self.sock.fileno(), self._on_readable)

    # --- incoming -------------------------------------------------------------------
    def _on_readable(self) -> None:
        while not self.dead:
            try:
                data, fds, _, _ = socket.recv_fds(self.sock, MAX_MESSAGE, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                return self._on_dead(f"control socket: {exc}")
            if not data:
                for fd in fds:
                    os.close(fd)
                return self._on_dead("exited")
            try:
                message = json.loads(data)
            except ValueError:
                message = {}
            self._dispatch(message, fds)

    def _dispatch(self, message: Mapping[str, Any], fds: list[int]) -> None:
        op = message.get("op")
        if op == "spawned":
            pid = int(message["pid"])
            child = ZygoteChild(pid, fds[0] if fds else None)
            fds = fds[1:]
            self.children[pid] = child
            future = self._pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_result(child)
            else:  # the door gave up waiting: nobody will bridge this app
                child.signal_group(signal.SIGKILL)
        elif op == "exited":
            child = self.children.pop(int(message["pid"]), None)
            if child is not None:
                child._finish(int(message.get("code", -1)))
        elif op == "failed":
            future = self._pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_exception(ZygoteSpawnError(str(message.get("error", "spawn failed"))))
        elif op == "ready":
            self.info = dict(message)
            log.info(
                "zygote ready pid=%d in %.2fs (%d modules)",
                self.pid, message.get("seconds", 0), message.get("modules", 0),
            )
            for failure in message.get("failed", []):
                log.warning("zygote could not preload %s", failure)
            if message.get("threads", 1) != 1:
                log.error("zygote has %s threads after preloading; it will not fork (apps start fresh)", message["threads"])
            if not self.ready.done():
                self.ready.set_result(self)
            self.launcher.changes.notify()
        elif op == "orphan":
            log.info("zygote reaped pid %s, left behind by an app", message.get("pid"))
            self.launcher.orphans_reaped += 1
            self.launcher.changes.notify()
        elif op == "log":
            log.log(int(message.get("level", logging.INFO)), "%s", message.get("msg", ""))
        elif op == "pong":
            future = self._pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_result(message)  # type: ignore[arg-type]
        for fd in fds:
            os.close(fd)

    def _on_dead(self, reason: str) -> None:
        if self.dead:
            return
        self.dead = True
        try:
            self.loop.remove_reader(self.sock.fileno())
        except (ValueError, OSError):
            pass
        self.sock.close()
        error = ZygoteUnavailable(f"zygote {self.pid} {reason}")
        if not self.ready.done():
            self.ready.set_exception(error)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)
        self._pending.clear()
        for child in self.children.values():
            child._zygote_lost()
        self.children.clear()
        reaped = self.loop.run_in_executor(None, self.proc.wait)  # reap the zygote itself
        reaped.add_done_callback(lambda _: self.launcher.changes.notify())
        self.launcher._zygote_died(self, reason)

    # --- outgoing -------------------------------------------------------------------
    async def _send(self, message: Mapping[str, Any], fds: Sequence[int] = ()) -> None:
        data = json.dumps(message).encode()
        if len(data) > MAX_MESSAGE:
            raise ZygoteSpawnError("request too large")
        while True:
            if self.dead:
                raise ZygoteUnavailable(f"zygote {self.pid} is gone")
            try:
                socket.send_fds(self.sock, [data], list(fds)) if fds else self.sock.send(data)
                return
            except (BlockingIOError, InterruptedError):
                await _fd_ready(self.sock.fileno(), write=True)
            except OSError as exc:
                self._on_dead(f"control socket: {exc}")
                raise ZygoteUnavailable(f"zygote {self.pid} is gone") from exc

    async def spawn(self, argv: Sequence[str], env: Mapping[str, str], tty_path: str, username: str = "") -> ZygoteChild:
        from .apps import code_pipe

        rid = next(self._ids)
        future: asyncio.Future[ZygoteChild] = self.loop.create_future()
        self._pending[rid] = future
        fds = [os.open(tty_path, os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)]
        try:
            code = code_pipe(username)  # an invitation code travels as a pipe, never in argv or JSON
            if code is not None:
                fds.append(code)
            message = {"op": "spawn", "id": rid, "argv": list(argv), "env": dict(env), "code_fd": code is not None}
            await self._send(message, fds)
        except BaseException:
            self._pending.pop(rid, None)
            raise
        finally:
            for fd in fds:
                os.close(fd)  # the message in flight (then the zygote, then the app) holds them
        try:
            return await asyncio.wait_for(asyncio.shield(future), SPAWN_TIMEOUT)
        except asyncio.TimeoutError:
            self._pending.pop(rid, None)
            raise ZygoteUnavailable(f"zygote {self.pid} did not answer within {SPAWN_TIMEOUT:.0f}s") from None

    async def stop(self, timeout: float = 5.0) -> None:
        if not self.dead:
            try:
                await self._send({"op": "stop"})
            except (ZygoteUnavailable, ZygoteSpawnError):
                pass
        try:
            await asyncio.wait_for(self.loop.run_in_executor(None, self.proc.wait), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.loop.run_in_executor(None, self.proc.wait)


class ZygoteLauncher:
    """A `Launcher` that forks each app from a pre-loaded zygote process.

    env         the zygote's own environment (what an app would get, minus
                the per-session variables); each app still gets exactly
                `request.env`.
    rewrite     maps the app's argv to what is run (tests: the echo app).
    preload     modules the zygote imports ("pkg.*" for a whole package).
    prepare     "module:function"s the zygote calls after importing them.
    warm_up     argvs run once on a private PTY when a zygote has started,
                so what they read at start is warm before the first session.
    fallback    used when the argv cannot run in the zygote, or no zygote
                is ready within `start_timeout` (default: ProcessLauncher
                with the same rewrite).
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        rewrite: Callable[[Sequence[str]], Sequence[str]] | None = None,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        prepare: Sequence[str] = DEFAULT_PREPARE,
        warm_up: Sequence[Sequence[str]] = (),
        fallback: Any = None,
        start_timeout: float = 15.0,
        python: str = sys.executable,
    ) -> None:
        self.env = dict(os.environ if env is None else env)
        self.rewrite = rewrite
        self.preload = tuple(preload)
        self.prepare = tuple(prepare)
        self.warm_up = [list(a) for a in warm_up]
        self.fallback = fallback or ProcessLauncher(rewrite=rewrite)
        self.start_timeout = start_timeout
        self.python = python
        self.warmed = False
        self.orphans_reaped = 0  # processes apps left behind, reaped by the zygote
        self.changes = Changes()  # a zygote started, got ready, warmed up, died or was reaped
        self.spawned = 0
        self.fallbacks = 0
        self.starts = 0
        self.deaths = 0
        self._zygote: _ZygoteProcess | None = None
        self._closed = False
        self._backoff_until = 0.0
        self._quick_deaths = 0
        self._tasks: set[asyncio.Task] = set()

    @property
    def pid(self) -> int | None:
        z = self._zygote
        return z.pid if z is not None and not z.dead else None

    @property
    def info(self) -> dict[str, Any]:
        """The running zygote's "ready" report (modules, failures, what `prepare` returned)."""
        z = self._zygote
        return dict(z.info) if z is not None and not z.dead else {}

    @property
    def ready(self) -> bool:
        z = self._zygote
        return z is not None and not z.dead and z.ready.done() and not z.ready.exception()

    async def start(self) -> None:
        """Start a zygote (if none runs) and wait until it is ready."""
        await self._ready_zygote()

    def _new_zygote(self) -> _ZygoteProcess:
        z = self._zygote = _ZygoteProcess(self)
        self.starts += 1
        self.changes.notify()
        if self.warm_up:
            self._track(asyncio.get_running_loop().create_task(self._warm(z)))
        return z

    def _track(self, task: asyncio.Task) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _ready_zygote(self) -> _ZygoteProcess:
        if self._closed:
            raise ZygoteUnavailable("launcher closed")
        z = self._zygote
        if z is None or z.dead:
            if time.monotonic() < self._backoff_until:
                raise ZygoteUnavailable("zygote restarts are backing off")
            try:
                z = self._new_zygote()
            except OSError as exc:
                self._backoff_until = time.monotonic() + 5.0
                raise ZygoteUnavailable(f"cannot start a zygote: {exc}") from exc
        try:
            return await asyncio.wait_for(asyncio.shield(z.ready), self.start_timeout)
        except asyncio.TimeoutError:
            raise ZygoteUnavailable(f"zygote {z.pid} not ready after {self.start_timeout:.0f}s") from None

    def _zygote_died(self, z: _ZygoteProcess, reason: str) -> None:
        if self._closed:
            return
        self.deaths += 1
        self.changes.notify()
        log.warning("zygote pid=%d %s; its %d session(s) go on", z.pid, reason, len(z.children))
        if self._zygote is not z:
            return
        if time.monotonic() - z.started < 10:
            self._quick_deaths += 1
        else:
            self._quick_deaths = 0
        if self._quick_deaths >= 2:
            delay = min(RESTART_BACKOFF_MAX, 2.0 ** self._quick_deaths)
            self._backoff_until = time.monotonic() + delay
            log.error("zygote keeps dying; new sessions start without it for %.0fs", delay)
            return
        try:
            self._new_zygote()  # at once, so the next session finds it ready
        except OSError:
            log.exception("could not restart the zygote")

    async def spawn(self, request: LaunchRequest):
        argv = list(self.rewrite(request.argv) if self.rewrite else request.argv)
        if runnable_in_zygote(argv, self.python):
            try:
                z = await self._ready_zygote()
                child = await z.spawn(argv, request.env, request.tty_path, request.username)
                self.spawned += 1
                return child
            except (ZygoteUnavailable, ZygoteSpawnError) as exc:
                log.warning("starting the app without the zygote: %s", exc)
        self.fallbacks += 1
        return await self.fallback.spawn(request)

    async def _warm(self, z: _ZygoteProcess) -> None:
        """Run each warm-up app once on a private terminal, before the first session."""
        try:
            await asyncio.wait_for(asyncio.shield(z.ready), self.start_timeout)
        except (ZygoteUnavailable, asyncio.TimeoutError):
            return
        env = {**self.env, "TERM": "xterm-256color", "COLORTERM": "truecolor", "PORTAL_SESSION_SOURCE": "warm-up"}
        started = time.monotonic()
        for argv in self.warm_up:
            if z.dead or self._closed:
                return
            argv = list(self.rewrite(argv) if self.rewrite else argv)
            if not runnable_in_zygote(argv, self.python):
                continue
            try:
                master, slave, path = open_pty(100, 30)
            except OSError:
                return
            try:
                try:
                    child = await z.spawn(argv, env, path)
                finally:
                    os.close(slave)
                drain = _Drain(master)
                try:
                    await drain.wait_quiet(first=5.0, quiet=0.3)
                    await terminate(child, 1.0)
                finally:
                    await drain.stop()
            except (ZygoteUnavailable, ZygoteSpawnError, OSError) as exc:
                log.warning("zygote warm-up of %s failed: %s", argv[3:] or argv[1:], exc)
            finally:
                os.close(master)
        log.info("zygote warm-up of %d app(s) done in %.2fs", len(self.warm_up), time.monotonic() - started)
        self.warmed = True
        self.changes.notify()

    async def ping(self) -> dict:
        z = await self._ready_zygote()
        rid = next(z._ids)
        future = z.loop.create_future()
        z._pending[rid] = future
        await z._send({"op": "ping", "id": rid})
        return await asyncio.wait_for(future, 5)

    async def close(self) -> None:
        """Stop the zygote (it hangs up any app still running)."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        z, self._zygote = self._zygote, None
        if z is not None:
            await z.stop()
        self.changes.notify()


class _Drain:
    """Reads and discards a PTY master until EIO, noting when output last came."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.last = 0.0
        self.bytes = 0
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        import errno

        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                await _fd_ready(self.fd)
                continue
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.EBADF):
                    return
                raise
            if not data:
                return
            self.bytes += len(data)
            self.last = time.monotonic()

    async def wait_quiet(self, *, first: float, quiet: float) -> None:
        """Until output has started and then paused for `quiet` seconds
        (or `first` seconds without any output)."""
        started = time.monotonic()
        while not self.task.done():
            now = time.monotonic()
            if self.bytes and now - self.last >= quiet:
                return
            if now - started > first:
                return
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
