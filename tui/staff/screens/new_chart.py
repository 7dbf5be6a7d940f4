"""NewChartScreen: a new client's chart, optionally with forms and the portal invitation at once."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Select, Static

from models.audit import Actor
from models.errors import DomainError
from models.new_chart import PackageChoice, open_new_chart, package_choices
from models.text import InvalidInput
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.toggles import Checkbox
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..widgets.common import FieldErrorsMixin, set_error

FIELDS = (
    ("first_name", "First name", ""),
    ("last_name", "Last name", ""),
    ("date_of_birth", "Date of birth", "MM/DD/YYYY"),
    ("email", "Email", "name@example.com"),
    ("phone", "Phone", "optional"),
)


class NewChartScreen(ForwardsWorkerErrors, FieldErrorsMixin, PortalScreen):
    CSS_PATH = "new_chart.tcss"
    AUTO_FOCUS = "#first_name"

    BINDINGS = [
        Binding("ctrl+s", "create", "Create chart", id="new_chart.create"),
        Binding("escape", "cancel", "Cancel", id="new_chart.cancel"),
    ]

    class Created(Message):
        """The worker's answer: the new chart (its id and what to say), or the field and rule it broke."""

        def __init__(self, chart_id: int | None, note: str, severity: str = "information", field: str = "") -> None:
            super().__init__()
            self.chart_id = chart_id
            self.note = note
            self.severity = severity
            self.field = field

    class PackagesLoaded(Message):
        def __init__(self, choices: tuple[PackageChoice, ...]) -> None:
            super().__init__()
            self.choices = choices

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
            with Horizontal(classes="field-row", id="forms-row"):
                yield Label("Forms", classes="field-label")
                yield Select[str]([], prompt="No forms", id="package")
            with Horizontal(id="form-actions"):
                yield Button("Create chart", id="create", variant="primary")
                yield Button("Cancel", id="cancel")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#forms-row").display = False
        self.load_packages()

    @db_worker("new-chart-packages")
    def load_packages(self) -> None:
        self.post_message(self.PackagesLoaded(package_choices()))

    @on(PackagesLoaded)
    def _packages_loaded(self, event: PackagesLoaded) -> None:
        options = [(f"{c.title} ({c.form_count} forms)", c.key) for c in event.choices]
        self.query_one("#package", Select).set_options(options)
        self.query_one("#forms-row").display = bool(options)

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#{name}", Input).value for name, _, _ in FIELDS}

    def show_error(self, field: str, message: str) -> None:
        target = field if field in dict((n, n) for n, _, _ in FIELDS) else "invite"
        set_error(self.query_one(f"#{target}-error", Static), message)
        if target != "invite":
            self.query_one(f"#{target}", Input).focus()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.pop_screen()

    def action_create(self) -> None:
        self.clear_errors()
        values = self.values()
        invite = self.query_one("#invite", Checkbox).value
        if invite and not values["email"].strip():
            self.show_error("email", "An email address is needed to send the portal invitation.")
            return
        package = self.query_one("#package", Select).value
        self.create(self.app.actor, values, invite, package if isinstance(package, str) else None)

    @db_worker("new-chart")
    def create(self, actor: Actor, values: dict[str, str], invite: bool, package: str | None) -> None:
        try:
            made = open_new_chart(actor, values, invite=invite, package_key=package)
        except InvalidInput as exc:
            self.post_message(self.Created(None, exc.message, field=exc.field))
            return
        except DomainError as exc:  # nothing was stored: say why, keep what was typed
            self.post_message(self.Created(None, exc.message, field="invite"))
            return
        note = f"Chart {made.chart_number} created for {made.full_name}."
        if made.forms_sent:
            note += f" {made.forms_sent} forms sent."
        if made.invited:
            note += f" Portal invitation queued to {made.email}" + (", saying forms are waiting." if made.forms_sent else ".")
        self.post_message(self.Created(made.chart_id, note))

    @on(Created)
    def _created(self, event: Created) -> None:
        if event.chart_id is None:
            self.show_error(event.field, event.note)
            return
        self.app.notify(plain(event.note).plain, title="New chart", severity=event.severity, markup=False)
        from .chart_room import ChartRoomScreen

        self.app.switch_screen(ChartRoomScreen(event.chart_id))
