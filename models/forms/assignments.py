"""Sending forms to a chart: one form, a package, or a form on a recurrence.

An assignment pins the version that was current when it was sent. The
chart's owner is told by one email per sending (however many forms), from
the forms_due template, which names no form and nothing clinical. The email
goes in the outbox in the transaction that makes the assignments.

A recurrence makes its next assignment when it falls due, in
`run_due_recurrences` (a periodic job calls it; the clock is injectable).
While the last one is still open no second one is made: the client has one
PHQ-9 to do, not a pile.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass

from .. import clock
from ..audit import SYSTEM, Actor, record
from ..charts import get_chart
from ..db import database
from ..errors import InvalidInput, NotFound, StateConflict
from ..outbox import enqueue
from ..practice import get_practice
from ..roles import require
from ..tables import ChartAccess, Form, FormAssignment, FormRecurrence, StaffUser
from .fields import practice_today
from .library import form_by_key, latest_version, package_forms

MAX_INTERVAL_DAYS = 366


@dataclass(frozen=True)
class Sent:
    assignment_ids: tuple[int, ...]
    emailed: bool                  # False: the chart has no registered owner to tell yet


def _staff(by: Actor) -> StaffUser | None:
    return StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None


def _due(due_on: dt.date | None) -> dt.date | None:
    if due_on is not None and due_on < practice_today():
        raise InvalidInput("due_on", "The due date cannot be in the past.")
    return due_on


def notify_owner(chart_id: int) -> bool:
    """Queue the forms_due email to the chart's registered owner; False if there is none.

    An owner still invited gets no second email: their invitation brings them
    in, and their forms are waiting when they register.
    """
    access = ChartAccess.get_or_none(
        (ChartAccess.client == chart_id) & ChartAccess.ended_at.is_null() & ChartAccess.account.is_null(False)
    )
    if access is None:
        return False
    practice = get_practice()
    context = {
        "practice_name": practice.name,
        "practice_phone": practice.phone,
        "to_name": access.owner_name,
        "ssh_host": practice.portal_host,
        "ssh_port": practice.portal_port,
    }
    enqueue("forms_due", access.email, access.owner_name, context, client=chart_id)
    return True


def _assign(by: Actor, chart_id: int, form: Form, batch: str, due_on: dt.date | None, recurrence: int | None = None) -> FormAssignment:
    if form.retired_at is not None:
        raise StateConflict(f"{form.title} is retired and can no longer be sent.")
    version = latest_version(form)
    if version is None:
        raise NotFound(f"{form.title} has no published version.")
    assignment = FormAssignment.create(
        client=chart_id, form=form, version=version, recurrence=recurrence, batch=batch,
        assigned_at=clock.now(), assigned_by=_staff(by), due_on=due_on,
    )
    record(by, "form.assign", chart=chart_id, detail=f"assignment {assignment.id} {form.key} v{version.number}")
    return assignment


def send_forms(by: Actor, chart_id: int, form_keys: list[str], *, due_on: dt.date | None = None, notify: bool = True) -> Sent:
    """Send the named forms to a chart, together: one email.

    `notify=False` sends no email, for a caller whose own email already says
    there are forms (the invitation, when forms go out with a new chart).
    """
    if not form_keys:
        raise InvalidInput("forms", "Choose at least one form to send.")
    chart = get_chart(chart_id)
    require(by, "forms", chart.id)
    due_on = _due(due_on)
    forms = [form_by_key(key) for key in form_keys]
    batch = secrets.token_hex(8)
    with database.atomic():
        made = tuple(_assign(by, chart.id, form, batch, due_on).id for form in forms)
        emailed = notify_owner(chart.id) if notify else False
    return Sent(made, emailed)


def send_package(by: Actor, chart_id: int, package_key: str, *, due_on: dt.date | None = None, notify: bool = True) -> Sent:
    return send_forms(by, chart_id, package_forms(package_key), due_on=due_on, notify=notify)


def cancel_assignment(by: Actor, assignment_id: int) -> None:
    """Withdraw a form not yet completed (a draft already begun is kept for staff)."""
    require(by, "forms", FormAssignment.select(FormAssignment.client).where(FormAssignment.id == assignment_id).scalar())
    with database.atomic():
        assignment = FormAssignment.get_or_none(FormAssignment.id == assignment_id)
        if assignment is None:
            raise NotFound("That form was not sent.")
        done = (
            FormAssignment.update(status="cancelled", cancelled_at=clock.now())
            .where((FormAssignment.id == assignment_id) & (FormAssignment.status == "open"))
            .execute()
        )
        if not done:
            raise StateConflict("That form is already completed or withdrawn.")
        record(by, "form.cancel", chart=assignment.client_id, detail=f"assignment {assignment_id}")


# --- recurrences -------------------------------------------------------------


def start_recurrence(by: Actor, chart_id: int, form_key: str, *, every_days: int, first_due_on: dt.date | None = None) -> int:
    """Send `form_key` now (due `first_due_on`, default today) and again every
    `every_days` days until stopped; returns the recurrence's id."""
    if isinstance(every_days, bool) or not isinstance(every_days, int) or not 1 <= every_days <= MAX_INTERVAL_DAYS:
        raise InvalidInput("every_days", f"Repeat every 1 to {MAX_INTERVAL_DAYS} days.")
    chart = get_chart(chart_id)
    require(by, "forms", chart.id)
    form = form_by_key(form_key)
    first = _due(first_due_on) or practice_today()
    with database.atomic():
        recurrence = FormRecurrence.create(
            client=chart.id, form=form, interval_days=every_days, next_due_on=first + dt.timedelta(days=every_days),
            started_at=clock.now(), started_by=_staff(by),
        )
        record(by, "form.recur.start", chart=chart.id, detail=f"recurrence {recurrence.id} {form.key} every {every_days} days")
        _assign(by, chart.id, form, secrets.token_hex(8), first, recurrence.id)
        notify_owner(chart.id)
    return recurrence.id


def stop_recurrence(by: Actor, recurrence_id: int) -> None:
    """No further assignments; the open one, if any, stays to be done."""
    require(by, "forms", FormRecurrence.select(FormRecurrence.client).where(FormRecurrence.id == recurrence_id).scalar())
    with database.atomic():
        recurrence = FormRecurrence.get_or_none(FormRecurrence.id == recurrence_id)
        if recurrence is None:
            raise NotFound("That repeating form does not exist.")
        stopped = (
            FormRecurrence.update(stopped_at=clock.now(), stopped_by=_staff(by))
            .where((FormRecurrence.id == recurrence_id) & FormRecurrence.stopped_at.is_null())
            .execute()
        )
        if not stopped:
            raise StateConflict("That repeating form was already stopped.")
        record(by, "form.recur.stop", chart=recurrence.client_id, detail=f"recurrence {recurrence_id}")


def _next_after(due: dt.date, interval: int, today: dt.date) -> dt.date:
    """The first due date after today on the recurrence's schedule (missed runs are not made up)."""
    missed = (today - due).days // interval
    return due + dt.timedelta(days=interval * (missed + 1))


def run_due_recurrences(by: Actor = SYSTEM) -> int:
    """Make the assignments that fell due; returns how many were made.

    Safe to run from several processes at once: each recurrence moves on by
    a conditional update, so only one run makes its assignment.
    """
    today = practice_today()
    made: dict[int, int] = defaultdict(int)
    due = list(
        FormRecurrence.select(FormRecurrence, Form)
        .join(Form)
        .where(FormRecurrence.stopped_at.is_null() & (FormRecurrence.next_due_on <= today))
        .order_by(FormRecurrence.client, FormRecurrence.id)
    )
    by_chart: dict[int, list[FormRecurrence]] = defaultdict(list)
    for recurrence in due:
        by_chart[recurrence.client_id].append(recurrence)
    for chart_id, recurrences in by_chart.items():
        batch = secrets.token_hex(8)
        with database.atomic():
            for recurrence in recurrences:
                moved = (
                    FormRecurrence.update(next_due_on=_next_after(recurrence.next_due_on, recurrence.interval_days, today))
                    .where(
                        (FormRecurrence.id == recurrence.id)
                        & (FormRecurrence.next_due_on == recurrence.next_due_on)
                        & FormRecurrence.stopped_at.is_null()
                    )
                    .execute()
                )
                still_open = (
                    FormAssignment.select()
                    .where((FormAssignment.recurrence == recurrence.id) & (FormAssignment.status == "open"))
                    .exists()
                )
                if not moved or still_open or recurrence.form.retired_at is not None:
                    continue
                _assign(by, chart_id, recurrence.form, batch, today, recurrence.id)
                made[chart_id] += 1
            if made[chart_id]:
                notify_owner(chart_id)
    return sum(made.values())
