"""The first frame an app sends is the whole screen, sent as soon as it can be.

Textual lays out and renders the first screen while the app is still
starting, inside a batch update that lasts until every mount handler has
run, and `App._display` drops frames during a batch. The screen's
compositor does not know the frame was dropped: the next update it sends is
partial, only the widgets that changed since (on the kiosk's Welcome: a few
labels and buttons, without the box around them, the focused button or the
key hints), and only after the driver's own resize event and another
layout. The rest reached the terminal at the next full refresh, a frame
tick (~17 ms) or more later, so the person first saw a torn screen.

`WholeFirstFrame` keeps that dropped full frame (and any partial update
dropped after it) and, when the start-up batch ends, writes them in order
in one write. Each partial update is relative to what came before it, so
the terminal shows the screen exactly as the compositor believes it shows,
and the updates that follow apply on top. Nothing is rendered twice. If the
screen changed meanwhile (the kiosk opened with `--code`), nothing is
replayed: that screen's first update is a full one anyway.

Textual is pinned exactly; `tests/test_first_frame.py` checks the first
frame of the kiosk and staff apps is whole, so an upgrade that changes this
path fails there.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment
    from textual.screen import Screen


class _InOrder(CompositorUpdate):
    """Updates that were dropped, as one write."""

    def __init__(self, updates: list[CompositorUpdate]) -> None:
        self.updates = updates

    def render_segments(self, console: "Console") -> str:
        return "".join(update.render_segments(console) for update in self.updates)

    def __rich_console__(self, console: "Console", options: "ConsoleOptions") -> Iterable["Segment"]:
        for update in self.updates:
            yield from update.__rich_console__(console, options)  # type: ignore[attr-defined]


class WholeFirstFrame:
    """Mix into an `App` (before `App`) so its first displayed frame is whole."""

    _dropped: list[CompositorUpdate] | None = None  # a full frame and the updates after it
    _dropped_screen: "Screen | None" = None
    _first_frame_shown = False

    def _display(self, screen: "Screen", renderable: "RenderableType | None") -> None:
        if not self._first_frame_shown and renderable is not None:
            if self._batch_count or not self._running:  # type: ignore[attr-defined]
                self._keep_dropped(screen, renderable)  # Textual is about to drop it
            else:  # something else got there first: leave Textual's behaviour
                self._first_frame_shown = True
                self._dropped = self._dropped_screen = None
        super()._display(screen, renderable)  # type: ignore[misc]

    def _end_batch(self) -> None:
        super()._end_batch()  # type: ignore[misc]
        if self._batch_count or self._first_frame_shown or not self._dropped:  # type: ignore[attr-defined]
            return
        if self._running and self._dropped_screen is self.screen:  # type: ignore[attr-defined]
            self._first_frame_shown = True
            dropped, self._dropped, self._dropped_screen = self._dropped, None, None
            super()._display(self.screen, _InOrder(dropped))  # type: ignore[misc, attr-defined]

    def _keep_dropped(self, screen: "Screen", renderable: "RenderableType") -> None:
        if isinstance(renderable, LayoutUpdate):
            self._dropped, self._dropped_screen = [renderable], screen
        elif self._dropped and screen is self._dropped_screen and isinstance(renderable, ChopsUpdate):
            self._dropped.append(renderable)
        else:  # something this does not know how to replay
            self._dropped = self._dropped_screen = None
