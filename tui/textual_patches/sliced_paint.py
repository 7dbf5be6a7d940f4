"""A screen laid out anew is painted in slices, not in the layout's own callback.

What it patches: `textual.screen.Screen._refresh_layout` and
`Screen._compositor_refresh` (private methods). When a screen is shown, or
a pane appears in it, Textual lays the screen out and paints every line of
every visible widget in one callback of the event loop: the kiosk's
dashboard, the staff client list and chart room, a tab's first show,
25-50 ms of CPU on the shared 2-core machine, during which no key, no
other session's frame and no timer is served. Here the layout's paint is
started instead: each loop callback renders the next visible widgets'
lines until a few milliseconds have passed (the lines land in each
widget's own line cache, as Textual's paint would leave them), then gives
the loop back; the last one composes the frame from those caches with
Textual's own `_compositor_refresh`. While a pass is under way, any other
paint of that screen waits for it (its dirty regions are painted with it),
so the terminal never shows half a layout; a layout during a pass is
painted by the same pass's last step, so a pass always ends. An app's
first frame (before Textual's Ready), a scroll (`reflow_visible`) and an
inline app are painted in the layout's callback, as Textual does.

Why (tests): tests/test_sliced_paint.py (the frame a terminal shows is
the same, cell by cell and colour by colour, as Textual's own painting;
no widget line is rendered in the layout's callback; every slice but the
last stays near its budget).

What it buys: the loop_lag bench's longest callbacks are these layouts'
paints (BENCHMARKS.md, "Loop lag: a layout's paint in slices").

Upstream issue text (Textualize/textual):
    "A screen's layout and its full paint happen in one event-loop
    callback. Screen._refresh_layout reflows and then calls
    _compositor_refresh(), which renders every visible widget's lines
    before returning; for a screen of 30-100 widgets that is tens of
    milliseconds during which the loop serves nothing else (other apps'
    sessions under textual-serve or an SSH server, timers, input). Could
    the first paint after a reflow render the widgets' lines in
    time-bounded slices (yielding to the loop between them) and compose
    the update once all are cached, holding other updates of the screen
    until then?"
"""
from __future__ import annotations

import asyncio
import time

from textual.geometry import Region, Size
from textual.screen import Screen

SLICE = 0.004  # seconds of rendering in one loop callback, after which the loop is given back

_textual_refresh_layout = Screen._refresh_layout
_textual_compositor_refresh = Screen._compositor_refresh


class PaintPass:
    """One layout's paint: the visible widgets' lines, a slice per loop callback, then the frame."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.todo = iter(list(screen._compositor.visible_widgets.items()))

    def start(self) -> None:
        self.screen._sliced_paint = self
        asyncio.get_running_loop().call_soon(self.step)

    def step(self) -> None:
        screen = self.screen
        try:
            if not screen.is_attached:
                screen._sliced_paint = None
                return
            deadline = time.perf_counter() + SLICE
            for widget, (region, clip) in self.todo:
                shown = region.intersection(clip)
                if shown.area and widget.is_attached:
                    widget.render_lines(Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height))
                if time.perf_counter() >= deadline:
                    asyncio.get_running_loop().call_soon(self.step)
                    return
            screen._sliced_paint = None
            _textual_compositor_refresh(screen)  # composed from the lines just cached
        except Exception as error:  # as Textual's own layout does: the app shows it and exits
            screen._sliced_paint = None
            screen.app._handle_exception(error)


def painting(screen: Screen) -> bool:
    """Is a pass under way, i.e. is `screen` laid out but its frame not yet written?"""
    return getattr(screen, "_sliced_paint", None) is not None


def _refresh_layout(self: Screen, size: Size | None = None, scroll: bool = False) -> None:
    if (scroll and not self._layout_widgets) or not self.app._dom_ready or self.app.is_inline:
        _textual_refresh_layout(self, size, scroll)
        return
    self._layout_to_paint = True
    try:
        _textual_refresh_layout(self, size, scroll)
    finally:
        self._layout_to_paint = False


def _compositor_refresh(self: Screen) -> None:
    if painting(self):
        return  # the pass under way paints the screen's dirty regions, these too, when it ends
    if getattr(self, "_layout_to_paint", False) and not self.app._batch_count:
        self._layout_to_paint = False
        PaintPass(self).start()
        return
    _textual_compositor_refresh(self)


def install() -> None:
    """A new layout's paint in slices (idempotent)."""
    Screen._refresh_layout = _refresh_layout  # type: ignore[method-assign]
    Screen._compositor_refresh = _compositor_refresh  # type: ignore[method-assign]
