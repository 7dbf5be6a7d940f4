"""Small modal screens of the chart room: the ⋮ menu, confirmations, choosers and forms.

Forms that save call the domain themselves, in a worker thread, so a
validation error shows next to its field and nothing typed is lost; they
dismiss with a non-None value once saved. What they are given to edit is a
frozen view (models.staff_views) and ids, never a row.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from models.audit import Actor
from models.chart_owner import Action, Candidate
from models.charts import RELATIONSHIPS, add_contact, update_chart, update_contact
from models.dates import short
from models.errors import DomainError
from models.kiosk_views import parse_preferred
from models.records import MODES, decide_request
from models.staff_views import ChartView, ContactView, RequestRow
from models.text import InvalidInput, clean_email
from tui.shared.dimmed_modal import DimmedModal
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import relationship, when
from ..widgets.common import FieldErrorsMixin, set_error


class OwnerActionsMenu(DimmedModal[Action | None]):
    """The ⋮ menu: exactly the actions the chart's state allows."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "close", "Close menu", id="owner_menu.close")]

    def __init__(self, actions: tuple[Action, ...]) -> None:
        super().__init__()
        self.actions = actions

    def compose(self) -> ComposeResult:
        menu = OptionList(*(Option(a.label, id=a.value) for a in self.actions), id="owner-actions")
        menu.border_title = "Chart Owner"
        yield menu

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Action(event.option.id))

    def action_close(self) -> None:
        self.dismiss(None)

    def on_click(self, event) -> None:
        # A click outside the menu closes it, like any pop-up menu.
        if self.get_widget_at(event.screen_x, event.screen_y)[0] is self:
            self.dismiss(None)


class ConfirmActionScreen(DimmedModal[bool]):
    """Says what will happen; the confirm button names the action.

    One rule for every confirmation: it opens on Cancel, and says so, so an
    Enter pressed once too often (after choosing from the ⋮ menu) changes
    nothing; the action is Tab (or →) then Enter. A cancel, by Enter, Esc or
    a click, is said in a toast: a person who meant to confirm knows it did
    not happen. `danger` only colours the action's button.
    """

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("left", "app.focus_previous", "Previous button", show=False, id="confirm.left"),
        Binding("right", "app.focus_next", "Next button", show=False, id="confirm.right"),
    ]

    def __init__(self, title: str, body: str | Text, confirm_label: str, *, danger: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.title_text, id="dialog-title", markup=False)
            yield Static(plain(self.body) if isinstance(self.body, str) else self.body, id="dialog-body")
            yield Static(
                plain(f"Enter now: Cancel (nothing changes). To {self.confirm_label}: Tab, then Enter."),
                id="dialog-keys",
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-actions"):
                yield Button(self.confirm_label, id="confirm", variant="error" if self.danger else "primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#cancel", Button))

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.notify("Nothing changed.", title=self.title_text, markup=False)
        self.dismiss(False)


class ChooseOwnerScreen(DimmedModal[tuple[int | None, str] | None]):
    """Pick who gets the chart's portal access, and the email their invitation goes to."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose_owner.cancel")]

    def __init__(self, title: str, candidates: list[Candidate], *, current: Candidate | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.candidates = candidates
        self.current = current

    def _prompt(self, cand: Candidate) -> Text:
        words = f"{cand.name} · {relationship(cand.relationship)}"
        words += f" · {cand.email}" if cand.email else " · no email on file"
        if self.current is not None and cand.key == self.current.key:
            words += " (current owner)"
        return plain(words)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(self.title_text, id="dialog-title", markup=False)
            yield Static("Choose the client or a related contact with an email:", classes="dialog-hint")
            yield OptionList(
                *(Option(self._prompt(c), id=c.key, disabled=not c.email) for c in self.candidates),
                id="candidates",
            )
            yield Label("Invitation email")
            yield PlainInput(id="owner-email", placeholder="name@example.com", max_length=254)
            yield Static("", id="owner-email-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button("Continue", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#candidates", OptionList)
        for index, cand in enumerate(self.candidates):
            if cand.email and (self.current is None or cand.key != self.current.key):
                options.highlighted = index
                break
        options.focus()

    def selected(self) -> Candidate | None:
        index = self.query_one("#candidates", OptionList).highlighted
        if index is None or not (0 <= index < len(self.candidates)):
            return None
        return self.candidates[index]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        cand = self.selected()
        if cand is not None:
            self.query_one("#owner-email", Input).value = cand.email
            set_error(self.query_one("#owner-email-error", Static))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#owner-email", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.choose()

    @on(Button.Pressed, "#confirm")
    def choose(self) -> None:
        cand = self.selected()
        error = self.query_one("#owner-email-error", Static)
        if cand is None or not cand.email:
            set_error(error, "Choose someone with an email on file (add it in the Overview tab).")
            return
        try:
            email = clean_email(self.query_one("#owner-email", Input).value)
        except InvalidInput as exc:
            set_error(error, exc.message)
            self.query_one("#owner-email", Input).focus()
            return
        self.dismiss((cand.contact_id, email))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class Answered(Message):
    """A form's worker is done: saved (a non-None `result`), or the field and rule it broke."""

    def __init__(self, result: Any = None, field: str = "", error: str = "") -> None:
        super().__init__()
        self.result = result
        self.field = field
        self.error = error


class SavesInWorker(ForwardsWorkerErrors, DimmedModal):
    """A modal form whose `write(actor, values)` runs `save` in a worker thread.

    `save` (the domain call) must not touch widgets; a validation error comes
    back as an Answered message and shows next to its field.
    """

    @db_worker("form-save")
    def write(self, actor: Actor, values: dict[str, str]) -> None:
        try:
            result = self.save(actor, values)
        except InvalidInput as exc:
            self.post_message(Answered(field=exc.field, error=exc.message))
        except DomainError as exc:
            self.post_message(Answered(field="form", error=exc.message))
        else:
            self.post_message(Answered(result))

    def save(self, actor: Actor, values: dict[str, str]) -> Any:
        """The domain call (in the worker thread); a non-None result dismisses the form."""
        raise NotImplementedError(f"{type(self).__name__} saves nothing")


class FormModal(FieldErrorsMixin, SavesInWorker):
    """A modal form whose inputs are named after the domain's fields."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    FIELDS: tuple[tuple[str, str, str], ...] = ()
    TITLE_TEXT = ""

    def initial(self) -> dict[str, str]:
        return {}

    def extra_fields(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        values = self.initial()
        with VerticalScroll(id="dialog", classes="dialog form"):
            yield Static(self.TITLE_TEXT, id="dialog-title", markup=False)
            for name, label, placeholder in self.FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield PlainInput(values.get(name, ""), id=name, placeholder=placeholder, max_length=254)
                yield Static("", id=f"{name}-error", classes="field-error")
            yield from self.extra_fields()
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button("Save", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#{name}", Input).value for name, _, _ in self.FIELDS}

    def show_error(self, field: str, message: str) -> None:
        known = {name for name, _, _ in self.FIELDS} | set(self.extra_error_fields())
        target = field if field in known else "form"  # the form's own line for anything else
        set_error(self.query_one(f"#{target}-error", Static), message)

    def extra_error_fields(self) -> tuple[str, ...]:
        return ()

    @on(Button.Pressed, "#confirm")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        self.clear_errors()
        values = self.collect()
        if values is not None:
            self.write(self.app.actor, values)

    def collect(self) -> dict[str, str] | None:
        """What the form holds, read on the UI thread for the worker (None: a
        refusal already shown, nothing to save)."""
        return self.values()

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        if event.error:
            self.show_error(event.field, event.error)
        else:
            self.dismiss(event.result)


CONTACT_FIELDS = (
    ("first_name", "First name", ""),
    ("last_name", "Last name", ""),
    ("email", "Email", "name@example.com"),
    ("phone", "Phone", "optional"),
)


class ContactFormScreen(FormModal):
    """Add or edit a parent, guardian or case worker."""

    FIELDS = CONTACT_FIELDS

    def __init__(self, chart_id: int, contact: ContactView | None = None) -> None:
        super().__init__()
        self.chart_id = chart_id
        self.contact = contact
        self.TITLE_TEXT = "Edit related contact" if contact else "Add a related contact"

    def initial(self) -> dict[str, str]:
        if self.contact is None:
            return {}
        c = self.contact
        return {"first_name": c.first_name, "last_name": c.last_name, "email": c.email, "phone": c.phone}

    def extra_fields(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Relationship", classes="field-label")
            yield Select(
                [(label, key) for key, label in RELATIONSHIPS.items()],
                value=self.contact.relationship if self.contact else "parent",
                allow_blank=False,
                id="relationship",
            )
        yield Static("", id="relationship-error", classes="field-error")

    def extra_error_fields(self) -> tuple[str, ...]:
        return ("relationship",)

    def collect(self) -> dict[str, str]:
        return self.values() | {"relationship": str(self.query_one("#relationship", Select).value)}

    def save(self, actor: Actor, values: dict[str, str]) -> int:
        if self.contact is None:
            return add_contact(actor, self.chart_id, **values).id
        changed = {k: v for k, v in values.items() if v != getattr(self.contact, k)}
        if changed:
            update_contact(actor, self.contact.id, **changed)
        return self.contact.id


class EditChartScreen(FormModal):
    """Edit the client's demographics."""

    TITLE_TEXT = "Edit client details"
    FIELDS = (
        ("first_name", "First name", ""),
        ("last_name", "Last name", ""),
        ("date_of_birth", "Date of birth", "MM/DD/YYYY"),
        ("email", "Email", "name@example.com"),
        ("phone", "Phone", "optional"),
    )

    def __init__(self, chart: ChartView) -> None:
        super().__init__()
        self.chart = chart

    def initial(self) -> dict[str, str]:
        c = self.chart
        return {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "date_of_birth": short(c.date_of_birth),
            "email": c.email,
            "phone": c.phone,
        }

    def save(self, actor: Actor, values: dict[str, str]) -> int:
        before = self.initial()
        changed = {k: v for k, v in values.items() if v != before[k]}
        if changed:
            update_chart(actor, self.chart.id, **changed)
        return self.chart.id


class DecideRequestScreen(SavesInWorker):
    """Approve or decline an appointment request with a message to the client."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Send answer", id="decide.save"),
        Binding("escape", "cancel", "Cancel", id="decide.cancel"),
    ]

    def __init__(self, request: RequestRow, *, approve: bool, zone: ZoneInfo | None = None) -> None:
        """`zone`: the practice's time zone, read with the request (None reads it)."""
        super().__init__()
        self.request = request
        self.approve = approve
        self.zone = zone

    def compose(self) -> ComposeResult:
        req = self.request
        verb = "Approve" if self.approve else "Decline"
        with Vertical(id="dialog", classes="dialog"):
            yield Static(f"{verb} appointment request", id="dialog-title")
            summary = f"{MODES.get(req.mode, req.mode)} · {when(req.preferred_at, self.zone)}"
            if req.reason:
                summary += f"\nReason: {req.reason}"
            yield Static(plain(summary), id="dialog-body")
            yield Label("Message to the client (optional)")
            yield PlainInput(id="message", placeholder="e.g. See you then!" if self.approve else "e.g. That day is full.", max_length=2000)
            if not self.approve:
                yield Label("Offer another time (optional; the client's answer says it)")
                with Horizontal(id="offer-row"):
                    yield PlainInput(id="offer-date", placeholder="MM/DD/YYYY", max_length=10)
                    yield PlainInput(id="offer-time", placeholder="2:30 PM", max_length=8)
            yield Static("", id="message-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button(f"{verb} request", id="confirm", variant="primary" if self.approve else "error")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#message", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    @on(Button.Pressed, "#confirm")
    def action_save(self) -> None:
        set_error(self.query_one("#message-error", Static))
        values = {"message": self.query_one("#message", Input).value}
        for name in ("offer-date", "offer-time"):
            for field in self.query(f"#{name}").results(Input):
                values[name] = field.value
        self.write(self.app.actor, values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def save(self, actor: Actor, values: dict[str, str]) -> str:
        """The request's new status ("approved" or "declined")."""
        offer = None
        day, at = values.get("offer-date", "").strip(), values.get("offer-time", "").strip()
        if day or at:
            offer = parse_preferred(day, at)  # both needed: a missing one is said like a wrong one
        return decide_request(actor, self.request.id, approve=self.approve, message=values["message"], offer=offer).status

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        if event.error:
            set_error(self.query_one("#message-error", Static), event.error)
        else:
            self.dismiss(event.result)
