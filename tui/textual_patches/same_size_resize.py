"""A screen's first layout is done once, not again for its own Resize.

What it patches: `textual.screen.Screen._screen_resized` (a private method).
When a screen is shown, `_on_screen_resume` lays it out at the app's size,
and that layout posts a Resize to every widget it showed, the screen itself
included. The screen's Resize handler then lays the screen out again at the
same size and paints it all again, and does the same for every screen
showing through below it (a dialog's: the whole chart room under it). Here
`_screen_resized` does nothing when the screen's last layout was at that
very size: a layout is still done whenever something asked for one
(`refresh(layout=True)` sets its own flag) and on a real resize (the size
differs).

Why (tests): tests/test_same_size_resize.py (pushing a screen lays it out
once, a dialog leaves the screen below it alone, and a terminal resized
still lays the screen out at the new size).

What it buys: the kiosk's dashboard, the staff chart room and each dialog
are laid out and painted once when shown, not twice (BENCHMARKS.md, "Loop
lag: layout, painting and the collector").

Upstream issue text (Textualize/textual):
    "A pushed screen is laid out twice. Screen._on_screen_resume calls
    _refresh_layout(size) for a screen whose size changed; the reflow posts
    Resize to every widget in `shown | resized`, which includes the screen
    (the compositor's root). Screen._on_resize then calls
    _screen_resized(event.size), i.e. _refresh_layout again at the same size,
    and also _screen_resized for every background screen, so a ModalScreen
    relays out and repaints the screen below it. Could _screen_resized
    return early when the compositor was last reflowed at that size?"
"""
from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen

_textual_screen_resized = Screen._screen_resized


def _screen_resized(self: Screen, size: Size) -> None:
    if self._compositor.size == size and not self.app.is_inline:
        return  # laid out at this size already; a pending layout is flagged and done on the next update
    _textual_screen_resized(self, size)


def install() -> None:
    """Same-size Resize events lay nothing out again (idempotent)."""
    Screen._screen_resized = _screen_resized  # type: ignore[method-assign]
