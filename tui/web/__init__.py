"""The browser door (`portal web`): the client kiosk in a browser, served
by textual-serve, one app process per browser tab.

It stands on its own like the SSH door: it starts the kiosk as a command
(`python -m tui kiosk`) and imports none of the apps' screens.

Public API:
    WebDoor(settings, *, host=None, port=None, limits=None, clock=...)
    await door.start(); door.public_url / .port / .active_sessions
    await door.close()                      # hangs up every app
    start_web_door(settings, **kwargs) -> WebDoor   (async)
    configure_logging(settings, stderr=True)
"""
from __future__ import annotations

from .logs import configure_logging
from .server import WebDoor, start_web_door

__all__ = ["WebDoor", "configure_logging", "start_web_door"]
