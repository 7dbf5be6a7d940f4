"""AppointmentsTab: the client's portal requests; approve or decline with a message."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from models.records import MODES, STATUSES, requests_for_staff
from models.tables import Client
from tui.shared.runtime import plain

from ..formatting import when_short
from .common import ChartChanged


class AppointmentsTab(VerticalScroll):
    BINDINGS = [
        Binding("y", "decide(True)", "Approve", id="appointments.approve"),
        Binding("x", "decide(False)", "Decline", id="appointments.decline"),
    ]

    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.requests = []

    def compose(self) -> ComposeResult:
        yield Static("Appointment requests from the portal", classes="section-heading")
        table = DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        table.add_column("Asked", key="asked")
        table.add_column("Preferred time", key="preferred")
        table.add_column("Mode", key="mode")
        table.add_column("Status", key="status")
        table.add_column("Reason", key="reason")
        table.add_column("Our message", key="message")
        yield table
        with Horizontal(classes="tab-actions"):
            yield Button("Approve", id="approve", variant="success", compact=True)
            yield Button("Decline", id="decline", variant="error", compact=True)

    def on_mount(self) -> None:
        self.reload(self.client)

    def reload(self, client: Client) -> None:
        self.client = client
        self.requests = requests_for_staff(client)
        table = self.query_one("#requests", DataTable)
        table.clear()
        for req in self.requests:
            table.add_row(
                when_short(req.created_at),
                when_short(req.preferred_at),
                MODES.get(req.mode, req.mode),
                STATUSES.get(req.status, req.status),
                plain(" ".join(req.reason.split())[:60]),
                plain(" ".join(req.practice_message.split())[:60]),
                key=str(req.id),
            )
        if not self.requests:
            table.add_row("No requests yet", "", "", "", "", "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("approve", "decline"):
            event.stop()
            self.action_decide(event.button.id == "approve")

    def action_decide(self, approve: bool) -> None:
        from ..screens.modals import DecideRequestScreen

        table = self.query_one("#requests", DataTable)
        if not self.requests or table.cursor_row is None or table.cursor_row >= len(self.requests):
            self.app.notify("There is no request to answer.", severity="warning")
            return
        req = self.requests[table.cursor_row]
        if req.status != "pending":
            self.app.notify(f"This request is already {STATUSES.get(req.status, req.status).lower()}.", severity="warning")
            return

        def done(saved) -> None:
            if saved is not None:
                self.app.notify(f"Request {saved.status}; the client sees your message in the portal.", title="Appointments")
                self.reload(self.client)
                self.post_message(ChartChanged("appointments"))

        self.app.push_screen(DecideRequestScreen(req, approve=approve), done)
