"""FormsTab: what the chart's client was sent and answered, its risk alerts, trends and proposed changes.

One view (models.forms.staff_views.forms_tab) read in a worker draws it all.
Every action calls the domain in a worker too, then draws the fresh view;
destructive ones (withdraw a form, stop a repeat) ask first. Enter on a
completed form opens it read-only (ResponseScreen).

The tab is built for the chart it shows: the forms sent are always there,
while the alerts, the trends (one TrendChart) and the proposed changes are
built the first time the chart has some, then hidden when it has none
(out of the focus order). A chart with a long history was 290 ms from F8 to
ready with every section built up front; see BENCHMARKS.md.
"""
from __future__ import annotations

from asyncio import gather
from typing import Any, Awaitable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static
from textual.worker import WorkerCancelled, WorkerFailed

from models.audit import Actor
from models.errors import DomainError
from models.forms.assignments import cancel_assignment, stop_recurrence
from models.forms.chart_changes import accept_change, reject_change
from models.forms.staff_views import RECURRING_FORM, TAB_PAGE, FormsTabView, forms_tab
from models.text import InvalidInput
from tui.shared.line_table import LineTable
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from .chart_tab import ChartTab
from .common import ChartChanged
from .form_sections import STATE_WORDS, AlertsSection, ProposalsSection, SentSection
from .form_trends import TrendChart

ANSWERS_ARE_CLINICAL = "its answers are for the chart's clinician"  # what the front desk is told (models/roles.py)


class FormsTab(ChartTab):
    DEFAULT_CSS = """
    FormsTab {
        scrollbar-gutter: stable;  /* the scrollbar's coming does not narrow everything: no second layout */
    }

    FormsTab LineTable {
        height: auto;
        max-height: 10;
    }

    FormsTab #forms {
        scrollbar-gutter: stable;  /* a page of forms scrolls in 10 lines: its scrollbar is always there */
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

    FormsTab #proposal-detail, FormsTab #form-detail {
        background: $boost;
    }

    FormsTab #forms-more, FormsTab #repeats {
        display: none;
    }
    """
    BINDINGS = [
        Binding("s", "send", "Send", id="forms.send"),
        Binding("r", "repeat", "Repeat", id="forms.repeat"),
    ]
    FIRST_VIEW_WAIT = 0.15  # the read takes ~10 ms; past this (a slow database) "Reading" shows first

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
        # Every section is built with the chart's first view (draw), in one screen update;
        # until then the screen is held (ChartTab._hold_screen), or else says it is reading.
        if self._batch is None:
            yield self._reading()

    def still_reading(self) -> None:
        self.mount(self._reading())

    @staticmethod
    def _reading() -> Static:
        return Static("Reading the chart's forms…", id="forms-reading", classes="muted")

    limit = TAB_PAGE  # the newest forms listed; More lists more

    def read(self, chart_id: int) -> FormsTabView:
        # Who looks decides what shows: alerts and trends are for the chart's clinician and admins.
        return forms_tab(self.app.actor, chart_id, limit=self.limit)  # type: ignore[attr-defined]

    def action_more(self) -> None:
        self.limit += TAB_PAGE
        self.reload()

    def focus(self, scroll_visible: bool = True) -> "FormsTab":
        """The keyboard goes to the open alerts if there are any, else to the forms sent."""
        alerts, sent = self._built(AlertsSection), self._built(SentSection)
        if alerts is not None and alerts.display:
            alerts.table.focus(scroll_visible)
        elif sent is not None:
            sent.table.focus(scroll_visible)
        else:
            super().focus(scroll_visible)  # nothing read yet: the tab, until its view is drawn
        return self

    # --- drawing -----------------------------------------------------------------

    def draw(self, view: FormsTabView) -> Awaitable[Any] | None:
        """Every section the view has something for, built if it is new. What is built (and the
        "Reading" line's removal) is returned awaitable: the screen shows it all in one update."""
        mounting: list[Awaitable[Any]] = [reading.remove() for reading in self.query_children("#forms-reading")]

        def section(kind: type[Widget], shown: bool, **where: Widget) -> Any:
            # A section once built is shown, or hidden and disabled (nothing hidden takes the focus).
            found = self._built(kind)
            if found is None and shown:
                found = kind()
                mounting.append(self.mount(found, **where))
            if found is not None:
                found.display = shown
                found.disabled = not shown
            return found if shown else None

        had_alerts = self._built(AlertsSection) is not None and self._built(AlertsSection).display
        sent = section(SentSection, True)
        sent.draw(view, self.zone, self._recurrence() is not None)
        if alerts := section(AlertsSection, bool(view.alerts), before=sent):
            alerts.draw(view.alerts, self.zone)
        if chart := section(TrendChart, bool(view.trends), after=sent):
            chart.show(view.trends, self.zone)
        if proposals := section(ProposalsSection, bool(view.proposals)):
            proposals.draw(view.proposals)
        sent.table.refresh_bindings()  # More and Withdraw follow the view

        async def built() -> None:
            await gather(*mounting)
            # Once all is in: the chart room may have put the keyboard on the tab meanwhile.
            focused = self.screen.focused
            if focused is self or (view.alerts and not had_alerts and focused is sent.table):
                self.focus()  # alerts come first; the forms sent when there are none

        return built()

    def _built(self, kind: type[Widget]) -> Any:
        """The section of that kind if it was built, else None."""
        found = self.query_children(kind)
        return found.first() if found else None

    # --- what is chosen -------------------------------------------------------------

    def _chosen(self, table_id: str, rows: tuple) -> Any:
        if not rows:
            return None  # (a section with no rows may never have been built)
        row = self.query_one(f"#{table_id}", LineTable).cursor_row
        return rows[row] if row is not None and 0 <= row < len(rows) else None

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

    @on(LineTable.RowSelected, "#forms")
    def _form_chosen(self, event: LineTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    @on(LineTable.RowHighlighted, "#forms")
    def _form_highlighted(self, event: LineTable.RowHighlighted) -> None:
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

    @on(LineTable.RowHighlighted, "#proposals")
    def _proposal_highlighted(self, event: LineTable.RowHighlighted) -> None:
        """The highlighted change whole (the table cuts long values to fit)."""
        event.stop()
        p = self._chosen("proposals", self.view.proposals if self.view else ())
        words = f"{p.label}: {p.current or '—'} → {p.proposed}" if p is not None else ""
        self.query_one("#proposal-detail", Static).update(plain(words))

    @on(LineTable.RowSelected, "#alerts")
    def _alert_chosen(self, event: LineTable.RowSelected) -> None:
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
