"""Dialogs of the Forms tab: send forms, repeat a questionnaire, acknowledge a risk alert.

Each is a FormModal: it saves through the domain in a worker, a refusal shows
next to its field and nothing typed is lost; saved, it dismisses with the
words to tell staff.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from models.audit import Actor
from models.forms.alerts import AlertLine, acknowledge_alert
from models.forms.assignments import send_forms, send_package, start_recurrence
from models.forms.staff_views import RECURRING_FORM, SendChoices, parse_due_date, send_choices
from models.text import InvalidInput
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..formatting import when_short
from ..widgets.common import set_error
from .modals import FormModal


class FormDialog(FormModal):
    """A FormModal that composes its own fields; ERROR_FIELDS name its error lines."""

    CSS_PATH = ["modals.tcss", "form_dialogs.tcss"]
    ERROR_FIELDS: tuple[str, ...] = ()

    def extra_error_fields(self) -> tuple[str, ...]:
        return self.ERROR_FIELDS


class SendFormsScreen(FormDialog):
    """Send a package or one form of the library to the chart, with an optional due date."""

    ERROR_FIELDS = ("forms", "due_on")

    class ChoicesRead(Message):
        def __init__(self, choices: SendChoices) -> None:
            super().__init__()
            self.choices = choices

    def __init__(self, chart_id: int, client_name: str = "") -> None:
        super().__init__()
        self.chart_id = chart_id
        self.client_name = client_name
        self.keys: list[str] = []   # "package:<key>" or "form:<key>", in the list's order

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            who = f" to {self.client_name}" if self.client_name else ""
            yield Static(plain(f"Send forms{who}"), id="dialog-title")
            yield Static("A package, or one form:", classes="dialog-hint")
            yield OptionList(id="send-choices")
            yield Static("", id="forms-error", classes="field-error")
            with Horizontal(classes="field-row"):
                yield Label("Due date", classes="field-label")
                yield PlainInput(id="due_on", placeholder="MM/DD/YYYY, or empty for none", max_length=10)
            yield Static("", id="due_on-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button("Send", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#send-choices", OptionList).focus()
        self.read_choices()

    @db_worker("send-choices")
    def read_choices(self) -> None:
        self.post_message(self.ChoicesRead(send_choices()))

    @on(ChoicesRead)
    def _choices_read(self, event: ChoicesRead) -> None:
        options = self.query_one("#send-choices", OptionList)
        options.clear_options()
        self.keys = []
        for package in event.choices.packages:
            self.keys.append(f"package:{package.key}")
            options.add_option(Option(plain(f"Package: {package.title} ({len(package.form_titles)} forms)")))
        for form in event.choices.forms:
            self.keys.append(f"form:{form.key}")
            options.add_option(Option(plain(f"{form.title} (v{form.version})")))
        if self.keys:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#send-choices")
    def _chosen(self) -> None:
        self.query_one("#due_on", Input).focus()

    @on(Input.Submitted, "#due_on")
    def _due_entered(self) -> None:
        self.action_save()

    def collect(self) -> dict[str, str] | None:
        index = self.query_one("#send-choices", OptionList).highlighted
        if index is None or not 0 <= index < len(self.keys):
            set_error(self.query_one("#forms-error", Static), "Choose a package or a form to send.")
            return None
        return {"choice": self.keys[index], "due_on": self.query_one("#due_on", Input).value}

    def save(self, actor: Actor, values: dict[str, str]) -> str:
        due_on = parse_due_date(values["due_on"])
        kind, key = values["choice"].split(":", 1)
        if kind == "package":
            sent = send_package(actor, self.chart_id, key, due_on=due_on)
        else:
            sent = send_forms(actor, self.chart_id, [key], due_on=due_on)
        count = len(sent.assignment_ids)
        words = f"{count} form{'s' if count != 1 else ''} sent"
        if due_on is not None:
            words += f", due {due_on:%m/%d/%Y}"
        return words + (". The chart owner was emailed." if sent.emailed else ". No email: the chart has no registered owner yet.")


class RepeatFormScreen(FormDialog):
    """Send the PHQ-9 now and again every N days until stopped."""

    ERROR_FIELDS = ("every_days", "due_on")
    DEFAULT_DAYS = "14"

    def __init__(self, chart_id: int, title: str = "PHQ-9") -> None:
        super().__init__()
        self.chart_id = chart_id
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(f"Repeat {self.title_text}"), id="dialog-title")
            yield Static("Sent now, then again every N days until you stop it. "
                         "While one is still open, no second one is sent.", classes="dialog-hint")
            with Horizontal(classes="field-row"):
                yield Label("Every N days", classes="field-label")
                yield PlainInput(self.DEFAULT_DAYS, id="every_days", max_length=3, restrict=r"[0-9]*")
            yield Static("", id="every_days-error", classes="field-error")
            with Horizontal(classes="field-row"):
                yield Label("First due", classes="field-label")
                yield PlainInput(id="due_on", placeholder="MM/DD/YYYY, or empty for today", max_length=10)
            yield Static("", id="due_on-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button("Start repeating", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#every_days", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "due_on":
            self.action_save()
        else:
            self.focus_next()

    def collect(self) -> dict[str, str]:
        return {"every_days": self.query_one("#every_days", Input).value, "due_on": self.query_one("#due_on", Input).value}

    def save(self, actor: Actor, values: dict[str, str]) -> str:
        typed = values["every_days"].strip()
        if not typed.isdigit():
            raise InvalidInput("every_days", "Type how many days apart, e.g. 14.")
        days = int(typed)
        start_recurrence(actor, self.chart_id, RECURRING_FORM, every_days=days, first_due_on=parse_due_date(values["due_on"]))
        return f"{self.title_text} sent now and every {days} days until stopped."


class AcknowledgeAlertScreen(FormDialog):
    """Acknowledge a risk alert: what was done, in a note (required, kept with the alert)."""

    ERROR_FIELDS = ("note",)

    def __init__(self, alert: AlertLine, zone=None) -> None:
        super().__init__()
        self.alert = alert
        self.zone = zone

    def compose(self) -> ComposeResult:
        a = self.alert
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Acknowledge risk alert", id="dialog-title")
            yield Static(plain(f"{a.client_name} · {a.form_title} · {when_short(a.created_at, self.zone)}\n{a.label}"),
                         id="dialog-body")
            yield Label("What was done (required)")
            yield PlainInput(id="note", placeholder="e.g. Called the client; safety plan reviewed.", max_length=2000)
            yield Static("", id="note-error", classes="field-error")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="dialog-actions"):
                yield Button("Acknowledge", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _note_entered(self) -> None:
        self.action_save()

    def collect(self) -> dict[str, str]:
        return {"note": self.query_one("#note", Input).value}

    def save(self, actor: Actor, values: dict[str, str]) -> str:
        acknowledge_alert(actor, self.alert.alert_id, values["note"])
        return f"Alert acknowledged for {self.alert.client_name}."
