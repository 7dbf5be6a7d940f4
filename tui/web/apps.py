"""One kiosk app process per browser connection.

`KioskProcess` is textual-serve's AppService with three changes:
- the app is `python -m tui kiosk` started without a shell, in its own
  process group, with the environment the SSH door gives its apps
  (`tui.ssh.child_env`: PORTAL_* without the SMTP password) plus what
  Textual's web driver needs, never a copy of the server's whole environment;
- an invitation code reaches the app on an inherited pipe (`--code-fd`),
  the SSH door's channel: never argv, never the environment;
- it ends as an SSH session's app does: SIGHUP (the kiosk ends the person's
  session and exits), SIGKILL after a grace period, reaped. textual-serve's
  own stop sends a "quit" packet, which would skip the kiosk's hang-up.
"""
from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from textual_serve.app_service import AppService

from models.config import Settings
from tui.ssh.apps import REGISTER_PREFIX, app_command, child_env, code_pipe
from tui.ssh.pty_bridge import clamp_size, kill_group, terminate

# What textual-serve sets for its web driver (the rest of its environment,
# a copy of the server's, is not passed on).
WEB_DRIVER_KEYS = (
    "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM",
    "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS",
)
HANGUP_GRACE = 2.0


class _Group:
    """An asyncio child process as tui.ssh.pty_bridge.terminate wants it."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    async def wait(self) -> int:
        return await self.process.wait()

    def signal_group(self, sig: int) -> None:
        kill_group(self.pid, sig)


class KioskProcess(AppService):
    """The kiosk for one browser connection (see the module docstring)."""

    def __init__(self, settings: Settings, *, peer_ip: str, code: str | None, clock, **kwargs: Any) -> None:
        super().__init__("portal kiosk", **kwargs)
        self.settings = settings
        self.peer_ip = peer_ip
        self.code = code
        self.clock = clock
        self.last_input = clock()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        web = super()._build_environment(width, height)
        env = child_env(self.settings, client_term=None, peer_ip=self.peer_ip)
        env.update({k: web[k] for k in WEB_DRIVER_KEYS if k in web})
        env["PORTAL_SESSION_SOURCE"] = f"web:{self.peer_ip}"
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        argv = list(app_command("kiosk", self.settings) or [])
        pipe = code_pipe(REGISTER_PREFIX + self.code) if self.code else None
        if pipe is not None:
            argv += ["--code-fd", str(pipe)]  # the same number in the child (pass_fds)
        try:
            self._process = process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._build_environment(width, height),
                start_new_session=True,  # its own group: SIGHUP reaches anything it starts
                pass_fds=(pipe,) if pipe is not None else (),
            )
        finally:
            if pipe is not None:
                os.close(pipe)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = self.clock()  # never log `data`: it is what people type
        return await super().send_bytes(data)

    async def set_terminal_size(self, width: int, height: int) -> None:
        # One browser must not make an app render a hundred million cells.
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Hang up the app (it ends the person's session), reap it, finish the reader."""
        if self._task is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if self._process is not None:
            await asyncio.shield(terminate(_Group(self._process), HANGUP_GRACE))
        await self._task
        self._task = None

    def kill(self) -> None:
        """Last resort at shutdown: SIGKILL the app's group."""
        if self._process is not None and self._process.returncode is None:
            kill_group(self._process.pid, signal.SIGKILL)
