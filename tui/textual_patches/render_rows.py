"""A partial screen update renders the rows it updates, not whole widgets.

What it patches: `textual._compositor.Compositor._get_renders` (a private
module and method). For a partial update (a key typed into a field: one
row of the screen changed) Textual asks every widget whose clip overlaps
the update for all of its lines: the screen, the page's scroll container,
the banner and the footer (docked, so clipped by the whole screen), every
label and row, then keeps only the updated row of what they drew. Here
each widget is asked for the updated rows only, and one that has none of
them is not asked at all; nor is one whose part of the update a widget in
front of it draws whole (the page and the form behind a field: Textual's
compositor does not blend layers, the first strip for a cut wins). What
reaches the terminal is the same: the updated spans, cut from the same
widgets' lines.

Why (tests): `tests/test_render_rows.py` (a key in the login form asks
neither the banner nor the footer nor the page behind the field for a line;
the frames still draw the same screen: the real-terminal test in
tests/kiosk/test_real_terminal.py compares the typed-into screen with a
full repaint of it).

What it buys: ~0.3 ms of the ~3.3 ms of CPU a key costs the kiosk's login
form (BENCHMARKS.md, "Keystroke CPU"); not asking the widgets behind the
field, 12 % more (7.7 M instructions a key in the kiosk's login form
became 6.8 M, valgrind; BENCHMARKS.md, "Memory and CPU per session through
the SSH door").

Upstream issue text (Textualize/textual):
    "Compositor._get_renders renders whole widgets for a partial update.
    For a crop (the union of the dirty regions) it keeps each widget whose
    clip overlaps the crop and calls render_lines() for the widget's whole
    visible region; _render_chops then discards every line outside the
    updated spans. A docked widget's clip is the screen, so a one-row
    update (typing into an Input) renders the header, the footer, the
    screen and every container in full. Could it intersect each clip with
    the crop's rows first, and skip widgets that do not intersect them?
    And, since the first strip for a cut wins, skip a widget whose part of
    the crop lies inside the region of one widget already rendered in
    front of it (the containers behind an Input)?"
"""
from __future__ import annotations

from typing import Iterable

from textual._compositor import Compositor
from textual.geometry import Region
from textual.strip import Strip

_textual_get_renders = Compositor._get_renders


def _get_renders(self: Compositor, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
    if crop is None:
        return _textual_get_renders(self, crop)
    return _renders_in_rows(self, crop)


def _renders_in_rows(self: Compositor, crop: Region) -> Iterable[tuple[Region, Region, list[Strip]]]:
    rows = Region(0, crop.y, max(self.size.width, crop.right), crop.height)
    intersection = Region.intersection
    drawn: list[Region] = []  # what the widgets in front draw (visible_widgets runs front to back)
    for widget, (region, clip) in self.visible_widgets.items():
        clip = intersection(clip, rows)
        shown = intersection(region, clip)
        x, y, width, height = shown
        if not (width and height):
            continue
        # A widget outside the update, or whose part of it a widget in front
        # draws whole (the page behind a field), adds nothing to it: the first
        # strip for a cut wins in _render_chops, and ChopsUpdate writes no cut
        # outside the updated spans (all inside `crop`).
        updated = intersection(shown, crop)
        if not updated.area or any(front.contains_region(updated) for front in drawn):
            continue
        drawn.append(shown)
        # as Textual's own branch for a clipped widget: its lines in the clip
        yield region, clip, widget.render_lines(Region(x - region.x, y - region.y, width, height))


def install() -> None:
    """Partial updates render only their rows (idempotent)."""
    Compositor._get_renders = _get_renders  # type: ignore[method-assign]
