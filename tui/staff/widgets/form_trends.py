"""TrendChart: the Forms tab's questionnaire totals over time, all in one widget.

Each trend is a title, a line of bars and its latest totals in words, drawn
as one Text: one widget for every questionnaire instead of a Sparkline and
two Statics each (the tab is ready sooner with fewer widgets to style and lay
out). The bars stand on the questionnaire's whole range (0 to its maximum,
not the data's own low and high) and take the colour of their band, lowest
band to highest, so a line of mild totals never looks like a severe one.
"""
from __future__ import annotations

import datetime as dt
from itertools import groupby
from zoneinfo import ZoneInfo

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from models.forms.staff_views import TrendView
from models.timefmt import to_local

BARS = "▁▂▃▄▅▆▇█"
POINT_CELLS = 4          # cells a total takes while the trend is short
MIN_CELLS = 12           # the narrowest line of bars
TEXT_POINTS = 6          # the latest totals also written out, newest last


def local_day(value: dt.datetime | None, zone: ZoneInfo | None) -> dt.date | None:
    """The practice's calendar day of a stored (UTC) time."""
    return None if value is None else to_local(value, zone).date()


def trend_words(trend: TrendView, zone: ZoneInfo | None) -> str:
    """A trend as text: the latest totals with their dates and bands, and the bands' ranges."""
    points = trend.points[-TEXT_POINTS:]
    lines = [" · ".join(f"{local_day(p.submitted_at, zone):%m/%d/%y} {p.value} {p.band}".rstrip() for p in points)]
    if len(trend.points) > len(points):
        first = trend.points[0]
        lines[0] = f"({len(trend.points)} in all; first {local_day(first.submitted_at, zone):%m/%d/%y} {first.value}) " + lines[0]
    lines.append("Bands: " + ", ".join(f"{b.low}-{b.high} {b.label}" for b in trend.bands))
    return "\n".join(lines)


def bar_values(values: list[int], width: int) -> list[int]:
    """One value per cell of a line `width` cells wide: each total repeated while
    they are few, and past the width the highest of each group (a spike stays seen)."""
    count = len(values)
    cells = min(max(POINT_CELLS * count, MIN_CELLS), width)
    shown = []
    for cell in range(cells):
        start = cell * count // cells
        end = max((cell + 1) * count // cells, start + 1)
        shown.append(max(values[start:end]))
    return shown


def band_index(trend: TrendView, value: int) -> int:
    """Which of the trend's bands (0 = lowest) a total falls in."""
    return next((n for n, b in enumerate(trend.bands) if b.low <= value <= b.high), len(trend.bands) - 1)


class TrendChart(Widget):
    """Every questionnaire trend of the chart; `show()` gives it the tab's latest."""

    COMPONENT_CLASSES = {"trend-chart--low", "trend-chart--middle", "trend-chart--high", "trend-chart--title"}
    DEFAULT_CSS = """
    TrendChart {
        height: auto;
    }

    TrendChart > .trend-chart--low {
        color: $success;
    }

    TrendChart > .trend-chart--middle {
        color: $warning;
    }

    TrendChart > .trend-chart--high {
        color: $error;
    }

    TrendChart > .trend-chart--title {
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="trends")
        self.trends: tuple[TrendView, ...] = ()
        self.zone: ZoneInfo | None = None
        self._drawn: tuple[tuple, Text] | None = None

    def show(self, trends: tuple[TrendView, ...], zone: ZoneInfo | None) -> None:
        if (trends, zone) != (self.trends, self.zone):
            self.trends, self.zone = trends, zone
            self.refresh(layout=True)

    def band_colours(self, trend: TrendView) -> list[Style]:
        """Each band's colour, lowest band to highest: the low colour through the middle one to the high."""
        _, base = self.background_colors
        low, middle, high = (base + self.get_component_styles(f"trend-chart--{part}").color
                             for part in ("low", "middle", "high"))
        steps = max(len(trend.bands) - 1, 1)
        colours = []
        for n in range(max(len(trend.bands), 1)):
            where = n / steps
            colour = low.blend(middle, where * 2) if where <= 0.5 else middle.blend(high, where * 2 - 1)
            colours.append(Style(color=colour.rich_color))
        return colours

    def render(self) -> Text:
        width = self.content_region.width or 76
        key = (width, self.trends, self.zone)
        if self._drawn is None or self._drawn[0] != key:  # the height is measured with a render, then drawn
            self._drawn = (key, self._text(width))
        return self._drawn[1]

    def _text(self, width: int) -> Text:
        title = self.get_component_rich_style("trend-chart--title", partial=True)
        text = Text()
        for n, trend in enumerate(self.trends):
            if n:
                text.append("\n")  # a blank line between two, as above the tab's other headings
            text.append(f"{trend.title}: total over time (0-{trend.maximum})\n", title)
            colours = self.band_colours(trend)
            levels = len(BARS) / (max(trend.maximum, 1) + 1)
            bars = [(BARS[min(len(BARS) - 1, int(v * levels))], min(band_index(trend, v), len(colours) - 1))
                    for v in bar_values([p.value for p in trend.points], width)]
            for band, run in groupby(bars, key=lambda bar: bar[1]):  # one span per run of a band
                text.append("".join(bar for bar, _ in run), colours[band])
            text.append("\n" + trend_words(trend, self.zone) + "\n")
        text.rstrip()
        return text
