"""AppointmentsTab: the client's portal requests; approve or decline with a message."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from models.config import OWNER_BOX_REFRESH_SECONDS
from models.records import MODES, STATUSES
from models.staff_views import RequestRow, requests_view
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.runtime import plain

from ..formatting import when_short
from .chart_tab import ChartTab
from .common import ChartChanged


class AppointmentsTab(ChartTab):
    POLL_SECONDS = OWNER_BOX_REFRESH_SECONDS  # what the client does shows within seconds
    DEFAULT_CSS = """
    AppointmentsTab DataTable {
        height: auto;
        max-height: 12;
    }
    """
    BINDINGS = [
        Binding("y", "decide(True)", "Approve", id="appointments.approve"),
        Binding("x", "decide(False)", "Decline", id="appointments.decline"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("Appointment requests from the portal", classes="section-heading")
        yield FittingTable(
            Column("Asked", "asked", whole=True),
            Column("Preferred time", "preferred", whole=True),
            Column("Mode", "mode", whole=True),
            Column("Status", "status", whole=True),
            Column("Reason", "reason"),
            Column("Our message", "message"),
            id="requests",
            cursor_type="row",
            zebra_stripes=True,
        )
        with Horizontal(classes="tab-actions"):
            yield Button("Approve", id="approve", variant="success", compact=True)
            yield Button("Decline", id="decline", variant="error", compact=True)

    @property
    def requests(self) -> tuple[RequestRow, ...]:
        return self.view if self.view is not None else ()

    def read(self, chart_id: int) -> tuple[RequestRow, ...]:
        return requests_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, view: tuple[RequestRow, ...]) -> None:
        rows = [
            (
                (
                    when_short(req.created_at, self.zone),
                    when_short(req.preferred_at, self.zone),
                    MODES.get(req.mode, req.mode),
                    STATUSES.get(req.status, req.status),
                    plain(" ".join(req.reason.split())[:60]),
                    plain(" ".join(req.practice_message.split())[:60]),
                ),
                str(req.id),
            )
            for req in view
        ]
        self.query_one("#requests", FittingTable).set_rows(rows or [(("No requests yet", "", "", "", "", ""), None)])

    @on(Button.Pressed, "#approve")
    def _approve_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_decide(True)

    @on(Button.Pressed, "#decline")
    def _decline_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_decide(False)

    def action_decide(self, approve: bool) -> None:
        from ..screens.modals import DecideRequestScreen

        table = self.query_one("#requests", DataTable)
        requests = self.requests
        if not requests or table.cursor_row is None or table.cursor_row >= len(requests):
            self.app.notify("There is no request to answer.", severity="warning")
            return
        req = requests[table.cursor_row]
        if req.status != "pending":
            self.app.notify(f"This request is already {STATUSES.get(req.status, req.status).lower()}.", severity="warning")
            return

        def done(status: str | None) -> None:
            if status is not None:
                self.app.notify(f"Request {status}; the client sees your message in the portal.", title="Appointments")
                self.reload()
                self.post_message(ChartChanged("appointments", self))

        self.app.push_screen(DecideRequestScreen(req, approve=approve, zone=self.zone), done)
