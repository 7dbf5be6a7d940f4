"""ActivityTab: what happened on this chart, in words, newest first.

Repeats in a row are one line ("(3 times)"); the owner's failed sign-ins
and a lockout show here too, marked, since staff are the ones asked why a
person cannot sign in.
"""
from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from models.config import OWNER_BOX_REFRESH_SECONDS
from models.staff_views import ActivityRow, activity_view
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.runtime import plain

from ..formatting import when_short
from .chart_tab import ChartTab


class ActivityTab(ChartTab):
    POLL_SECONDS = OWNER_BOX_REFRESH_SECONDS  # what the client does shows within seconds
    DEFAULT_CSS = """
    ActivityTab DataTable {
        height: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("What happened on this chart (the last 100 events)", classes="section-heading")
        yield FittingTable(
            Column("When", "when", whole=True),
            Column("Who", "who"),
            Column("What", "what"),
            Column("From", "source"),
            id="activity-list",
            cursor_type="row",
            zebra_stripes=True,
        )

    def read(self, chart_id: int) -> tuple[ActivityRow, ...]:
        return activity_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, view: tuple[ActivityRow, ...]) -> None:
        rows = [
            (
                (
                    when_short(event.at, self.zone),
                    plain(event.who),
                    # A failure is marked in words (⚠) as well as in colour.
                    plain(f"⚠ {event.what}", "bold red") if event.failed else plain(event.what),
                    plain(event.source),
                ),
                str(event.id),
            )
            for event in view
        ]
        self.query_one("#activity-list", FittingTable).set_rows(rows or [(("", "", "Nothing yet", ""), None)])
