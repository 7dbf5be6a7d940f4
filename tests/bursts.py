"""Keys that arrive all at once, as a password manager or a quick typist sends them.

`pilot.press` waits for each key to be handled before the next; a real
terminal delivers a burst in one read, and the driver queues every key
before the first is handled. `burst()` does the same.
"""
from __future__ import annotations

from textual import events
from textual.app import App
from textual.keys import _character_to_key

NAMED = {"\t": "tab", "\r": "enter", "\x1b[Z": "shift+tab"}


def burst(app: App, *parts: str) -> None:
    """Queue keys for `app` without waiting: text, or "\\t", "\\r", "\\x1b[Z" (Shift+Tab)."""
    for part in parts:
        if part in NAMED:
            app.post_message(events.Key(NAMED[part], None))
            continue
        for ch in part:
            app.post_message(events.Key(_character_to_key(ch), ch))
