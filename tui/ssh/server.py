"""The SSH door: an asyncssh server that gives each session its own PTY and
its own app process.

The SSH user name picks the app (see `tui.ssh.apps.app_command`). SSH-level
authentication is open for those names only (the apps authenticate people);
`staff` can be restricted to the keys in `settings.ssh_staff_keys`. Agent and
port forwarding, exec requests and subsystems (SFTP) are refused.

No address can fill the door (see DoorLimits): connections and sessions are
capped per address (IPv6: per /64), the last session slots are kept for
addresses holding none, and a connection must log in, then start a session,
within seconds. Connections without a running session share a small pool
in which a newcomer displaces one that has come least far (silent before
talking, before logging in...), of the busiest address, oldest first: a
flood of silent connections churns itself rather than keeping clients out.

Apps are forked from a pre-loaded zygote by default (`default_launcher`,
see tui/ssh/zygote.py); pass `launcher=ProcessLauncher()` for one fresh
process per session (`portal serve --no-zygote`).

Embedding (the demo command does this):

    door = await start_server(settings)            # or port=0, launcher=...
    print(door.port, door.fingerprint)
    ...
    await door.close()                             # ends sessions, reaps apps
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Sequence

import asyncssh

from models.config import Settings

from .apps import app_command, child_env, log_name, term_type
from .changes import Changes
from .hostkey import fingerprint, host_key_path, load_or_create_host_key
from .limits import (
    ConnectionRateLimiter,
    DoorLimits,
    MonotonicClock,
    PerAddress,
    SlotPool,
    WaitingPool,
    address_key,
    human_duration,
)
from .logs import LogThrottle, left_out
from .pty_bridge import (
    READ_CHUNK,
    Child,
    LaunchRequest,
    Launcher,
    clamp_size,
    open_pty,
    pump_pty_to,
    set_winsize,
    terminate,
    write_all,
)

log = logging.getLogger("portal.ssh")

# asyncssh's default ciphers less chacha20-poly1305, which the client's list
# names first (SSH takes the client's first that the server offers). asyncssh
# builds it from three cipher contexts and a Poly1305 per packet: 36 us a
# packet here against 3.6 us for AES-GCM (one call into OpenSSL, AES-NI),
# and each key typed is two or three packets each way. Both are AEAD ciphers
# OpenSSH offers by default; OpenSSH clients then take aes256-gcm.
ENCRYPTION_ALGS = tuple(
    name.decode() for name in asyncssh.encryption.get_default_encryption_algs()
    if name != b"chacha20-poly1305@openssh.com"
)

SERVER_VERSION = "ClientPortalKiosk"

# Put the client's terminal back the way an app may have left it when the
# app was stopped under its feet: main screen, no mouse/paste/focus
# reporting, default keyboard protocol, visible cursor, plain colours.
RESET_TERMINAL = (
    b"\x1b[<u"          # pop the kitty keyboard mode (before leaving the alt screen)
    b"\x1b[?1049l"      # main screen
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    b"\x1b[?1004l\x1b[?2004l\x1b[?2048l"  # focus, bracketed paste, in-band resize off
    b"\x1b[?7h\x1b[0m\x1b[?25h\r\n"      # line wrap on, plain colours, cursor shown
)

MSG_NO_PTY = "This portal is a full-screen app and needs a terminal: connect with `ssh -t {where}`."
MSG_BUSY = "The portal is busy right now ({n} sessions open). Please try again in a few minutes."
MSG_TOO_MANY_HERE = "This connection already has {n} open; please use a new connection."
MSG_START_FAILED = "Sorry, the portal could not start just now. Please try again in a minute."
MSG_SHUTDOWN = "The portal is restarting. Please connect again in a minute."
MSG_IDLE = "Session closed after {t} without input. Connect again any time."
MSG_TIME_LIMIT = "Session closed: the {t} session limit was reached. Please connect again."
MSG_RATE = "Too many connections from {ip}. Please wait {s} seconds and try again."
MSG_SERVER_BUSY = "The portal is busy right now. Please try again in a few minutes."
MSG_CONNECTIONS_HERE = "Too many connections from {ip} are open ({n}). Please close one and try again."
MSG_SESSIONS_HERE = "Too many sessions from {ip} are open ({n}). Please close one and try again."
MSG_DISPLACED = "The portal is busy right now. Please connect again."
MSG_LOGIN_TIMEOUT = "The login took longer than {t}. Please connect again."
MSG_SESSION_TIMEOUT = "No session was opened within {t}. Connect with `ssh -t`."


class SshDoor:
    """A running SSH door. Create it with `start_server`."""

    def __init__(
        self,
        settings: Settings,
        *,
        launcher: Launcher,
        limits: DoorLimits,
        clock: MonotonicClock,
        owns_launcher: bool = False,
    ) -> None:
        self.settings = settings
        self.launcher = launcher
        self._owns_launcher = owns_launcher
        self._launcher_start: asyncio.Task[None] | None = None
        self.limits = limits
        self.clock = clock
        self.host_key_path = host_key_path(settings.data_dir)
        self.host_key = load_or_create_host_key(self.host_key_path)
        self.fingerprint = fingerprint(self.host_key)
        self.rate = ConnectionRateLimiter(limits.connect_burst, limits.connect_window, clock)
        self.slots = SlotPool(limits.max_sessions)
        # Per address (IPv6: per /64), so no address can take the whole door.
        self.connections_here = PerAddress(limits.max_connections_per_address)
        self.sessions_here = PerAddress(limits.max_sessions_per_address)
        # Connections without a running session, each with a deadline; a
        # flood of silent ones displaces its own, not a client's.
        self.waiting: WaitingPool[DoorConnection] = WaitingPool(limits.max_waiting, DoorConnection.progress)
        self._waiting_nonempty = asyncio.Event()
        self._sweeper: asyncio.Task[None] | None = None
        self._log_throttle = LogThrottle(clock, limits.connect_window)
        self.changes = Changes()  # a slot released (its app reaped) or a connection closed
        self.host = ""
        self.port = 0
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[DoorConnection] = set()
        # Admitted connections still holding their places. Refused, displaced and
        # overdue ones stay in _connections until their transport closes, which
        # under load comes late: they must not make the door look full.
        self.holding = 0
        self._sessions: set[asyncio.Task[None]] = set()
        self._closing = asyncio.Event()
        self._closed = False

    @property
    def active_sessions(self) -> int:
        return self.slots.in_use

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    async def _listen(self, host: str, port: int) -> None:
        self._acceptor = await asyncssh.listen(
            host,
            port,
            server_host_keys=[self.host_key],
            server_factory=lambda: DoorConnection(self),
            server_version=SERVER_VERSION,
            config=None,
            encoding=None,
            line_editor=False,
            allow_pty=True,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            password_auth=False,
            kbdint_auth=False,
            gss_host=None,
            # A backstop in real time; the door's own deadline (its clock) comes first.
            login_timeout=2 * self.limits.login_timeout + self.limits.check_interval,
            keepalive_interval=self.limits.keepalive_interval,
            keepalive_count_max=4,
            reuse_address=True,
            encryption_algs=ENCRYPTION_ALGS,
        )
        self.host = host
        self.port = self._acceptor.get_port()
        self._sweeper = asyncio.create_task(self._sweep_deadlines())
        log.info("listening on %s port %d, host key %s", host, self.port, self.fingerprint)

    def _log_throttled(self, key: str, level: int, message: str, *args: object) -> None:
        """One line of each kind per address per rate window, so a flood
        cannot fill the disk."""
        skipped = self._log_throttle.take(f"{key} {message}")
        if skipped is not None:
            log.log(level, message + "%s", *args, left_out(skipped))

    def _enter_waiting(self, conn: "DoorConnection", timeout: float) -> None:
        """`conn` runs no session now: it must start one (or log in) within
        `timeout` seconds, and it may displace an older waiting connection."""
        conn.deadline = self.clock() + timeout
        for displaced in self.waiting.add(conn, conn.key):
            displaced.drop(MSG_DISPLACED, f"displaced: {self.waiting.limit} connections without a session")
        self._waiting_nonempty.set()

    def _leave_waiting(self, conn: "DoorConnection") -> None:
        self.waiting.discard(conn)
        if not len(self.waiting):
            self._waiting_nonempty.clear()

    async def _sweep_deadlines(self) -> None:
        """Close connections that did not log in, or start a session, in time."""
        while True:
            await self._waiting_nonempty.wait()
            await asyncio.sleep(self.limits.check_interval)
            if not len(self.waiting):
                continue
            now = self.clock()
            for conn in self.waiting:
                if conn.deadline > now:
                    continue
                try:
                    if conn.authenticated:
                        t = human_duration(self.limits.session_timeout)
                        conn.drop(MSG_SESSION_TIMEOUT.format(t=t), f"no session within {t}")
                    else:
                        t = human_duration(self.limits.login_timeout)
                        conn.drop(MSG_LOGIN_TIMEOUT.format(t=t), f"no login within {t}")
                except Exception:  # keep sweeping the others
                    log.exception("could not close an overdue connection peer=%s", conn.peer_ip)

    def _track_session(self, task: asyncio.Task[None]) -> None:
        self._sessions.add(task)
        task.add_done_callback(self._sessions.discard)

    async def close(self) -> None:
        """Stop listening, end every session (the apps get SIGHUP, then
        SIGKILL), reap them, and drop the remaining connections."""
        if self._closed:
            return
        self._closed = True
        if self._acceptor is not None:
            self._acceptor.close()
        self._closing.set()
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        if self._sessions:
            await asyncio.wait(set(self._sessions), timeout=self.limits.hangup_grace + 5)
        for conn in list(self._connections):
            conn.disconnect(MSG_SHUTDOWN)
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        if self._launcher_start is not None:
            self._launcher_start.cancel()
            await asyncio.gather(self._launcher_start, return_exceptions=True)
        if self._owns_launcher and hasattr(self.launcher, "close"):
            await self.launcher.close()
        log.info("stopped listening on %s port %d", self.host, self.port)

    async def __aenter__(self) -> "SshDoor":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def default_launcher(settings: Settings) -> Launcher:
    """Apps forked from a pre-loaded zygote, which runs each app once before
    it is ready (on a private terminal), so what an app reads at start is
    in the page cache for the first session."""
    from .zygote import ZygoteLauncher

    env = child_env(settings, client_term=None, peer_ip="")
    env.pop("PORTAL_SESSION_SOURCE", None)
    names = ["kiosk", "staff"] + (["mailbox"] if settings.demo else [])
    warm_up = [argv for argv in (app_command(name, settings) for name in names) if argv]
    return ZygoteLauncher(env=env, warm_up=warm_up)


async def _start_launcher(launcher: Launcher) -> None:
    try:
        await launcher.start()  # type: ignore[attr-defined]
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # sessions fall back to fresh processes
        log.warning("app launcher did not start: %s", exc)


async def start_server(
    settings: Settings,
    *,
    launcher: Launcher | None = None,
    limits: DoorLimits | None = None,
    clock: MonotonicClock | None = None,
    host: str | None = None,
    port: int | None = None,
) -> SshDoor:
    """Start the SSH door on the running event loop.

    host/port default to settings.ssh_host/ssh_port; port 0 picks a free port
    (read it back from `door.port`). `launcher` starts the app processes
    (default: `default_launcher(settings)`, apps forked from a zygote, which
    the door starts now and stops on close; `ProcessLauncher()`: one fresh
    process per session); `limits`
    defaults to `DoorLimits.from_settings(settings)`; `clock` (monotonic
    seconds) drives the rate limiter and the idle/absolute limits.
    """
    owns = launcher is None
    door = SshDoor(
        settings,
        launcher=launcher or default_launcher(settings),
        limits=limits or DoorLimits.from_settings(settings),
        clock=clock or time.monotonic,
        owns_launcher=owns,
    )
    try:
        await door._listen(settings.ssh_host if host is None else host, settings.ssh_port if port is None else port)
    except BaseException:
        if owns and hasattr(door.launcher, "close"):
            await door.launcher.close()
        raise
    if owns and hasattr(door.launcher, "start"):
        # In the background: the door listens at once; a session that comes
        # before the zygote is ready waits for it (or falls back).
        door._launcher_start = asyncio.create_task(_start_launcher(door.launcher))
    return door


class DoorConnection(asyncssh.SSHServer):
    """One SSH connection: admission (rate, totals, per-address counts), its
    deadline while it runs no session, auth policy, and refusal of
    everything but interactive sessions."""

    def __init__(self, door: SshDoor) -> None:
        self.door = door
        self.conn: asyncssh.SSHServerConnection | None = None
        self.peer_ip = "?"
        self.peer_port = 0
        self.key = "?"             # what per-address limits count by
        self.username: str | None = None
        self.admitted = False      # holds a per-address connection place
        self.released = False
        self.authenticated = False
        self.deadline = 0.0        # door clock; while in door.waiting
        self.started = time.monotonic()
        self.sessions = 0          # opened on this connection (for the log)
        self.active_sessions = 0   # running now (for the per-connection cap)
        self.last_size: tuple[int, int] | None = None
        self.refused = False

    # --- admission -----------------------------------------------------
    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer_ip, self.peer_port = str(peer[0]), int(peer[1])
        self.key = address_key(self.peer_ip)
        door = self.door
        door._connections.add(self)
        reason = None
        if door._closing.is_set():
            reason = MSG_SHUTDOWN
        elif door.holding >= door.limits.max_connections:
            reason = MSG_SERVER_BUSY
        elif not door.rate.allow(self.key):
            wait = max(1, int(door.rate.retry_after(self.key) + 0.999))
            reason = MSG_RATE.format(ip=self.peer_ip, s=wait)
        elif not door.connections_here.try_acquire(self.key):
            reason = MSG_CONNECTIONS_HERE.format(ip=self.peer_ip, n=door.connections_here.limit)
        if reason:
            self.refused = True
            door._log_throttled(self.key, logging.WARNING, "refused connection peer=%s:%d: %s",
                                self.peer_ip, self.peer_port, reason)
            # After asyncssh has sent its version line; the client sees the reason.
            asyncio.get_running_loop().call_soon(self.disconnect, reason, asyncssh.DISC_TOO_MANY_CONNECTIONS)
            return
        self.admitted = True
        door.holding += 1
        log.info("connect peer=%s:%d", self.peer_ip, self.peer_port)
        door._enter_waiting(self, door.limits.login_timeout)
        door.changes.notify()

    def progress(self) -> tuple[int, float]:
        """How far this connection has come (0 silent, 1 sent its version,
        2 logging in: key exchange done, 3 logged in), then how few connects
        its address has made lately (the tokens left in its rate bucket): among
        connections as far along, a flooding address's go first, not a client's
        that is still in its handshake on a slow machine."""
        if self.authenticated:
            stage = 3
        elif self.username is not None:
            stage = 2
        elif self.conn is not None and self.conn.get_extra_info("client_version"):
            stage = 1
        else:
            stage = 0
        return stage, self.door.rate.tokens_left(self.key)

    def drop(self, reason: str, why: str) -> None:
        """Close this connection for the door's own reasons (deadline, displaced)."""
        self._release()
        self.door._log_throttled(self.key, logging.INFO, "closed connection peer=%s:%d user=%s: %s",
                                 self.peer_ip, self.peer_port, log_name(self.username), why)
        self.disconnect(reason, asyncssh.DISC_BY_APPLICATION)

    def _release(self) -> None:
        """Give back this connection's places (once, whichever comes first)."""
        if self.released:
            return
        self.released = True
        self.door._leave_waiting(self)
        if self.admitted:
            self.door.connections_here.release(self.key)
            self.door.holding -= 1

    def disconnect(self, reason: str, code: int = asyncssh.DISC_BY_APPLICATION) -> None:
        if self.conn is not None:
            try:
                self.conn.disconnect(code, reason)
            except Exception:  # already gone
                pass

    def connection_lost(self, exc: Exception | None) -> None:
        self._release()
        self.door._connections.discard(self)
        self.door.changes.notify()
        if self.refused:
            return
        size = f"{self.last_size[0]}x{self.last_size[1]}" if self.last_size else "-"
        log.info(
            "disconnect peer=%s:%d user=%s size=%s duration=%.1fs sessions=%d%s",
            self.peer_ip, self.peer_port, log_name(self.username), size,
            time.monotonic() - self.started, self.sessions,
            f" error={type(exc).__name__}" if exc and not isinstance(exc, asyncssh.ConnectionLost) else "",
        )

    # --- authentication ------------------------------------------------
    def begin_auth(self, username: str) -> bool:
        self.username = username
        assert self.conn is not None
        self.conn.set_authorized_keys(None)  # never carry keys over from another name
        if app_command(username, self.door.settings) is None:
            log.info("refused user=%s peer=%s", log_name(username), self.peer_ip)
            return True  # no method is offered, so authentication fails
        keys_path = self.door.settings.ssh_staff_keys
        if username == "staff" and keys_path:
            try:
                self.conn.set_authorized_keys(asyncssh.read_authorized_keys(os.path.expanduser(keys_path)))
            except (OSError, ValueError) as exc:
                log.error("cannot read staff keys %s (%s); staff logins refused", keys_path, exc)
            return True  # public key required
        return False  # open: the app itself authenticates people

    def auth_completed(self) -> None:
        self.authenticated = True
        if self in self.door.waiting:  # now a session must start soon
            self.door._enter_waiting(self, self.door.limits.session_timeout)

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    # --- what a connection may open ------------------------------------
    def session_requested(self) -> "DoorProcess":
        return DoorProcess(self)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info("refused port forwarding (local) peer=%s user=%s", self.peer_ip, log_name(self.username))
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("refused port forwarding (remote) peer=%s user=%s", self.peer_ip, log_name(self.username))
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.info("refused unix socket forwarding peer=%s user=%s", self.peer_ip, log_name(self.username))
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.info("refused unix socket forwarding peer=%s user=%s", self.peer_ip, log_name(self.username))
        return False

    def tun_requested(self, unit: int | None) -> bool:
        log.info("refused tunnel peer=%s user=%s", self.peer_ip, log_name(self.username))
        return False


class DoorProcess(asyncssh.SSHServerProcess):
    """A session channel: a shell request starts the app; exec and subsystem
    requests are refused at the protocol level."""

    def __init__(self, owner: DoorConnection) -> None:
        super().__init__(self._handle, None, 0, False)
        self._owner = owner

    def exec_requested(self, command: str) -> bool:
        log.info("refused exec peer=%s user=%s", self._owner.peer_ip, log_name(self._owner.username))
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused subsystem peer=%s user=%s", self._owner.peer_ip, log_name(self._owner.username))
        return False

    async def _handle(self, process: asyncssh.SSHServerProcess) -> None:
        door = self._owner.door
        task = asyncio.create_task(Session(door, self._owner, self).run())
        door._track_session(task)
        await asyncio.shield(task)


class Session:
    """One interactive session: PTY, app process, pumps, limits, clean-up."""

    def __init__(self, door: SshDoor, owner: DoorConnection, process: DoorProcess) -> None:
        self.door = door
        self.owner = owner
        self.process = process
        self.started = door.clock()
        self.last_input = self.started
        self.size = (0, 0)

    def _say(self, text: str) -> None:
        try:
            self.process.stdout.write(text.encode("utf-8") + b"\r\n")
        except Exception:
            pass

    def _exit(self, status: int) -> None:
        try:
            self.process.exit(status)
        except Exception:
            pass

    def _address_hint(self, username: str) -> str:
        """`-p 2222 kiosk@portal.example` for the no-PTY explanation (a
        registration code is not repeated back)."""
        user = username if username in ("staff", "kiosk", "mailbox") else "kiosk"
        host = self.door.settings.ssh_public_host
        if not host and self.owner.conn is not None:
            host = str((self.owner.conn.get_extra_info("sockname") or ("<host>",))[0])
        port = "" if self.door.port == 22 else f"-p {self.door.port} "
        return f"{port}{user}@{host}"

    def _refuse(self, text: str, why: str) -> None:
        self.door._log_throttled(self.owner.key, logging.INFO, "refused session peer=%s user=%s: %s",
                                 self.owner.peer_ip, log_name(self.owner.username), why)
        self._say(text)
        self._exit(1)

    async def run(self) -> None:
        door, owner, process = self.door, self.owner, self.process
        username = owner.username or ""
        if process.term_type is None:
            return self._refuse(MSG_NO_PTY.format(where=self._address_hint(username)), "no pty")
        argv = app_command(username, door.settings)
        if argv is None:  # cannot happen after auth, but never start anything for a stray name
            return self._refuse("This user name opens nothing here.", "unknown user")
        if door._closing.is_set():
            return self._refuse(MSG_SHUTDOWN, "shutting down")
        if owner.released:  # the door is closing this connection
            return self._exit(1)
        if owner.active_sessions >= door.limits.max_sessions_per_connection:
            n = door.limits.max_sessions_per_connection
            return self._refuse(MSG_TOO_MANY_HERE.format(n=f"{n} session{'s' if n != 1 else ''}"), "per-connection limit")
        key, limits = owner.key, door.limits
        held_here = door.sessions_here[key]
        if held_here >= door.sessions_here.limit:
            n = door.sessions_here.limit
            return self._refuse(MSG_SESSIONS_HERE.format(ip=owner.peer_ip, n=n), "per-address limit")
        if held_here and door.slots.in_use >= door.slots.limit - limits.session_reserve:
            # The last slots are kept for addresses that hold none yet.
            return self._refuse(MSG_BUSY.format(n=door.slots.in_use), "reserve for other addresses")
        if not door.slots.try_acquire():
            door._log_throttled("*", logging.WARNING, "session limit reached (%d)", door.slots.limit)
            return self._refuse(MSG_BUSY.format(n=door.slots.in_use), "session limit")
        door.sessions_here.try_acquire(key)
        owner.sessions += 1
        owner.active_sessions += 1
        door._leave_waiting(owner)
        try:
            await self._run_app(argv)
        finally:
            owner.active_sessions -= 1
            door.sessions_here.release(key)
            door.slots.release()
            if not owner.active_sessions and not owner.released:
                door._enter_waiting(owner, limits.session_timeout)
            door.changes.notify()

    async def _run_app(self, argv: Sequence[str]) -> None:
        door, owner, process = self.door, self.owner, self.process
        width, height = process.term_size[:2]
        self.size = clamp_size(width, height)
        owner.last_size = self.size
        try:
            master, slave, tty_path = open_pty(*self.size)
        except OSError:
            log.exception("could not open a pty")
            self._say(MSG_START_FAILED)
            self._exit(1)
            return
        try:
            env = child_env(door.settings, client_term=process.term_type, peer_ip=owner.peer_ip)
            request = LaunchRequest(argv, env, tty_path, owner.username or "", owner.peer_ip)
            try:
                child = await door.launcher.spawn(request)
            except Exception:
                log.exception("could not start app for user=%s", log_name(owner.username))
                self._say(MSG_START_FAILED)
                self._exit(1)
                return
            finally:
                os.close(slave)
            log.info(
                "session start peer=%s user=%s term=%s size=%dx%d pid=%d",
                owner.peer_ip, log_name(owner.username), term_type(process.term_type),
                self.size[0], self.size[1], child.pid,
            )
            wall_start = time.monotonic()
            reason, status = await self._bridge(master, child)
            log.info(
                "session end peer=%s user=%s size=%dx%d duration=%.1fs reason=%s exit=%s",
                owner.peer_ip, log_name(owner.username), self.size[0], self.size[1],
                time.monotonic() - wall_start, reason, status,
            )
        finally:
            os.close(master)

    async def _bridge(self, master: int, child: Child) -> tuple[str, int]:
        door, process = self.door, self.process
        out_task = asyncio.create_task(pump_pty_to(master, process.stdout.write, process.stdout.drain))
        in_task = asyncio.create_task(self._pump_input(master))
        exit_task = asyncio.create_task(child.wait())
        watch_task = asyncio.create_task(self._watchdog())
        closing_task = asyncio.create_task(door._closing.wait())
        tasks = (out_task, in_task, exit_task, watch_task, closing_task)
        message = None
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if exit_task.done():
                reason = "app exited"
            elif in_task.done():
                reason = _result(in_task) or "client gone"
            elif watch_task.done():
                reason = watch_task.result()
                limits = door.limits
                message = (
                    MSG_IDLE.format(t=human_duration(limits.idle_seconds))
                    if reason == "idle"
                    else MSG_TIME_LIMIT.format(t=human_duration(limits.max_session_seconds))
                )
            elif closing_task.done():
                reason, message = "server shutdown", MSG_SHUTDOWN
            else:
                reason = "client gone" if out_task.exception() else "terminal closed"
            for task in (in_task, watch_task, closing_task):
                task.cancel()
            ended_by_us = not exit_task.done()
            code = await terminate(child, door.limits.hangup_grace)
            # Let the app's last frames (restoring the terminal) through.
            if not out_task.done():
                await asyncio.wait({out_task}, timeout=1.0)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if child.returncode is None:
                # Cancelled from outside: still never leave the app behind.
                await asyncio.shield(terminate(child, door.limits.hangup_grace))
        if reason not in ("client gone", "client closed"):
            if ended_by_us:
                try:
                    process.stdout.write(RESET_TERMINAL)
                except Exception:
                    pass
            if message:
                self._say(message)
            self._exit(0 if ended_by_us else _exit_status(code))
        return reason, code

    async def _pump_input(self, master: int) -> str:
        stdin = self.process.stdin
        while True:
            try:
                data = await stdin.read(READ_CHUNK)
            except asyncssh.TerminalSizeChanged as change:
                self.size = clamp_size(change.width, change.height)
                self.owner.last_size = self.size
                try:
                    set_winsize(master, *self.size)
                except OSError:
                    pass
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived, asyncssh.SoftEOFReceived):
                continue
            except (asyncssh.Error, OSError):
                return "client gone"
            if not data:
                return "client closed"
            self.last_input = self.door.clock()  # never log `data`: it is what people type
            if not await write_all(master, data):
                return "terminal closed"

    async def _watchdog(self) -> str:
        limits, clock = self.door.limits, self.door.clock
        while True:
            await asyncio.sleep(limits.check_interval)
            now = clock()
            if now - self.started >= limits.max_session_seconds:
                return "time limit"
            if now - self.last_input >= limits.idle_seconds:
                return "idle"


def _result(task: asyncio.Task) -> str | None:
    if task.cancelled() or task.exception() is not None:
        return None
    return task.result()


def _exit_status(code: int) -> int:
    return code & 0xFF if code >= 0 else min(255, 128 - code)
