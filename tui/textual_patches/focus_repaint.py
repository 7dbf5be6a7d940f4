"""A focus change repaints the widgets whose look changes, not the whole screen.

What it patches: the `repaint` flag of `textual.screen.Screen.focused` (a
Reactive; its `_repaint` attribute is private). Textual declares it
`Reactive(None)`, so every change of focus refreshes the whole screen: the
next update is a full one, composing every line of every widget again and
writing the whole screen to the terminal (over SSH, every byte of it, for
one Tab). What a focus change alters is already refreshed without it: the
widget focused and the one blurred restyle themselves and their children
(`Widget.watch_has_focus`), containers with `:focus-within` rules are
restyled (`Screen._update_focus_styles`), a restyle whose styles changed
refreshes its widget, and the footer's keys follow `Screen._watch_focused`
(`refresh_bindings`). Here the reactive keeps its watcher and drops only the
whole-screen refresh.

Why (tests): tests/test_focus_repaint.py drives focus through inputs, a
button, a table, a list (whose items' style depends on the list's focus)
and a container styled by `:focus-within`, writes every update the app
sends to a terminal emulator (pyte), and checks after each move that the
terminal shows what a full repaint of the screen shows, cell by cell and
colour by colour, with no full update sent.

What it buys: the staff Forms tab's F8 moves the focus into the tab, and
so did a whole-screen compose (5-9 ms of the F8's CPU, BENCHMARKS.md,
issue 17); each Tab in a kiosk form over SSH sends the changed lines, not
the whole screen.

Upstream issue text (Textualize/textual):
    "Every focus change repaints the whole screen. Screen.focused is declared
    Reactive(None), i.e. repaint=True, so setting it calls Screen.refresh(),
    marks the screen's whole region dirty and the next compositor update is
    a full one (render_full_update), though focus and blur already restyle
    and refresh the widgets concerned (watch_has_focus, _update_focus_styles).
    In a large screen this is several ms of CPU per Tab and the whole
    screen's bytes to the terminal. Could `focused` be
    Reactive(None, repaint=False)?"
"""
from __future__ import annotations

from textual.screen import Screen


def install() -> None:
    """Focus changes refresh only what they restyle (idempotent)."""
    Screen.__dict__["focused"]._repaint = False
