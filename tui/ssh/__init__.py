"""The SSH door (`portal serve`): one PTY and one app process per session.

Public API:
    start_server(settings, *, launcher=None, limits=None, clock=None,
                 host=None, port=None) -> SshDoor      (async)
    SshDoor.port / .host / .fingerprint / .active_sessions, await .close()
    app_command(username, settings) -> list[str] | None
    ProcessLauncher(rewrite=None), LaunchRequest, Launcher (protocol)
    DoorLimits, configure_logging(settings, stderr=True)
"""
from __future__ import annotations

from .apps import app_command, child_env
from .limits import ConnectionRateLimiter, DoorLimits
from .logs import configure_logging
from .pty_bridge import LaunchRequest, Launcher, ProcessLauncher
from .server import SshDoor, start_server

__all__ = [
    "ConnectionRateLimiter",
    "DoorLimits",
    "LaunchRequest",
    "Launcher",
    "ProcessLauncher",
    "SshDoor",
    "app_command",
    "child_env",
    "configure_logging",
    "start_server",
]
