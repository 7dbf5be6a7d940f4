"""ActivityTab: this chart's audit trail, newest first."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from models.audit import recent_for_chart
from models.tables import Client
from tui.shared.runtime import plain

from ..formatting import when_short


class ActivityTab(Vertical):
    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client

    def compose(self) -> ComposeResult:
        yield Static("Who did what on this chart (the last 100 events)", classes="section-heading")
        table = DataTable(id="activity-list", cursor_type="row", zebra_stripes=True)
        table.add_column("When", key="when")
        table.add_column("Who", key="who")
        table.add_column("What", key="what")
        table.add_column("From", key="source")
        table.add_column("Outcome", key="outcome")
        yield table

    def on_mount(self) -> None:
        self.reload(self.client)

    def reload(self, client: Client) -> None:
        self.client = client
        table = self.query_one("#activity-list", DataTable)
        table.clear()
        for event in recent_for_chart(client.id):
            table.add_row(
                when_short(event.at),
                plain(event.actor),
                plain(event.action),
                plain(event.source),
                plain(event.outcome),
                key=str(event.id),
            )
