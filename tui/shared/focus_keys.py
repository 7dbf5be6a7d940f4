"""Tab and Shift+Tab move the focus as soon as they arrive.

Textual hands each key to the focused widget's queue as the key arrives,
and Tab only moves the focus later, when it has bubbled back up from that
widget to the screen. Keys that arrive in one burst, as a password manager
or a fast typist sends "frontdesk<Tab>password<Enter>", were therefore all
queued for the first field: the password landed in the username. As
priority bindings of the app, Tab and Shift+Tab are handled when they
arrive, before the next key is handed on. (No field of the portal's keeps
Tab for itself: its one TextArea moves the focus on Tab too.)
"""
from __future__ import annotations

from textual.binding import Binding

FOCUS_KEYS = [
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="focus.next"),
    Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True, id="focus.previous"),
]
