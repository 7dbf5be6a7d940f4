"""FormsTab: what the chart's client was sent and answered, its risk alerts, trends and proposed changes.

One view (models.forms.staff_views.forms_tab) read in a worker draws it all.
Every action calls the domain in a worker too, then draws the fresh view;
destructive ones (withdraw a form, stop a repeat) ask first. Enter on a
completed form opens it read-only (ResponseScreen).
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Sparkline, Static
from textual.worker import WorkerCancelled, WorkerFailed

from models.audit import Actor
from models.errors import DomainError
from models.forms.assignments import cancel_assignment, stop_recurrence
from models.forms.chart_changes import accept_change, reject_change
from models.forms.staff_views import RECURRING_FORM, TAB_PAGE, TREND_FORMS, FormsTabView, TrendView, forms_tab
from models.text import InvalidInput
from models.timefmt import to_local
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..formatting import day
from .chart_tab import ChartTab
from .common import ChartChanged

ANSWERS_ARE_CLINICAL = "its answers are for the chart's clinician"  # what the front desk is told (models/roles.py)
STATE_WORDS = {"to_do": "To do", "in_progress": "Started", "completed": "Completed", "cancelled": "Withdrawn"}
TEXT_POINTS = 6          # the trend's latest totals also written out, newest last
DATE_WIDTH = 10          # MM/DD/YYYY
STATE_WIDTH = 13         # "Started 10/10"
FORM_WIDTH = 16          # a form's title in the alerts table (the dialog shows it whole)
FIXED = STATE_WIDTH + 3 * DATE_WIDTH + 2 * 5 + 4   # the forms table's other columns, cell padding, scrollbar


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, so a column never pushes the others off."""
    return text if len(text) <= width else text[: max(1, width - 1)].rstrip() + "…"


def local_day(value: dt.datetime | None, zone: ZoneInfo | None) -> dt.date | None:
    """The practice's calendar day of a stored (UTC) time."""
    return None if value is None else to_local(value, zone).date()


def trend_words(trend: TrendView, zone: ZoneInfo | None) -> str:
    """A trend as text: the latest totals with their dates and bands, and the bands' ranges."""
    points = trend.points[-TEXT_POINTS:]
    lines = [" · ".join(f"{local_day(p.submitted_at, zone):%m/%d/%y} {p.value} {p.band}".rstrip() for p in points)]
    if len(trend.points) > len(points):
        first = trend.points[0]
        lines[0] = f"({len(trend.points)} in all; first {local_day(first.submitted_at, zone):%m/%d/%y} {first.value}) " + lines[0]
    lines.append("Bands: " + ", ".join(f"{b.low}-{b.high} {b.label}" for b in trend.bands))
    return "\n".join(lines)


class _TabTable(DataTable):
    """A table of the Forms tab whose keys act on the row under the cursor (shown while it has the focus)."""

    @property
    def tab(self) -> "FormsTab":
        return self.query_ancestor(FormsTab)


class AlertsTable(_TabTable):
    BINDINGS = [Binding("a", "acknowledge", "Ack", id="forms.acknowledge")]

    def action_acknowledge(self) -> None:
        self.tab.action_acknowledge()


class SentFormsTable(_TabTable):
    BINDINGS = [
        Binding("x", "withdraw", "Withdraw", id="forms.withdraw"),
        Binding("m", "more", "More", id="forms.more"),
    ]

    def action_withdraw(self) -> None:
        self.tab.action_withdraw()

    def action_more(self) -> None:
        self.tab.action_more()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        view = self.tab.view
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
        self.tab.action_decide(accept)


class FormsTab(ChartTab):
    DEFAULT_CSS = """
    FormsTab DataTable {
        height: auto;
        max-height: 10;
    }

    FormsTab Vertical {
        height: auto;
    }

    FormsTab #alerts-section {
        height: auto;
        border-left: thick $error;
        padding-left: 1;
    }

    FormsTab #alerts-section .section-heading {
        color: $error;
        margin-top: 0;
    }

    FormsTab .muted {
        color: $text-muted;
    }

    FormsTab .trend {
        height: auto;
    }

    FormsTab #proposal-detail, FormsTab #form-detail {
        background: $boost;
    }

    FormsTab .trend Sparkline {
        height: 1;
    }
    """
    BINDINGS = [
        Binding("s", "send", "Send", id="forms.send"),
        Binding("r", "repeat", "Repeat", id="forms.repeat"),
    ]

    view: FormsTabView | None

    class Done(Message):
        """An action's outcome in words (the fresh view follows as Loaded)."""

        bubble = False

        def __init__(self, words: str, ok: bool, changed_chart: bool = False) -> None:
            super().__init__()
            self.words = words
            self.ok = ok
            self.changed_chart = changed_chart

    def compose(self) -> ComposeResult:
        with Vertical(id="alerts-section", disabled=True) as section:
            section.display = False  # hidden and disabled (out of the focus order) until there are alerts
            yield Static("Risk alerts: acknowledge with a note", classes="section-heading")
            alerts = AlertsTable(id="alerts", cursor_type="row")
            alerts.add_column("Raised", key="raised", width=DATE_WIDTH)
            alerts.add_column("Form", key="form", width=FORM_WIDTH)
            alerts.add_column("Flag", key="flag")
            yield alerts
            with Horizontal(classes="tab-actions"):
                yield Button("Acknowledge…", id="acknowledge", variant="error", compact=True)
        yield Static("Forms sent", classes="section-heading")
        table = SentFormsTable(id="forms", cursor_type="row", zebra_stripes=True)
        table.add_column("Form", key="form")
        table.add_column("State", key="state", width=STATE_WIDTH)
        table.add_column("Sent", key="sent", width=DATE_WIDTH)
        table.add_column("Due", key="due", width=DATE_WIDTH)
        table.add_column("Completed", key="completed", width=DATE_WIDTH)
        yield table
        yield Static("", id="form-detail")
        yield Static("", id="forms-more", classes="muted")
        yield Static("", id="repeats", classes="muted")
        with Horizontal(classes="tab-actions"):
            yield Button("Send…", id="send", variant="primary", compact=True)
            yield Button("Withdraw", id="withdraw", compact=True)
            yield Button("Repeat PHQ-9…", id="repeat", compact=True)
        for key in TREND_FORMS:  # a slot each, filled when there is a trend to draw
            with Vertical(id=f"trend-{key}-section", classes="trend") as slot:
                slot.display = False
                yield Static("", classes="section-heading trend-title")
                yield Sparkline([], id=f"trend-{key}")
                yield Static("", id=f"trend-{key}-words", classes="trend-words")
        with Vertical(id="proposals-section", disabled=True) as section:
            section.display = False
            yield Static("Proposed changes to the chart (from the client's answers)", classes="section-heading")
            proposals = ProposalsTable(id="proposals", cursor_type="row")
            proposals.add_column("Field", key="field", width=17)
            proposals.add_column("On the chart", key="current")
            proposals.add_column("Proposed", key="proposed")
            yield proposals
            yield Static("", id="proposal-detail")
            with Horizontal(classes="tab-actions"):
                yield Button("Accept", id="accept", variant="success", compact=True)
                yield Button("Reject", id="reject", variant="error", compact=True)

    limit = TAB_PAGE  # the newest forms listed; More lists more

    def read(self, chart_id: int) -> FormsTabView:
        # Who looks decides what shows: alerts and trends are for the chart's clinician and admins.
        return forms_tab(self.app.actor, chart_id, limit=self.limit)  # type: ignore[attr-defined]

    def action_more(self) -> None:
        self.limit += TAB_PAGE
        self.reload()

    def focus(self, scroll_visible: bool = True) -> "FormsTab":
        """The keyboard goes to the open alerts if there are any, else to the forms sent."""
        alerts = self.query_one("#alerts-section")
        self.query_one("#alerts" if alerts.display else "#forms", DataTable).focus(scroll_visible)
        return self

    # --- drawing -----------------------------------------------------------------

    def draw(self, view: FormsTabView) -> None:
        had_alerts = self.query_one("#alerts-section").display
        self._draw_alerts(view)
        if view.alerts and not had_alerts and self.screen.focused in (self, self.query_one("#forms")):
            self.query_one("#alerts", DataTable).focus()  # alerts come first
        self._draw_forms(view)
        self._draw_trends(view)
        self._draw_proposals(view)
        self.query_one("#forms", DataTable).refresh_bindings()  # More and Withdraw follow the view

    def _show(self, selector: str, shown: bool) -> None:
        """A section shown, or hidden and disabled: nothing hidden takes the focus."""
        section = self.query_one(selector)
        section.display = shown
        section.disabled = not shown

    def _draw_alerts(self, view: FormsTabView) -> None:
        self._show("#alerts-section", bool(view.alerts))
        table = self.query_one("#alerts", DataTable)
        table.clear()
        for alert in view.alerts:
            flag_width = max(12, self._width() - DATE_WIDTH - FORM_WIDTH - 2 * 3 - 7)
            table.add_row(day(local_day(alert.created_at, self.zone)), plain(fit(alert.form_title, FORM_WIDTH)),
                          plain(fit(alert.label, flag_width)), key=str(alert.alert_id))

    def _draw_forms(self, view: FormsTabView) -> None:
        table = self.query_one("#forms", DataTable)
        row = table.cursor_row
        table.clear()
        title_width = max(14, self._width() - FIXED)
        for line in view.forms:
            state = STATE_WORDS.get(line.state, line.state)
            if line.state == "in_progress":
                state = f"{state} {line.answered}/{line.total}"
            table.add_row(
                plain(fit(line.title, title_width)),
                state,
                day(local_day(line.assigned_at, self.zone)),
                day(line.due_on),
                day(local_day(line.submitted_at, self.zone)),
                key=str(line.assignment_id),
            )
        if not view.forms:
            table.add_row("No forms sent yet. S sends one.", "", "", "", "")
        elif row:
            table.move_cursor(row=min(row, len(view.forms) - 1))
        more = self.query_one("#forms-more", Static)
        older = view.total - len(view.forms)
        more.update(f"The newest {len(view.forms)} of {view.total} forms sent · M lists {min(older, TAB_PAGE)} more"
                    if older > 0 else "")
        more.display = older > 0
        repeats = self.query_one("#repeats", Static)
        repeats.update(plain("\n".join(
            f"{r.title} repeats every {r.every_days} days · next {day(r.next_due_on)}" for r in view.recurrences
        )))
        repeats.display = bool(view.recurrences)
        self.query_one("#repeat", Button).label = "Stop repeat" if self._recurrence() else "Repeat PHQ-9…"

    def _draw_trends(self, view: FormsTabView) -> None:
        """Each questionnaire's slot (composed up front): shown with its trend, or hidden."""
        trends = {t.form_key: t for t in view.trends}
        for key in TREND_FORMS:
            trend = trends.get(key)
            slot = self.query_one(f"#trend-{key}-section", Vertical)
            slot.display = trend is not None
            if trend is None:
                continue
            slot.query_one(".trend-title", Static).update(plain(f"{trend.title}: total over time (0-{trend.maximum})"))
            graph = slot.query_one(Sparkline)
            graph.data = [p.value for p in trend.points]
            graph.styles.width = min(max(4 * len(trend.points), 12), self._width())  # bucketed past the width
            slot.query_one(".trend-words", Static).update(plain(trend_words(trend, self.zone)))

    def _width(self) -> int:
        """The tab's width for the columns (80 columns' worth before the first layout)."""
        return self.content_region.width or 76

    def _draw_proposals(self, view: FormsTabView) -> None:
        self._show("#proposals-section", bool(view.proposals))
        table = self.query_one("#proposals", DataTable)
        table.clear()
        for p in view.proposals:
            half = max(12, (self._width() - 17 - 2 * 3 - 2) // 2)
            table.add_row(p.label, plain(fit(p.current or "—", half)), plain(fit(p.proposed, half)), key=str(p.proposal_id))

    # --- what is chosen -------------------------------------------------------------

    def _chosen(self, table_id: str, rows: tuple) -> Any:
        table = self.query_one(f"#{table_id}", DataTable)
        if not rows or table.cursor_row is None or not 0 <= table.cursor_row < len(rows):
            return None
        return rows[table.cursor_row]

    def _recurrence(self):
        view = self.view
        return next((r for r in view.recurrences if r.form_key == RECURRING_FORM), None) if view else None

    # --- buttons and keys -------------------------------------------------------------

    @on(Button.Pressed, "#send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    @on(Button.Pressed, "#withdraw")
    def _withdraw_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_withdraw()

    @on(Button.Pressed, "#repeat")
    def _repeat_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_repeat()

    @on(Button.Pressed, "#acknowledge")
    def _acknowledge_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_acknowledge()

    @on(Button.Pressed, "#accept")
    def _accept_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_decide(True)

    @on(Button.Pressed, "#reject")
    def _reject_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_decide(False)

    @on(DataTable.RowSelected, "#forms")
    def _form_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    @on(DataTable.RowHighlighted, "#forms")
    def _form_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted form whole, and what Enter does with it."""
        event.stop()
        line = self._chosen("forms", self.view.forms if self.view else ())
        words = ""
        if line is not None:
            state = STATE_WORDS.get(line.state, line.state).lower()
            if not self.view.clinical and line.state in ("completed", "in_progress"):
                words = f"{line.title} · {state} · {ANSWERS_ARE_CLINICAL}"
            elif line.state == "completed" and line.response_id is not None:
                words = f"{line.title} · completed · Enter opens it"
            elif line.state == "in_progress":
                words = f"{line.title} · {line.answered} of {line.total} answered · Enter shows the answers so far"
            else:
                words = f"{line.title} · {state}"
        self.query_one("#form-detail", Static).update(plain(words))

    @on(DataTable.RowHighlighted, "#proposals")
    def _proposal_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted change whole (the table cuts long values to fit)."""
        event.stop()
        p = self._chosen("proposals", self.view.proposals if self.view else ())
        words = f"{p.label}: {p.current or '—'} → {p.proposed}" if p is not None else ""
        self.query_one("#proposal-detail", Static).update(plain(words))

    @on(DataTable.RowSelected, "#alerts")
    def _alert_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_acknowledge()

    def action_open(self) -> None:
        """A completed form read-only; one in progress as its draft so far."""
        from ..screens.response import ResponseScreen

        line = self._chosen("forms", self.view.forms if self.view else ())
        if line is None:
            return
        if not self.view.clinical and line.state in ("completed", "in_progress"):
            self.app.notify(f"Not shown: {ANSWERS_ARE_CLINICAL}.", markup=False)
            return
        if line.response_id is not None and line.state == "completed":
            self.app.push_screen(ResponseScreen(line.response_id))
        elif (draft := self.view.draft_of(line.assignment_id)) is not None:
            self.app.push_screen(ResponseScreen(draft, draft=True))
        else:
            self.app.notify(f"{line.title} is not started yet.", title="Forms", markup=False)

    def action_send(self) -> None:
        from ..screens.form_dialogs import SendFormsScreen

        self.app.push_screen(SendFormsScreen(self.chart_id, self._client_name()), self._saved)

    def action_repeat(self) -> None:
        from ..screens.form_dialogs import RepeatFormScreen

        if self._recurrence() is not None:
            self.stop_repeat()
        else:
            self.app.push_screen(RepeatFormScreen(self.chart_id), self._saved)

    def action_acknowledge(self) -> None:
        from ..screens.form_dialogs import AcknowledgeAlertScreen

        alert = self._chosen("alerts", self.view.alerts if self.view else ())
        if alert is None:
            self.app.notify("There is no open alert on this chart.", title="Forms", severity="warning")
            return
        self.app.push_screen(AcknowledgeAlertScreen(alert, self.zone), self._saved)

    def action_decide(self, accept: bool) -> None:
        proposal = self._chosen("proposals", self.view.proposals if self.view else ())
        if proposal is None:
            self.app.notify("There is no proposed change to decide.", title="Forms", severity="warning")
            return
        self.decide(self.app.actor, proposal.proposal_id, accept)

    def action_withdraw(self) -> None:
        self.withdraw()

    def _client_name(self) -> str:
        chart = getattr(self.screen, "chart", None)
        return chart.full_name if chart is not None else ""

    def _saved(self, words: str | None) -> None:
        if words:
            self.app.notify(plain(words).plain, title="Forms", markup=False)
            self.reload()

    # --- flows with a confirmation ------------------------------------------------

    async def _confirm(self, title: str, body: str, label: str) -> bool:
        from ..screens.modals import ConfirmActionScreen

        return bool(await self.app.push_screen_wait(ConfirmActionScreen(title, body, label, danger=True)))

    @work(group="flow", exclusive=True)
    async def withdraw(self) -> None:
        line = self._chosen("forms", self.view.forms if self.view else ())
        if line is None or line.state not in ("to_do", "in_progress"):
            self.app.notify("Choose a form still to do or in progress to withdraw.", title="Forms", severity="warning")
            return
        body = (f"{line.title} is withdrawn: the client can no longer fill it in. "
                "Anything they already answered stays in the chart for staff.")
        if await self._confirm("Withdraw form", body, "Withdraw"):
            await self._wait(self.act(self.app.actor, "withdraw", line.assignment_id, f"{line.title} withdrawn."))

    @work(group="flow", exclusive=True)
    async def stop_repeat(self) -> None:
        recurrence = self._recurrence()
        if recurrence is None:
            return
        body = f"No further {recurrence.title} is sent. One already sent and still open stays to be done."
        if await self._confirm(f"Stop repeating {recurrence.title}", body, "Stop repeating"):
            await self._wait(self.act(self.app.actor, "stop", recurrence.recurrence_id, f"{recurrence.title} no longer repeats."))

    @staticmethod
    async def _wait(worker) -> None:
        try:
            await worker.wait()
        except (WorkerFailed, WorkerCancelled):
            pass  # the app says why

    # --- the domain, in workers -----------------------------------------------------

    @db_worker("forms-action")
    def act(self, actor: Actor, what: str, target: int, success: str) -> None:
        try:
            (cancel_assignment if what == "withdraw" else stop_recurrence)(actor, target)
        except (DomainError, InvalidInput) as exc:
            self.post_message(self.Done(exc.message, False))
        else:
            self.post_message(self.Done(success, True))
        self.post_view(forms_tab(actor, self.chart_id, limit=self.limit))

    @db_worker("forms-action")
    def decide(self, actor: Actor, proposal_id: int, accept: bool) -> None:
        try:
            line = (accept_change if accept else reject_change)(actor, proposal_id)
        except (DomainError, InvalidInput) as exc:
            self.post_message(self.Done(exc.message, False))
        else:
            verb = "accepted: the chart is updated" if accept else "rejected: the chart is unchanged"
            self.post_message(self.Done(f"{line.label} {verb}.", True, changed_chart=accept))
        self.post_view(forms_tab(actor, self.chart_id, limit=self.limit))

    @on(Done)
    def _done(self, event: Done) -> None:
        event.stop()
        if event.ok:
            self.app.notify(plain(event.words).plain, title="Forms", markup=False)
        else:
            self.app.notify(plain(event.words).plain, title="Not done", severity="error", markup=False)
        if event.changed_chart:
            self.post_message(ChartChanged("forms", self))
