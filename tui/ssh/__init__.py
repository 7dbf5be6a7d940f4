"""The SSH door (`portal serve`): one PTY and one app process per session.

Public API:
    start_server(settings, *, launcher=None, limits=None, clock=None,
                 host=None, port=None) -> SshDoor      (async)
    SshDoor.port / .host / .fingerprint / .active_sessions, await .close()
    app_command(username, settings) -> list[str] | None
    ZygoteLauncher (the default: apps forked from a pre-loaded process),
    ProcessLauncher(rewrite=None) (a fresh process per session),
    LaunchRequest, Launcher (protocol)
    DoorLimits, configure_logging(settings, stderr=True)

Names are imported on first use, so the zygote (tui.ssh.zygote) starts
without importing asyncssh.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ConnectionRateLimiter": "limits",
    "DoorLimits": "limits",
    "LaunchRequest": "pty_bridge",
    "Launcher": "pty_bridge",
    "ProcessLauncher": "pty_bridge",
    "SshDoor": "server",
    "ZygoteLauncher": "zygote",
    "app_command": "apps",
    "child_env": "apps",
    "configure_logging": "logs",
    "default_launcher": "server",
    "start_server": "server",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
