"""A modal screen over the screen below it, dimmed as Textual dims it, for less.

Textual draws a ModalScreen whose background is translucent (its default,
`$background 60%`) over a tinted copy of the screen below: every time the
dialog's screen is drawn (pushed, resumed, laid out, restyled: 5-6 times a
push), the whole screen below is drawn again and each of its segments gets
its colours blended with the tint, one `Color` and two `Style` additions a
segment. `DimmedModal` keeps that tinted copy until the screen below paints
something (Textual then refreshes the dialog's screen with the regions it
painted), and blends each style once rather than once a segment. The same
cells and colours as Textual's own (tests/test_dimmed_modal.py compares
them, also after the screen below changed under the dialog). A dialog's
push: longest callback ~25 ms of CPU instead of ~58 ms, about what an
opaque dialog costs (BENCHMARKS.md, "Loop lag: layout, painting and the
collector").
"""
from __future__ import annotations

from typing import Any, Iterable

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, ScreenResultType
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, RichVisual, Visual
from typing_extensions import Self

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


class DimmedScreenBelow(Visual):
    """The tinted screen below, drawn once and kept until that screen changes.

    Textual draws a dialog's screen again whenever the dialog's screen is
    refreshed: pushed, resumed, laid out, restyled, 5-6 times a push, each
    time the whole screen below with it. What is below changes only when
    that screen paints something, and then Textual refreshes the dialog's
    screen with the regions it painted (Screen._compositor_refresh): that
    is when `DimmedModal.refresh` drops the strips kept here. A new size,
    tint or base style draws again too.
    """

    def __init__(self, dialog: DimmedModal, below: TintedScreenBelow) -> None:
        self.dialog = dialog
        self.below = below
        self.rich = RichVisual(dialog, below)

    def render_strips(self, width: int, height: int | None, style: VisualStyle, options: RenderOptions) -> list[Strip]:
        key = (self.below.screen, self.below.color, width, height, style, self.dialog.below_changes)
        kept = self.dialog.below_drawn
        if kept is not None and kept[0] == key:
            return kept[1]
        strips = self.rich.render_strips(width, height, style, options)
        self.dialog.below_drawn = (key, strips)
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.rich.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.rich.get_height(rules, width)


class DimmedModal(ModalScreen[ScreenResultType]):
    """A ModalScreen drawn over the dimmed screen below, as Textual draws it."""

    below_changes = 0  # bumped when the screen below paints (see DimmedScreenBelow)
    below_drawn: tuple[tuple, list[Strip]] | None = None

    def refresh(self, *regions: Region, **kwargs: Any) -> Self:
        if regions:  # the screen below painted these (or a part of this screen changed: draw again too)
            self.below_changes = self.below_changes + 1
        return super().refresh(*regions, **kwargs)

    def render(self):  # noqa: ANN201 - Textual's renderable types
        below = super().render()
        if type(below) is BackgroundScreen:
            return DimmedScreenBelow(self, TintedScreenBelow(below.screen, below.color))
        return below
