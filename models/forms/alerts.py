"""Risk alerts: a flag raised by a response's scoring rules, until acknowledged.

An alert is made in the transaction that submits the response, and an
email with no clinical detail (no client, no form, no answer) goes to whoever
`alert_recipients` names: the chart's clinician, or the practice's address. It stays at the top of the work queue until a
staff member acknowledges it with a note; the acknowledgement is audited
(the note itself stays in the alert row, out of the audit detail).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from .. import clock
from ..audit import Actor, record
from ..db import database
from ..errors import NotFound, StateConflict
from ..outbox import enqueue
from ..practice import get_practice
from ..roles import require
from ..tables import Client, Form, FormAlert, FormAssignment, FormResponse, StaffUser
from ..text import clean_text
from .scoring import Flag

MAX_NOTE = 2000


@dataclass(frozen=True)
class AlertLine:
    """One alert for the work queue and the chart room (staff only)."""

    alert_id: int
    chart_id: int
    chart_number: str
    client_name: str
    form_title: str
    response_id: int
    label: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    note: str

    @property
    def open(self) -> bool:
        return self.acknowledged_at is None


def alert_recipients(chart_id: int) -> list[tuple[str, str]]:
    """Who is emailed about a chart's alert: (address, name).

    The chart's clinician when they are active with an email on file (models/
    staff_accounts.py); else the practice's address, if set; else no one (the
    alert still stands in the work queue).
    """
    clinician = (
        StaffUser.select(StaffUser.email, StaffUser.full_name)
        .join(Client, on=(Client.clinician == StaffUser.id))
        .where((Client.id == chart_id) & (StaffUser.active == True) & (StaffUser.email != ""))  # noqa: E712
        .tuples()
        .first()
    )
    if clinician is not None:
        return [clinician]
    practice = get_practice()
    return [(practice.email, practice.name)] if practice.email else []


def raise_alerts(by: Actor, response: FormResponse, flags: tuple[Flag, ...]) -> list[int]:
    """Store an alert per flag and queue the emails; call inside the submit's transaction."""
    if not flags:
        return []
    now = clock.now()
    made = []
    for flag in flags:
        alert = FormAlert.create(response=response, client=response.client_id, flag=flag.id, label=flag.label, created_at=now)
        record(by, "form.alert", chart=response.client_id, detail=f"alert {alert.id} response {response.id}")
        made.append(alert.id)
    practice = get_practice()
    for addr, name in alert_recipients(response.client_id):
        context = {"practice_name": practice.name, "practice_phone": practice.phone, "to_name": name}
        enqueue("forms_alert", addr, name, context)  # no client link: the row names no chart either
    return made


def acknowledge_alert(by: Actor, alert_id: int, note: str) -> AlertLine:
    """Staff have seen the alert and say what was done; audited."""
    note = clean_text(note, "note", required=True, max_len=MAX_NOTE)
    staff = StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None
    if staff is None:
        raise StateConflict("Only a staff member can acknowledge an alert.")
    chart_id = FormAlert.select(FormAlert.client).where(FormAlert.id == alert_id).scalar()
    if chart_id is not None:
        require(by, "clinical", chart_id)
    with database.atomic():
        alert = FormAlert.get_or_none(FormAlert.id == alert_id)
        if alert is None:
            raise NotFound("That alert does not exist.")
        done = (
            FormAlert.update(acknowledged_at=clock.now(), acknowledged_by=staff, note=note)
            .where((FormAlert.id == alert_id) & FormAlert.acknowledged_at.is_null())
            .execute()
        )
        if not done:
            raise StateConflict("This alert was already acknowledged.")
        record(by, "form.alert.ack", chart=alert.client_id, detail=f"alert {alert_id}")
    return _lines(FormAlert.id == alert_id)[0]


def _lines(condition, *, limit: int | None = None, order=None) -> list[AlertLine]:
    query = (
        FormAlert.select(FormAlert, Client, FormResponse, FormAssignment, Form, StaffUser)
        .join(Client, on=(FormAlert.client == Client.id))
        .switch(FormAlert)
        .join(FormResponse, on=(FormAlert.response == FormResponse.id))
        .join(FormAssignment, on=(FormResponse.assignment == FormAssignment.id))
        .join(Form, on=(FormAssignment.form == Form.id))
        .switch(FormAlert)
        .join(StaffUser, JOIN.LEFT_OUTER, on=(FormAlert.acknowledged_by == StaffUser.id))
        .where(condition)
        .order_by(*(order or (FormAlert.created_at, FormAlert.id)))
    )
    if limit:
        query = query.limit(limit)
    return [
        AlertLine(
            a.id, a.client.id, a.client.chart_number, a.client.full_name, a.response.assignment.form.title,
            a.response.id, a.label, a.created_at, a.acknowledged_at,
            a.acknowledged_by.full_name if a.acknowledged_by_id else "", a.note,
        )
        for a in query
    ]


def alert_queue(*, acknowledged_limit: int = 20) -> list[AlertLine]:
    """The work queue's alerts: every unacknowledged one first (oldest first,
    so none is buried), then the most recently acknowledged."""
    waiting = _lines(FormAlert.acknowledged_at.is_null())
    seen = _lines(
        FormAlert.acknowledged_at.is_null(False), limit=acknowledged_limit,
        order=(FormAlert.acknowledged_at.desc(), FormAlert.id.desc()),
    )
    return waiting + seen


def chart_alerts(chart_id: int) -> list[AlertLine]:
    """A chart's alerts, unacknowledged first."""
    lines = _lines(FormAlert.client == chart_id)
    return [a for a in lines if a.open] + [a for a in reversed(lines) if not a.open]
