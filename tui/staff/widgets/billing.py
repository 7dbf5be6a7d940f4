"""BillingTab: charges and payments, and the balance."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from models.audit import Actor
from models.errors import DomainError
from models.records import add_ledger_entry, format_cents
from models.staff_views import LedgerView, ledger_view
from models.text import InvalidInput
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..formatting import day
from .chart_tab import ChartTab
from .common import ChartChanged, set_error


class BillingTab(ChartTab):
    DEFAULT_CSS = """
    BillingTab DataTable {
        height: auto;
        max-height: 12;
    }

    BillingTab #balance {
        text-style: bold;
        margin-top: 1;
    }

    BillingTab #ledger-form {
        height: 3;
        margin-top: 1;
    }

    BillingTab #kind {
        width: 16;
    }

    BillingTab #amount {
        width: 14;
    }

    BillingTab #description {
        width: 1fr;
    }

    BillingTab #add-entry {
        margin: 1 0 0 1;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "add_entry", "Add entry", id="billing.add_entry"),
    ]

    class Added(Message):
        """The worker's answer: the entry's words, or the rule it broke (the ledger follows as a view)."""

        bubble = False

        def __init__(self, words: str, error: str) -> None:
            super().__init__()
            self.words = words
            self.error = error

    def compose(self) -> ComposeResult:
        yield Static("", id="balance")
        with Horizontal(id="ledger-form"):
            yield Select([("Charge", "charge"), ("Payment", "payment")], value="charge", allow_blank=False, id="kind")
            yield PlainInput(id="amount", placeholder="125.00", max_length=20)
            yield PlainInput(id="description", placeholder="Description, e.g. Session 11/20", max_length=100)
            yield Button("Add", id="add-entry", variant="primary", compact=True)
        yield Static("", id="amount-error", classes="field-error")
        yield FittingTable(
            Column("Posted", "posted", whole=True),
            Column("Kind", "kind", whole=True),
            Column("Description", "description"),
            Column("Amount", "amount", whole=True),
            id="ledger",
            cursor_type="row",
            zebra_stripes=True,
        )

    def read(self, chart_id: int) -> LedgerView:
        return ledger_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, view: LedgerView) -> None:
        balance = view.balance_cents
        owed = "owed by the client" if balance > 0 else ("credit" if balance < 0 else "nothing owed")
        self.query_one("#balance", Static).update(f"Balance: {format_cents(balance)} ({owed})")
        rows = [
            (
                (
                    day(entry.posted_on),
                    entry.kind.capitalize(),
                    plain(entry.description),
                    format_cents((1 if entry.kind == "charge" else -1) * entry.amount_cents),
                ),
                str(entry.id),
            )
            for entry in view.entries
        ]
        self.query_one("#ledger", FittingTable).set_rows(rows or [(("No entries yet", "", "", ""), None)])

    @on(Button.Pressed, "#add-entry")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_entry()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "amount":
            self.query_one("#description", Input).focus()
        else:
            self.action_add_entry()

    def action_add_entry(self) -> None:
        set_error(self.query_one("#amount-error", Static))
        self.add_entry(
            self.app.actor,
            str(self.query_one("#kind", Select).value),
            self.query_one("#amount", Input).value,
            self.query_one("#description", Input).value,
        )

    @db_worker("ledger-add")
    def add_entry(self, actor: Actor, kind: str, amount: str, description: str) -> None:
        try:
            entry = add_ledger_entry(actor, self.chart_id, kind=kind, amount=amount, description=description)
        except (InvalidInput, DomainError) as exc:
            self.post_message(self.Added("", exc.message))
            return
        words = f"{entry.kind.capitalize()} of {format_cents(entry.amount_cents)} added."
        self.post_message(self.Added(words, ""))
        self.post_view(ledger_view(actor, self.chart_id))

    @on(Added)
    def _added(self, event: Added) -> None:
        event.stop()
        if event.error:
            set_error(self.query_one("#amount-error", Static), event.error)
            return
        self.query_one("#amount", Input).value = ""
        self.query_one("#description", Input).value = ""
        self.app.notify(event.words, title="Billing")
        self.post_message(ChartChanged("billing", self))
