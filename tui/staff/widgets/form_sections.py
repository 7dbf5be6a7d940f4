"""The sections of the chart room's Forms tab, each drawing its part of one FormsTabView.

The Forms tab builds a section the first time the chart has something for
it (models.forms.staff_views.forms_tab says what), so a chart with no alert
and no proposed change never builds, styles or lays out those widgets. Each
section holds its own widgets as attributes: it can be filled before it is
mounted, and mounted with the rest in one screen update.

The tables' keys act on the row under the cursor; they are shown in the
footer while the table has the focus, and the tab does the work.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from models.forms.alerts import AlertLine
from models.forms.chart_changes import ProposalLine
from models.forms.staff_views import TAB_PAGE, FormsTabView
from tui.shared.line_table import LineTable
from tui.shared.runtime import plain

from ..formatting import day
from .form_trends import local_day

STATE_WORDS = {"to_do": "To do", "in_progress": "Started", "completed": "Completed", "cancelled": "Withdrawn"}
DATE_WIDTH = 10          # MM/DD/YYYY
STATE_WIDTH = 13         # "Started 10/10"
FORM_WIDTH = 16          # a form's title in the alerts table (the dialog shows it whole)
FIELD_WIDTH = 17         # a proposed change's field name


class _TabTable(LineTable):
    """A table of the Forms tab; its keys call the tab's actions."""

    def tab_action(self, name: str, *arguments: Any) -> None:
        getattr(self.query_ancestor("FormsTab"), f"action_{name}")(*arguments)


class AlertsTable(_TabTable):
    BINDINGS = [Binding("a", "acknowledge", "Ack", id="forms.acknowledge")]

    def action_acknowledge(self) -> None:
        self.tab_action("acknowledge")


class SentFormsTable(_TabTable):
    BINDINGS = [
        Binding("x", "withdraw", "Withdraw", id="forms.withdraw"),
        Binding("m", "more", "More", id="forms.more"),
    ]

    def action_withdraw(self) -> None:
        self.tab_action("withdraw")

    def action_more(self) -> None:
        self.tab_action("more")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.query_ancestor("FormsTab").view
        if action == "more":
            return bool(view and view.total > len(view.forms))
        if action == "withdraw":
            return bool(view and any(f.state in ("to_do", "in_progress") for f in view.forms))
        return True


class ProposalsTable(_TabTable):
    BINDINGS = [
        Binding("y", "decide(True)", "Accept", id="forms.accept"),
        Binding("n", "decide(False)", "Reject", id="forms.reject"),
    ]

    def action_decide(self, accept: bool) -> None:
        self.tab_action("decide", accept)


class AlertsSection(Vertical):
    """The chart's open risk alerts, above everything else."""

    def __init__(self) -> None:
        super().__init__(id="alerts-section")
        self.table = AlertsTable(id="alerts")
        self.table.add_column("Raised", key="raised", width=DATE_WIDTH)
        self.table.add_column("Form", key="form", width=FORM_WIDTH)
        self.table.add_column("Flag", key="flag")

    def compose(self) -> ComposeResult:
        yield Static("Risk alerts: acknowledge with a note", classes="section-heading")
        yield self.table
        with Horizontal(classes="tab-actions"):
            yield Button("Acknowledge…", id="acknowledge", variant="error", compact=True)

    def draw(self, alerts: tuple[AlertLine, ...], zone: ZoneInfo | None) -> None:
        self.table.clear()
        for alert in alerts:
            self.table.add_row(day(local_day(alert.created_at, zone)), plain(alert.form_title), plain(alert.label),
                               key=str(alert.alert_id))


class SentSection(Vertical):
    """The forms sent to the chart, newest first (a page of them), what repeats, and the actions."""

    def __init__(self) -> None:
        super().__init__(id="sent-section")
        self.table = SentFormsTable(id="forms", zebra_stripes=True)
        self.table.add_column("Form", key="form")
        self.table.add_column("State", key="state", width=STATE_WIDTH)
        self.table.add_column("Sent", key="sent", width=DATE_WIDTH)
        self.table.add_column("Due", key="due", width=DATE_WIDTH)
        self.table.add_column("Completed", key="completed", width=DATE_WIDTH)
        self.more = Static("", id="forms-more", classes="muted")
        self.repeats = Static("", id="repeats", classes="muted")
        self.repeat = Button("Repeat PHQ-9…", id="repeat", compact=True)

    def compose(self) -> ComposeResult:
        yield Static("Forms sent", classes="section-heading")
        yield self.table
        yield Static("", id="form-detail")
        yield self.more
        yield self.repeats
        with Horizontal(classes="tab-actions"):
            yield Button("Send…", id="send", variant="primary", compact=True)
            yield Button("Withdraw", id="withdraw", compact=True)
            yield self.repeat

    def draw(self, view: FormsTabView, zone: ZoneInfo | None, repeating: bool) -> None:
        table = self.table
        row = table.cursor_row
        table.clear()
        for line in view.forms:
            state = STATE_WORDS.get(line.state, line.state)
            if line.state == "in_progress":
                state = f"{state} {line.answered}/{line.total}"
            table.add_row(
                plain(line.title),
                state,
                day(local_day(line.assigned_at, zone)),
                day(line.due_on),
                day(local_day(line.submitted_at, zone)),
                key=str(line.assignment_id),
            )
        if not view.forms:
            table.add_row("No forms sent yet. S sends one.", "", "", "", "")
        elif row:
            table.move_cursor(row=min(row, len(view.forms) - 1))
        older = view.total - len(view.forms)
        self.more.update(f"The newest {len(view.forms)} of {view.total} forms sent · M lists {min(older, TAB_PAGE)} more"
                         if older > 0 else "")
        self.more.display = older > 0
        self.repeats.update(plain("\n".join(
            f"{r.title} repeats every {r.every_days} days · next {day(r.next_due_on)}" for r in view.recurrences
        )))
        self.repeats.display = bool(view.recurrences)
        self.repeat.label = "Stop repeat" if repeating else "Repeat PHQ-9…"


class ProposalsSection(Vertical):
    """Demographic changes from the client's answers, waiting for staff to accept or reject each."""

    def __init__(self) -> None:
        super().__init__(id="proposals-section")
        self.table = ProposalsTable(id="proposals")
        self.table.add_column("Field", key="field", width=FIELD_WIDTH)
        self.table.add_column("On the chart", key="current")
        self.table.add_column("Proposed", key="proposed")

    def compose(self) -> ComposeResult:
        yield Static("Proposed changes to the chart (from the client's answers)", classes="section-heading")
        yield self.table
        yield Static("", id="proposal-detail")
        with Horizontal(classes="tab-actions"):
            yield Button("Accept", id="accept", variant="success", compact=True)
            yield Button("Reject", id="reject", variant="error", compact=True)

    def draw(self, proposals: tuple[ProposalLine, ...]) -> None:
        self.table.clear()
        for p in proposals:
            self.table.add_row(plain(p.label), plain(p.current or "—"), plain(p.proposed), key=str(p.proposal_id))
