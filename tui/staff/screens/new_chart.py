"""NewChartScreen: a new client's chart, optionally inviting them to the portal at once."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Header, Input, Label, Static

from models.chart_owner import activate_access
from models.charts import create_chart
from models.errors import DomainError
from models.text import InvalidInput
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen

from ..widgets.common import FieldErrorsMixin, set_error

FIELDS = (
    ("first_name", "First name", ""),
    ("last_name", "Last name", ""),
    ("date_of_birth", "Date of birth", "MM/DD/YYYY"),
    ("email", "Email", "name@example.com"),
    ("phone", "Phone", "optional"),
)


class NewChartScreen(FieldErrorsMixin, PortalScreen):
    CSS_PATH = "new_chart.tcss"
    AUTO_FOCUS = "#first_name"

    BINDINGS = [
        Binding("ctrl+s", "create", "Create chart", id="new_chart.create"),
        Binding("escape", "cancel", "Cancel", id="new_chart.cancel"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="new-chart-form"):
            yield Static("New chart", id="form-title")
            for name, label, placeholder in FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield PlainInput(id=name, placeholder=placeholder, max_length=254)
                yield Static("", id=f"{name}-error", classes="field-error", markup=False)
            yield Checkbox("Send client an email to set up their portal account", id="invite")
            yield Static("", id="invite-error", classes="field-error", markup=False)
            with Horizontal(id="form-actions"):
                yield Button("Create chart", id="create", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeyHints()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#{name}", Input).value for name, _, _ in FIELDS}

    def show_error(self, field: str, message: str) -> None:
        target = field if field in dict((n, n) for n, _, _ in FIELDS) else "invite"
        set_error(self.query_one(f"#{target}-error", Static), message)
        if target != "invite":
            self.query_one(f"#{target}", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.action_create()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        self.app.pop_screen()

    def action_create(self) -> None:
        self.clear_errors()
        values = self.values()
        invite = self.query_one("#invite", Checkbox).value
        if invite and not values["email"].strip():
            self.show_error("email", "An email address is needed to send the portal invitation.")
            return
        actor = self.app.actor
        try:
            client = create_chart(actor, **values)
        except InvalidInput as exc:
            self.show_error(exc.field, exc.message)
            return
        note = f"Chart {client.chart_number} created for {client.full_name}."
        severity = "information"
        if invite:
            try:
                activate_access(actor, client)
                note += f" Portal invitation queued to {client.email}."
            except (DomainError, InvalidInput) as exc:
                note += f" The portal invitation was not sent: {exc.message}"
                severity = "warning"
        self.app.notify(plain(note).plain, title="New chart", severity=severity, markup=False)
        from .chart_room import ChartRoomScreen

        self.app.switch_screen(ChartRoomScreen(client.id))
