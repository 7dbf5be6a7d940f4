"""A modal screen over the screen below it, dimmed as Textual dims it, for less.

Textual draws a ModalScreen whose background is translucent (its default,
`$background 60%`) over a tinted copy of the screen below: every time the
dialog's screen is drawn (pushed, laid out, or the screen below changes
under it), each segment of the screen below gets its colours blended with
the tint, one `Color` and two `Style` additions a segment, ~700 segments for
a chart room at 100x30. The same few dozen styles come back again and
again, so `DimmedModal` blends each style once and looks it up after: the
same cells, the same colours (tests/test_dimmed_modal.py compares them with
Textual's own), ~40 % less of the background's render (BENCHMARKS.md, "Loop
lag: layout, painting and the collector").
"""
from __future__ import annotations

from typing import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, ScreenResultType

_NULL_STYLE = Style()
_MOST_STYLES = 4096  # more than any screen shows; the cache starts over past it


class TintedScreenBelow(BackgroundScreen):
    """BackgroundScreen with each style's blend computed once per tint."""

    _blends: dict[Color, dict[Style | None, Style]] = {}

    @classmethod
    def process_segments(cls, segments: Iterable[Segment], color: Color) -> Iterable[Segment]:
        if color.a == 0:  # Textual's special case: no blend, only links and meta cleared
            yield from super().process_segments(segments, color)
            return
        blends = cls._blends.get(color)
        if blends is None or len(blends) > _MOST_STYLES:
            blends = cls._blends[color] = {}
        blend = cls._blend
        for segment in segments:
            text, style, control = segment
            if control:
                yield segment
                continue
            tinted = blends.get(style)
            if tinted is None:
                tinted = blends[style] = blend(style, color)
            yield Segment(text, tinted, control)

    @staticmethod
    def _blend(style: Style | None, color: Color) -> Style:
        """What Textual's BackgroundScreen.process_segments makes of one style."""
        style = _NULL_STYLE if style is None else style.clear_meta_and_links()
        return style + Style.from_color(
            (Color.from_rich_color(style.color) + color).rich_color if style.color is not None else None,
            (Color.from_rich_color(style.bgcolor) + color).rich_color if style.bgcolor is not None else None,
        )


class DimmedModal(ModalScreen[ScreenResultType]):
    """A ModalScreen drawn over the dimmed screen below, as Textual draws it."""

    def render(self):  # noqa: ANN201 - Textual's renderable types
        below = super().render()
        if type(below) is BackgroundScreen:
            return TintedScreenBelow(below.screen, below.color)
        return below
