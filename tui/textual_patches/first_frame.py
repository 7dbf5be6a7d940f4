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

What it patches: `App._display` and `App._end_batch` (private), mixed in
before `App` by the apps that need it: the kiosk and the mailbox viewer.
The staff app does without: its sign-in screen's first write is whole
without the mixin (3 of 3 runs), so it does not carry it.

Why (tests): `tests/test_first_frame.py::test_the_kiosk_welcome_arrives_whole`
(fails without it every time: no box, no focused button, no key hints) and
`::test_the_mailbox_arrives_whole` (without it, 1 run in 6 on a busy
machine wrote a first frame without the header's icon). Textual is pinned
exactly, so an upgrade that changes this path fails there.

What it buys: the kiosk's first screen whole in its first write, ~20-30 ms
(a frame tick or more) before Textual's next full refresh would complete it
(BENCHMARKS.md, round 3 of the start-up work); nothing is rendered twice.

Upstream issue text (Textualize/textual):
    "The first frame rendered during start-up is dropped, and the next
    update is partial. While the app starts, `App._display` drops frames
    because a batch update is open (`_batch_count > 0`) until every mount
    handler has run. The screen's compositor does not know its full frame
    never reached the terminal, so the next update it sends is a partial
    one (only the widgets changed since), and the rest of the screen
    appears only at the next full refresh, a frame tick or more later: the
    user first sees a torn screen (labels and buttons without their
    container's border, no footer). Could a frame dropped during the
    start-up batch be kept and written when the batch ends, or the
    compositor be told to send a full update next?"
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
