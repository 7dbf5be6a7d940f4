"""BillingTab: charges and payments, and the balance."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static

from models.errors import DomainError
from models.records import add_ledger_entry, balance_cents, format_cents, ledger_for_staff
from models.tables import Client
from models.text import InvalidInput
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain

from ..formatting import day
from .common import ChartChanged, set_error


class BillingTab(VerticalScroll):
    BINDINGS = [
        Binding("ctrl+s", "add_entry", "Add entry", id="billing.add_entry"),
    ]

    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client

    def compose(self) -> ComposeResult:
        yield Static("", id="balance")
        with Horizontal(id="ledger-form"):
            yield Select([("Charge", "charge"), ("Payment", "payment")], value="charge", allow_blank=False, id="kind")
            yield PlainInput(id="amount", placeholder="125.00", max_length=20)
            yield PlainInput(id="description", placeholder="Description, e.g. Session 11/20", max_length=100)
            yield Button("Add", id="add-entry", variant="primary", compact=True)
        yield Static("", id="amount-error", classes="field-error")
        table = DataTable(id="ledger", cursor_type="row", zebra_stripes=True)
        table.add_column("Posted", key="posted")
        table.add_column("Kind", key="kind")
        table.add_column("Description", key="description")
        table.add_column("Amount", key="amount")
        yield table

    def on_mount(self) -> None:
        self.reload(self.client)

    def reload(self, client: Client) -> None:
        self.client = client
        balance = balance_cents(client.id)
        owed = "owed by the client" if balance > 0 else ("credit" if balance < 0 else "nothing owed")
        self.query_one("#balance", Static).update(f"Balance: {format_cents(balance)} ({owed})")
        table = self.query_one("#ledger", DataTable)
        table.clear()
        entries = ledger_for_staff(client)
        for entry in entries:
            sign = 1 if entry.kind == "charge" else -1
            table.add_row(
                day(entry.posted_on),
                entry.kind.capitalize(),
                plain(entry.description),
                format_cents(sign * entry.amount_cents),
                key=str(entry.id),
            )
        if not entries:
            table.add_row("No entries yet", "", "", "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add-entry":
            event.stop()
            self.action_add_entry()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "amount":
            self.query_one("#description", Input).focus()
        else:
            self.action_add_entry()

    def action_add_entry(self) -> None:
        error = self.query_one("#amount-error", Static)
        set_error(error)
        kind = str(self.query_one("#kind", Select).value)
        try:
            entry = add_ledger_entry(
                self.app.actor,
                self.client,
                kind=kind,
                amount=self.query_one("#amount", Input).value,
                description=self.query_one("#description", Input).value,
            )
        except (InvalidInput, DomainError) as exc:
            set_error(error, exc.message)
            return
        self.query_one("#amount", Input).value = ""
        self.query_one("#description", Input).value = ""
        self.app.notify(f"{entry.kind.capitalize()} of {format_cents(entry.amount_cents)} added.", title="Billing")
        self.reload(self.client)
        self.post_message(ChartChanged("billing"))
