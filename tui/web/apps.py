"""One kiosk app process per browser connection.

`KioskProcess` is textual-serve's AppService, with the app started as the
SSH door starts its apps, by a `tui.ssh` Launcher (by default forked from a
pre-loaded zygote, else a fresh process), so it gets:
- the SSH door's environment for apps (`tui.ssh.child_env`: PORTAL_*
  without the SMTP password) plus what Textual's web driver needs, never a
  copy of the server's whole environment;
- an invitation code on an inherited pipe (`register+CODE` ->
  `--code-fd 3`), never argv, never the environment;
- its own process group and a terminal of its own, here set raw (8-bit
  clean): the web driver's packets go through it unchanged, both ways;
- the same end: SIGHUP (the kiosk ends the person's session and exits),
  SIGKILL after a grace period, reaped. textual-serve's own stop sends a
  "quit" packet, which would skip the kiosk's hang-up.
"""
from __future__ import annotations

import asyncio
import os
import signal
import tty
from typing import Any, Mapping

from textual_serve.app_service import AppService

from models.config import Settings
from tui.ssh.apps import REGISTER_PREFIX, app_command, child_env, invitation_code
from tui.ssh.pty_bridge import Child, LaunchRequest, Launcher, clamp_size, open_pty, pump_pty_to, terminate, write_all

# What textual-serve sets for its web driver (the rest of its environment,
# a copy of the server's, is not passed on).
WEB_DRIVER_KEYS = (
    "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM",
    "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS",
)
HANGUP_GRACE = 2.0


def web_app_env(settings: Settings, peer_ip: str, web: Mapping[str, str]) -> dict[str, str]:
    """The SSH door's environment for an app, with the web driver's keys from `web`."""
    env = child_env(settings, client_term=None, peer_ip=peer_ip)
    env.update({k: web[k] for k in WEB_DRIVER_KEYS if k in web})
    env["PORTAL_SESSION_SOURCE"] = f"web:{peer_ip}" if peer_ip else "web"
    return env


def default_launcher(settings: Settings) -> Launcher:
    """Kiosks forked from a zygote of their own (as the SSH door's apps are),
    pre-loaded with the web driver's settings: Textual reads them once, when
    it is imported. It runs the kiosk once at start, on a private terminal."""
    from tui.ssh import ZygoteLauncher
    from tui.ssh.zygote import DEFAULT_PRELOAD

    probe = AppService("", write_bytes=None, write_str=None, close=None, download_manager=None)  # type: ignore[arg-type]
    env = web_app_env(settings, "", probe._build_environment())
    for key in ("COLUMNS", "ROWS", "PORTAL_SESSION_SOURCE"):  # each app's own
        env.pop(key, None)
    return ZygoteLauncher(
        env=env,
        preload=(*DEFAULT_PRELOAD, "textual.drivers.web_driver"),  # the driver these apps run with
        warm_up=[app_command("kiosk", settings) or []],
    )


class _PtyWriter:
    """What AppService writes packets to (its `stdin`): the terminal's master."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._pending.append(data)

    async def drain(self) -> None:
        data, self._pending = b"".join(self._pending), []
        if data and not await write_all(self.fd, data):
            raise ConnectionResetError("the app's terminal is closed")


class _AppIO:
    """What AppService.run reads from: the app's output, and an empty stderr
    (the app's stderr shares its terminal)."""

    def __init__(self, child: Child, stdout: asyncio.StreamReader) -> None:
        self.child = child
        self.pid = child.pid
        self.stdout = stdout
        self.stderr = asyncio.StreamReader()
        self.stderr.feed_eof()

    @property
    def returncode(self) -> int | None:
        return self.child.returncode


class KioskProcess(AppService):
    """The kiosk for one browser connection (see the module docstring)."""

    def __init__(
        self, settings: Settings, *, launcher: Launcher, peer_ip: str, code: str | None, clock, **kwargs: Any
    ) -> None:
        super().__init__("portal kiosk", **kwargs)
        self.settings = settings
        self.launcher = launcher
        self.peer_ip = peer_ip
        self.code = code
        self.clock = clock
        self.last_input = clock()
        self.child: Child | None = None
        self._master: int | None = None
        self._pump: asyncio.Task[None] | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return web_app_env(self.settings, self.peer_ip, super()._build_environment(width, height))

    def _user(self) -> str:
        """The SSH user name that asks for the same app: `register+CODE` or `kiosk`."""
        if self.code and invitation_code(REGISTER_PREFIX + self.code):
            return REGISTER_PREFIX + self.code
        return "kiosk"

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        width, height = clamp_size(width, height)
        user = self._user()
        argv = app_command(user, self.settings)
        assert argv is not None
        master, slave, tty_path = open_pty(width, height)
        try:
            tty.setraw(slave)  # the web driver's packets are bytes, not a terminal's lines
            request = LaunchRequest(argv, self._build_environment(width, height), tty_path, user, self.peer_ip)
            self.child = await self.launcher.spawn(request)
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self._master = master
        output = asyncio.StreamReader()
        self._pump = asyncio.create_task(self._read_app(master, output))
        self._process = _AppIO(self.child, output)  # type: ignore[assignment]
        self._stdin = _PtyWriter(master)  # type: ignore[assignment]
        return self._process

    @staticmethod
    async def _read_app(master: int, output: asyncio.StreamReader) -> None:
        async def no_wait() -> None:
            return None

        try:
            await pump_pty_to(master, output.feed_data, no_wait)
        finally:
            output.feed_eof()

    @property
    def pid(self) -> int | None:
        return self.child.pid if self.child is not None else None

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = self.clock()  # never log `data`: it is what people type
        return await super().send_bytes(data)

    async def set_terminal_size(self, width: int, height: int) -> None:
        # One browser must not make an app render a hundred million cells.
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Hang up the app (it ends the person's session), reap it, finish reading."""
        if self._task is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if self.child is not None:
            await asyncio.shield(terminate(self.child, HANGUP_GRACE))
        if self._pump is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._pump), 2.0)
            except asyncio.TimeoutError:  # a grandchild holds the terminal: stop reading
                self._pump.cancel()
                self._process.stdout.feed_eof()  # type: ignore[union-attr]
        await self._task
        self._task = None
        if self._master is not None:
            os.close(self._master)
            self._master = None

    def kill(self) -> None:
        """Last resort at shutdown: SIGKILL the app's group."""
        if self.child is not None and self.child.returncode is None:
            self.child.signal_group(signal.SIGKILL)
