"""What the staff screens of forms read: the Forms tab, a response, the work queue, the library.

Frozen views made for one screen each, read in a worker thread (never rows).
The work queue is the one view that writes: reading it moves the staff
member's mark (WorkQueueMark), so the next look lists only forms completed
since this one.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .. import clock
from ..audit import Actor
from ..db import database, lock_rows
from ..errors import NotAllowed
from ..roles import allowed, charts_in_scope, clinical_charts, require
from ..staff_views import ChartView, chart_view
from ..tables import (
    Client, Form, FormAlert, FormAssignment, FormRecurrence, FormResponse, FormVersion, StaffUser, WorkQueueMark,
)
from ..text import InvalidInput
from ..timefmt import practice_zone
from .alerts import AlertLine, chart_alerts
from .chart_changes import ProposalLine, proposals
from .definitions import Band, load_definition
from .library import FormLine as LibraryLine, PackageLine, latest_version, library_forms, packages
from .responses import (
    FormLine, ResponseView, TrendPoint, chart_drafts, draft_for_staff, response_for_staff,
)

TREND_FORMS = ("phq9", "gad7")      # the questionnaires whose totals the Forms tab draws over time
RECURRING_FORM = "phq9"             # what "Repeat" sends again every N days
FIRST_LOOK_DAYS = 14                # a staff member's first look at the queue goes back this far
QUEUE_LIMIT = 100                   # lines of each kind one look shows


# --- due dates as staff type them ----------------------------------------------

_DUE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
_DUE_SHAPE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_due_date(typed: str, field: str = "due_on") -> dt.date | None:
    """A typed due date (MM/DD/YYYY, or YYYY-MM-DD); "" is no due date.

    A refusal says what is wrong in words (no month 13, no April 31); a date
    in the past is refused by the domain when the forms are sent.
    """
    value = (typed or "").strip()
    if not value:
        return None
    for fmt in _DUE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    shaped = _DUE_SHAPE.fullmatch(value)
    if shaped:
        month, day, year = map(int, shaped.groups())
        if not 1 <= month <= 12:
            raise InvalidInput(field, f"There is no month {month}: type the due date as MM/DD/YYYY (month first).")
        name = dt.date(year, month, 1).strftime("%B")
        raise InvalidInput(field, f"{name} {year} has no day {day}. Type the due date as MM/DD/YYYY.")
    raise InvalidInput(field, "Type the due date as MM/DD/YYYY, for example 12/04/2026, or leave it empty.")


# --- the chart room's Forms tab ------------------------------------------------


@dataclass(frozen=True)
class TrendView:
    """One questionnaire's totals over time, with the bands they fall in."""

    form_key: str
    title: str
    maximum: int
    bands: tuple[Band, ...]
    points: tuple[TrendPoint, ...]   # oldest first


@dataclass(frozen=True)
class RecurrenceLine:
    recurrence_id: int
    form_key: str
    title: str
    every_days: int
    next_due_on: dt.date


@dataclass(frozen=True)
class FormsTabView:
    forms: tuple[FormLine, ...]              # the forms sent, newest first (the newest `limit`)
    total: int                               # how many were ever sent
    drafts: tuple[tuple[int, int], ...]      # (assignment id, its latest draft's response id)
    alerts: tuple[AlertLine, ...]            # not yet acknowledged, oldest first
    proposals: tuple[ProposalLine, ...]      # demographic changes waiting for a decision
    trends: tuple[TrendView, ...]            # only questionnaires with at least one total
    recurrences: tuple[RecurrenceLine, ...]  # repeating forms not stopped
    clinical: bool = True                    # the viewer may read answers, scores and alerts (models/roles.py)

    def draft_of(self, assignment_id: int) -> int | None:
        return dict(self.drafts).get(assignment_id)


def _trend_points(chart_id: int, form_id: int) -> tuple[TrendPoint, ...]:
    """The `total` of each submitted response to the form, oldest first (score_trend's
    points, read as plain tuples: a chart may have hundreds)."""
    rows = (
        FormResponse.select(FormResponse.id, FormResponse.submitted_at, FormResponse.results)
        .join(FormVersion, on=(FormResponse.version == FormVersion.id))
        .where((FormResponse.client == chart_id) & FormResponse.submitted_at.is_null(False) & (FormVersion.form == form_id))
        .order_by(FormResponse.submitted_at, FormResponse.id)
        .tuples()
    )
    points = []
    for response_id, submitted_at, results in rows:
        total = next((s for s in json.loads(results or "{}").get("scores", []) if s["id"] == "total"), None)
        if total is not None and total["value"] is not None:
            points.append(TrendPoint(response_id, submitted_at, total["value"], total["band"]))
    return tuple(points)


def _trend(chart_id: int, form: Form) -> TrendView | None:
    points = _trend_points(chart_id, form.id)
    if not points:
        return None
    version = latest_version(form)
    rule = next((s for s in load_definition(version.definition).scores if s.id == "total"), None) if version else None
    bands = rule.bands if rule else ()
    maximum = max((b.high for b in bands), default=max(p.value for p in points))
    return TrendView(form.key, form.title, maximum, bands, points)


def _tab_lines(chart_id: int, limit: int | None) -> list[FormLine]:
    """The chart's newest `limit` forms as the Forms tab lists them.

    The same lines as responses.chart_forms (a test holds them equal), read
    for a chart with hundreds of forms: only the page shown, each version's
    definition once, and plain tuples instead of rows.
    """
    assignments = list(
        FormAssignment.select(FormAssignment.id, FormAssignment.status, FormAssignment.due_on,
                              FormAssignment.assigned_at, FormAssignment.version, Form.title)
        .join(Form, on=(FormAssignment.form == Form.id))
        .where(FormAssignment.client == chart_id)
        .order_by(FormAssignment.assigned_at.desc(), FormAssignment.id.desc())
        .limit(limit)
        .tuples()
    )
    if not assignments:
        return []
    definitions = {
        version_id: load_definition(text)
        for version_id, text in FormVersion.select(FormVersion.id, FormVersion.definition)
        .where(FormVersion.id.in_({a[4] for a in assignments})).tuples()
    }
    drafts: dict[int, tuple] = {}
    submitted: dict[int, tuple] = {}
    for row in (
        FormResponse.select(FormResponse.id, FormResponse.assignment, FormResponse.status, FormResponse.answers,
                            FormResponse.submitted_at)
        .where((FormResponse.client == chart_id) & FormResponse.assignment.in_([a[0] for a in assignments]))
        .order_by(FormResponse.id)
        .tuples()
    ):
        (drafts if row[2] == "draft" else submitted)[row[1]] = row  # the latest of each
    lines = []
    for assignment_id, status, due_on, assigned_at, version_id, title in assignments:
        definition = definitions[version_id]
        draft, done = drafts.get(assignment_id), submitted.get(assignment_id)
        total = len(definition.questions)
        answered = sum(v is not None for v in json.loads(draft[3] or "{}").values()) if draft else (total if done else 0)
        if status == "cancelled":
            state = "cancelled"
        elif draft is not None and (status == "open" or done is not None):
            state = "in_progress"
        elif status == "completed":
            state = "completed"
        else:
            state = "to_do"
        lines.append(FormLine(assignment_id, title, definition.kind, state, due_on, assigned_at, answered, total,
                              done[0] if done else None, done[4] if done else None))
    return lines


TAB_PAGE = 50                       # forms the tab lists at first; "More" lists this many more


def forms_tab(by: Actor, chart_id: int, *, limit: int | None = TAB_PAGE) -> FormsTabView:
    """Everything the chart's Forms tab shows `by`, in one read; NotFound if no such chart.

    Risk alerts and score trends are clinical results: only for the chart's
    clinician and admins (models/roles.py); others see what was sent and when."""
    require(by, "forms", chart_id)
    chart_view(by, chart_id)  # NotFound for a chart that is gone
    clinical = allowed(by, "clinical", chart_id)
    drafts = {assignment_id: response_id for response_id, assignment_id, _ in chart_drafts(chart_id)}
    trends = tuple(
        t for form in Form.select().where(Form.key.in_(TREND_FORMS)).order_by(Form.key.desc())
        if clinical and (t := _trend(chart_id, form)) is not None
    )
    recurrences = tuple(
        RecurrenceLine(r.id, r.form.key, r.form.title, r.interval_days, r.next_due_on)
        for r in FormRecurrence.select(FormRecurrence, Form).join(Form)
        .where((FormRecurrence.client == chart_id) & FormRecurrence.stopped_at.is_null())
        .order_by(FormRecurrence.id)
    )
    return FormsTabView(
        tuple(_tab_lines(chart_id, limit)),
        FormAssignment.select().where(FormAssignment.client == chart_id).count(),
        tuple(sorted(drafts.items())),
        tuple(_open_alerts(chart_id=chart_id)) if clinical else (),
        tuple(proposals(chart_id, pending_only=True)),
        trends,
        recurrences,
        clinical,
    )


@dataclass(frozen=True)
class SendChoices:
    """What the Send dialog offers: packages first, then single forms."""

    packages: tuple[PackageLine, ...]
    forms: tuple[LibraryLine, ...]


def send_choices() -> SendChoices:
    return SendChoices(tuple(packages()), tuple(library_forms()))


# --- one completed response ----------------------------------------------------


@dataclass(frozen=True)
class StaffResponseView:
    """A response read-only for staff: as asked in its version, scored, with its alerts."""

    response: ResponseView
    chart: ChartView
    flagged: tuple[str, ...]          # question ids a risk flag names
    alerts: tuple[AlertLine, ...]     # this response's alerts, open first
    zone: ZoneInfo


def staff_response(by: Actor, response_id: int) -> StaffResponseView:
    """A submitted response for staff (the read is audited by response_for_staff)."""
    view = response_for_staff(by, response_id)
    version = FormResponse.select(FormVersion.definition).join(FormVersion).where(FormResponse.id == response_id).scalar()
    raised = {f.id for f in (view.results.flags if view.results else ())}
    flagged = tuple(rule.item for rule in load_definition(version).flags if rule.item and rule.id in raised)
    alerts = tuple(a for a in chart_alerts(view.chart_id) if a.response_id == response_id)
    return StaffResponseView(view, chart_view(by, view.chart_id), flagged, alerts, practice_zone())


def staff_draft(by: Actor, response_id: int) -> StaffResponseView:
    """A draft not submitted (perhaps a former owner's), as far as it goes; audited view."""
    view = draft_for_staff(by, response_id)
    return StaffResponseView(view, chart_view(by, view.chart_id), (), (), practice_zone())


# --- the work queue --------------------------------------------------------------


@dataclass(frozen=True)
class CompletedLine:
    response_id: int
    chart_id: int
    chart_number: str
    client_name: str
    form_title: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class WorkQueueView:
    alerts: tuple[AlertLine, ...]        # not acknowledged, oldest first
    more_alerts: bool                    # more than the queue shows at once
    completed: tuple[CompletedLine, ...]  # submitted since the last look, oldest first
    more_completed: bool                 # more since; the next look shows them
    since: dt.datetime                   # what "since your last look" means this time
    first_look: bool
    zone: ZoneInfo


def _staff(by: Actor) -> StaffUser:
    staff = StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None
    if staff is None:
        raise NotAllowed("Only a staff member has a work queue.")
    return staff


def _since(mark: WorkQueueMark | None) -> dt.datetime:
    return mark.seen_until if mark is not None else clock.now() - dt.timedelta(days=FIRST_LOOK_DAYS)


def _open_alerts(limit: int | None = None, *, chart_id: int | None = None, charts=None) -> list[AlertLine]:
    """The oldest alerts not acknowledged (of one chart, or all; `charts`: a
    roles.clinical_charts condition), as alerts.alert_queue and chart_alerts
    list them, read as plain tuples (a test holds them equal)."""
    condition = FormAlert.acknowledged_at.is_null()
    if chart_id is not None:
        condition &= FormAlert.client == chart_id
    condition = _within(condition, FormAlert.client, charts)
    rows = (
        FormAlert.select(FormAlert.id, Client.id, Client.chart_number, Client.first_name, Client.last_name, Form.title,
                         FormAlert.response, FormAlert.label, FormAlert.created_at)
        .join(Client, on=(FormAlert.client == Client.id))
        .switch(FormAlert)
        .join(FormResponse, on=(FormAlert.response == FormResponse.id))
        .join(FormVersion, on=(FormResponse.version == FormVersion.id))
        .join(Form, on=(FormVersion.form == Form.id))
        .where(condition)
        .order_by(FormAlert.created_at, FormAlert.id)
        .limit(limit)
        .tuples()
    )
    return [
        AlertLine(alert_id, chart_id, number, f"{first} {last}", title, response_id, label, created_at, None, "", "")
        for alert_id, chart_id, number, first, last, title, response_id, label, created_at in rows
    ]


def _within(condition, column, charts):
    """`condition`, narrowed to `column` among `charts` (a roles.charts_in_scope
    subquery; None: every chart)."""
    return condition if charts is None else condition & column.in_(charts)


def _completed(condition, limit: int | None = None) -> list[CompletedLine]:
    query = (
        FormResponse.select(FormResponse.id, FormResponse.client, FormResponse.submitted_at, Client.chart_number,
                            Client.first_name, Client.last_name, Form.title)
        .join(Client, on=(FormResponse.client == Client.id))
        .switch(FormResponse)
        .join(FormVersion, on=(FormResponse.version == FormVersion.id))
        .join(Form, on=(FormVersion.form == Form.id))
        .where(condition)
        .order_by(FormResponse.submitted_at, FormResponse.id)
        .limit(limit)
        .tuples()
    )
    return [
        CompletedLine(response_id, chart_id, number, f"{first} {last}", title, submitted_at)
        for response_id, chart_id, submitted_at, number, first, last, title in query
    ]


def work_queue(by: Actor, *, limit: int = QUEUE_LIMIT) -> WorkQueueView:
    """The staff member's work queue, and their mark moved past what it shows.

    Alerts stay until acknowledged. Completed forms are those submitted since
    the last look, oldest first; `limit` at a time (the rest come next look).
    Only charts `by` may open are in it (a clinician's own: models/roles.py).
    Responses submitted in the same instant are shown together, so moving the
    mark to the newest shown never skips one. (A submit stamps its time a few
    milliseconds before it commits; one that commits just after this read
    with a time just before the newest shown would wait for no look. The
    chart's Forms tab lists every form whatever the queue showed.)
    """
    staff = _staff(by)
    with database.atomic():
        mark = lock_rows(WorkQueueMark.select().where(WorkQueueMark.staff == staff.id)).first()
        since = _since(mark)
        alerts = _open_alerts(limit + 1, charts=clinical_charts(by))
        charts = charts_in_scope(by, "charts")
        completed = _completed(_within(FormResponse.submitted_at > since, FormResponse.client, charts), limit + 1)
        more = len(completed) > limit
        if more:
            completed = completed[:limit]
            last, shown = completed[-1].submitted_at, {c.response_id for c in completed}
            same_time = _within(FormResponse.submitted_at == last, FormResponse.client, charts)
            completed += [c for c in _completed(same_time) if c.response_id not in shown]
        now = clock.now()
        seen_until = max([since] + [c.submitted_at for c in completed])
        if mark is None:
            WorkQueueMark.insert(staff=staff.id, seen_until=seen_until, looked_at=now).on_conflict(
                conflict_target=[WorkQueueMark.staff], update={WorkQueueMark.looked_at: now}
            ).execute()
        else:
            WorkQueueMark.update(seen_until=seen_until, looked_at=now).where(WorkQueueMark.id == mark.id).execute()
    return WorkQueueView(tuple(alerts[:limit]), len(alerts) > limit, tuple(completed), more, since, mark is None,
                         practice_zone())


@dataclass(frozen=True)
class QueueCount:
    """What waits in the queue; each count stops at QUEUE_LIMIT (shown as "100+")."""

    alerts: int
    completed: int

    @property
    def total(self) -> int:
        return self.alerts + self.completed

    @property
    def words(self) -> str:
        """'Work queue: 2 risk alerts, 100+ completed forms'."""
        def count(n: int, what: str) -> str:
            return f"{n}{'+' if n >= QUEUE_LIMIT else ''} {what}{'s' if n != 1 else ''}"

        parts = [count(self.alerts, "risk alert")] if self.alerts else []
        if self.completed:
            parts.append(count(self.completed, "completed form"))
        return "Work queue: " + (", ".join(parts) if parts else "nothing new")


def work_queue_count(by: Actor) -> QueueCount:
    """How much waits in the queue, without moving the mark (the client list
    shows it), of the charts `by` may open (models/roles.py).

    Each count stops at QUEUE_LIMIT: a number past it says nothing more.
    """
    staff = _staff(by)
    mark = WorkQueueMark.get_or_none(WorkQueueMark.staff == staff.id)
    since = _since(mark)
    open_alerts = _within(FormAlert.acknowledged_at.is_null(), FormAlert.client, clinical_charts(by))
    alerts = FormAlert.select(FormAlert.id).where(open_alerts).limit(QUEUE_LIMIT).count()
    completed = _within(FormResponse.submitted_at > since, FormResponse.client, charts_in_scope(by, "charts"))
    completed = FormResponse.select(FormResponse.id).where(completed).limit(QUEUE_LIMIT).count()
    return QueueCount(alerts, completed)


# --- the library ----------------------------------------------------------------


@dataclass(frozen=True)
class LibraryView:
    forms: tuple[LibraryLine, ...]       # in use first, then retired
    packages: tuple[PackageLine, ...]


def library_view() -> LibraryView:
    lines = library_forms(include_retired=True)
    return LibraryView(tuple(sorted(lines, key=lambda f: (f.retired, f.title.casefold()))), tuple(packages()))


KIND_WORDS = {"questionnaire": "Questionnaire", "form": "Form", "sheet": "Info sheet"}
SOURCE_WORDS = {"builtin": "Built in", "staff": "Staff", "pdf": "PDF"}
