"""ActivityTab: what happened on this chart, in words, newest first.

Repeats in a row are one line ("(3 times)"); the owner's failed sign-ins
and a lockout show here too, marked, since staff are the ones asked why a
person cannot sign in.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from models.staff_views import ActivityRow, activity_view
from tui.shared.runtime import plain

from ..formatting import when_short
from .chart_tab import ChartTab


class ActivityTab(ChartTab):
    DEFAULT_CSS = """
    ActivityTab DataTable {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("What happened on this chart (the last 100 events)", classes="section-heading")
        table = DataTable(id="activity-list", cursor_type="row", zebra_stripes=True)
        table.add_column("When", key="when")
        table.add_column("Who", key="who")
        table.add_column("What", key="what")
        table.add_column("From", key="source")
        yield table

    def read(self, chart_id: int) -> tuple[ActivityRow, ...]:
        return activity_view(chart_id)

    def draw(self, view: tuple[ActivityRow, ...]) -> None:
        table = self.query_one("#activity-list", DataTable)
        table.clear()
        for event in view:
            # A failure is marked in words (⚠) as well as in colour.
            what = plain(f"⚠ {event.what}", "bold red") if event.failed else plain(event.what)
            table.add_row(
                when_short(event.at, self.zone),
                plain(event.who),
                what,
                plain(event.source),
                key=str(event.id),
            )
        if not view:
            table.add_row("", "", "Nothing yet", "")
