"""The dashboard's four panes. They show what they are given and post Messages up.

The DashboardScreen does every domain call (in workers); a pane is handed
frozen views (models.kiosk_views), already worded in the practice's zone,
and never sees a chart id.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, RadioSet, Static

from models.kiosk_views import AccountSummary, ActivityLine, DocumentLine, RequestLine, Statement
from models.records import MODES, format_cents
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.toggles import RadioButton

from .base import Note, field_row
from .password_rules import PASSWORD_RULES


def short(value: str, width: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= width else value[: width - 1] + "…"


class DocumentsPane(VerticalScroll):
    class Open(Message):
        def __init__(self, document_id: int) -> None:
            super().__init__()
            self.document_id = document_id

    def compose(self) -> ComposeResult:
        yield Static("Shared with you by your care team. Choose one and press Enter (or click) to read it.", classes="hint")
        table: DataTable = DataTable(id="documents-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Document", "Shared", "Status")
        yield table
        yield Note("notice", id="documents-note")

    def show(self, documents: list[DocumentLine]) -> None:
        table = self.query_one("#documents-table", DataTable)
        table.clear()
        for doc in documents:
            status = Text("Opened") if doc.opened else Text("New", style="bold")
            table.add_row(plain(short(doc.title, 44)), doc.shared, status, key=str(doc.document_id))
        self.say("" if documents else "No documents have been shared with you yet.")

    def say(self, text: str) -> None:
        self.query_one("#documents-note", Note).say(text)

    def blank(self) -> None:
        self.query_one("#documents-table", DataTable).clear()
        self.say("")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Open(int(event.row_key.value)))


class AppointmentsPane(VerticalScroll):
    class Send(Message):
        def __init__(self, mode: str | None, date: str, time: str, reason: str) -> None:
            super().__init__()
            self.mode = mode
            self.date = date
            self.time = time
            self.reason = reason

    class Cancel(Message):
        def __init__(self, request_id: int | None) -> None:
            super().__init__()
            self.request_id = request_id

    def __init__(self, zone_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.zone_name = zone_name
        self.requests: dict[str, RequestLine] = {}

    def compose(self) -> ComposeResult:
        yield Static("Ask for an appointment", classes="title")
        yield Static(plain(f"Times are the practice's local time ({self.zone_name})."), classes="hint")
        with Horizontal(classes="field-row"):
            yield Label("How", classes="field-label")
            with RadioSet(id="mode"):
                for key, label in MODES.items():
                    yield RadioButton(label, id=f"mode-{key}")
        with Horizontal(classes="field-row"):
            yield Label("Preferred date", classes="field-label")
            yield PlainInput(placeholder="MM/DD/YYYY", id="preferred-date", max_length=10)
            yield Label("Time", classes="time-label")
            yield PlainInput(placeholder="2:30 PM", id="preferred-time", max_length=8)
        yield field_row("Reason", PlainInput(placeholder="optional", id="reason", max_length=500))
        yield Note(id="appointment-error")
        yield Note("notice", id="appointment-notice")
        with Horizontal(classes="buttons"):
            yield Button("Send request", id="send-request", variant="primary")
        yield Static("Your requests", classes="title")
        table: DataTable = DataTable(id="requests-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Requested time", "How", "Status", "Practice's answer")
        yield table
        yield Static("", id="request-detail")
        with Horizontal(classes="buttons"):
            yield Button("Cancel selected request", id="cancel-request", variant="error")

    def show(self, requests: list[RequestLine]) -> None:
        table = self.query_one("#requests-table", DataTable)
        table.clear()
        self.requests = {str(r.request_id): r for r in requests}
        for req in requests:
            table.add_row(
                req.when,
                req.mode,
                Text(req.status_label, style="bold" if req.status != "cancelled" else ""),
                plain(short(req.practice_message, 24)),
                key=str(req.request_id),
            )
        if not requests:
            self.query_one("#request-detail", Static).update("You have no appointment requests yet.")
        self.query_one("#cancel-request", Button).disabled = not any(r.status == "pending" for r in requests)

    def say(self, error: str = "", notice: str = "") -> None:
        self.query_one("#appointment-error", Note).say(error)
        self.query_one("#appointment-notice", Note).say(notice)

    def blank(self) -> None:
        self.requests = {}
        self.query_one("#requests-table", DataTable).clear()
        self.query_one("#request-detail", Static).update("")
        self.clear_form()
        self.say()

    def clear_form(self) -> None:
        for field in ("preferred-date", "preferred-time", "reason"):
            self.query_one(f"#{field}", Input).value = ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        req = self.requests.get(event.row_key.value or "")
        detail = self.query_one("#request-detail", Static)
        if req is None:
            detail.update("")
            return
        text = Text()
        text.append("Reason: ", style="bold")
        text.append_text(plain(req.reason or "(none given)"))
        if req.practice_message:
            text.append("\nFrom the practice: ", style="bold")
            text.append_text(plain(req.practice_message))
        detail.update(text)

    def selected_request(self) -> int | None:
        table = self.query_one("#requests-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["preferred-date", "preferred-time", "reason"]
        if event.input.id in order[:-1]:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()
        else:
            self.send()

    @on(Button.Pressed, "#cancel-request")
    def cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Cancel(self.selected_request()))

    @on(Button.Pressed, "#send-request")
    def send(self) -> None:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        mode = pressed.id.removeprefix("mode-") if pressed is not None and pressed.id else None
        self.post_message(
            self.Send(
                mode,
                self.query_one("#preferred-date", Input).value,
                self.query_one("#preferred-time", Input).value,
                self.query_one("#reason", Input).value,
            )
        )


class BalancePane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("", id="balance-amount")
        yield Static("Charges minus payments. Questions? Ask the front desk.", classes="hint")
        table: DataTable = DataTable(id="ledger-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Date", "Description", "Charge", "Payment")
        yield table
        yield Note("notice", id="balance-note")

    def show(self, statement: Statement) -> None:
        amount = self.query_one("#balance-amount", Static)
        if statement.balance_cents < 0:
            amount.update(f"You have a credit of {format_cents(-statement.balance_cents)}")
        else:
            amount.update(f"Current balance: {format_cents(statement.balance_cents)}")
        table = self.query_one("#ledger-table", DataTable)
        table.clear()
        for entry in statement.entries:
            money = format_cents(entry.amount_cents)
            table.add_row(
                entry.posted,
                plain(short(entry.description, 36)),
                money if entry.kind == "charge" else "",
                money if entry.kind == "payment" else "",
                key=str(entry.entry_id),
            )
        self.say("" if statement.entries else "There are no charges or payments yet.")

    def say(self, text: str) -> None:
        self.query_one("#balance-note", Note).say(text)

    def blank(self) -> None:
        self.query_one("#balance-amount", Static).update("")
        self.query_one("#ledger-table", DataTable).clear()
        self.say("")


class AccountPane(VerticalScroll):
    class ChangePassword(Message):
        def __init__(self, current: str, new: str, confirm: str) -> None:
            super().__init__()
            self.current = current
            self.new = new
            self.confirm = confirm

    FIELDS = ["current-password", "new-password", "confirm-password"]

    def compose(self) -> ComposeResult:
        yield Static("", id="account-summary")
        yield Static("Change your password", classes="title")
        yield Static(PASSWORD_RULES, classes="hint rules")
        yield field_row("Current password", PlainInput(password=True, id="current-password", max_length=256))
        yield field_row("New password", PlainInput(password=True, id="new-password", max_length=256))
        yield field_row("New, again", PlainInput(password=True, id="confirm-password", max_length=256))
        yield Note(id="password-error")
        yield Note("notice", id="password-notice")
        yield Note("busy", id="password-busy")
        with Horizontal(classes="buttons"):
            yield Button("Change password", id="change-password", variant="primary")
        yield Static("Your recent activity", classes="title")
        table: DataTable = DataTable(id="activity-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("When", "What", "Where")
        yield table

    def show(self, summary: AccountSummary, activity: list[ActivityLine]) -> None:
        text = Text("Signed in as ")
        text.append_text(plain(summary.email, "bold"))
        if summary.password_changed:
            text.append(f". Password last changed {summary.password_changed}.")
        self.query_one("#account-summary", Static).update(text)
        table = self.query_one("#activity-table", DataTable)
        table.clear()
        for n, line in enumerate(activity):
            table.add_row(line.when, line.what, plain(line.where), key=str(n))

    def blank(self) -> None:
        """The account is the same for every chart; only the activity list is refreshed."""
        self.query_one("#activity-table", DataTable).clear()

    def set_busy(self, busy: bool) -> None:
        self.query_one("#change-password", Button).disabled = busy
        self.query_one("#password-busy", Note).say("Changing your password… please wait." if busy else "")

    def say(self, error: str = "", notice: str = "") -> None:
        self.query_one("#password-error", Note).say(error)
        self.query_one("#password-notice", Note).say(notice)

    def clear(self, *fields: str) -> None:
        for field in fields or self.FIELDS:
            self.query_one(f"#{field}", Input).value = ""
        self.query_one(f"#{(fields or self.FIELDS)[0]}", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in self.FIELDS[:-1]:
            self.query_one(f"#{self.FIELDS[self.FIELDS.index(event.input.id) + 1]}", Input).focus()
        else:
            self.request_change()

    @on(Button.Pressed, "#change-password")
    def request_change(self) -> None:
        if self.query_one("#change-password", Button).disabled:
            return
        values = [self.query_one(f"#{field}", Input).value for field in self.FIELDS]
        self.post_message(self.ChangePassword(*values))
