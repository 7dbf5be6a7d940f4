"""Sending forms: one email per sending that names no form, and recurrences on the clock."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models.chart_owner import activate_access
from models.errors import StateConflict
from models.forms.assignments import (
    cancel_assignment, run_due_recurrences, send_package, start_recurrence, stop_recurrence,
)
from models.forms.library import sync_builtin_forms
from models.forms.responses import client_forms, open_form, save_answer, submit
from models.mail.render import render_parts
from models.practice import update_practice
from models.tables import FormAssignment, OutboxMessage
from models.text import InvalidInput

from ..helpers import STAFF, make_chart, make_staff
from .helpers import answer_all, owner_with_library, phq9, send

CLINICAL = ("PHQ", "GAD", "Consent", "consent", "Demographics", "Privacy", "depress", "anxi", "questionnaire", "intake")


def forms_mail() -> list[OutboxMessage]:
    return list(OutboxMessage.select().where(OutboxMessage.kind == "forms_due").order_by(OutboxMessage.id))


def test_a_package_is_five_forms_and_one_email_with_nothing_clinical(portal, clock):
    update_practice(name="Maple Grove Counseling", phone="(555) 010-3000")
    client, viewer = owner_with_library()
    sent = send_package(STAFF, client.id, "new_client_intake", due_on=clock.now().date() + dt.timedelta(days=3))
    assert len(sent.assignment_ids) == 5 and sent.emailed
    [mail] = forms_mail()
    assert (mail.to_addr, mail.client_id) == ("jamie@example.com", client.id)
    context = json.loads(mail.context)
    parts = render_parts("forms_due", context)
    assert parts.subject == "You have forms to complete for Maple Grove Counseling"
    for text in (parts.subject, parts.text, parts.html, mail.context):
        for word in CLINICAL:
            assert word not in text, (word, text)
    assert len({a.batch for a in FormAssignment.select()}) == 1
    titles = [l.title for l in client_forms(viewer).to_do]
    assert len(titles) == 5 and all(l.due_on == clock.now().date() + dt.timedelta(days=3) for l in client_forms(viewer).to_do)


def test_forms_sent_with_an_email_of_their_own_send_no_second(portal):
    client, _ = owner_with_library()
    sent = send_package(STAFF, client.id, "new_client_intake", notify=False)
    assert len(sent.assignment_ids) == 5 and not sent.emailed and forms_mail() == []


def test_an_owner_still_invited_gets_no_second_email(portal):
    make_staff()
    client = make_chart()
    activate_access(STAFF, client)
    sync_builtin_forms()
    sent = send_package(STAFF, client.id, "new_client_intake")
    assert not sent.emailed and forms_mail() == []
    assert OutboxMessage.select().where(OutboxMessage.kind == "invitation").count() == 1


def test_a_due_date_in_the_past_or_no_form_is_refused(portal, clock):
    client, _ = owner_with_library()
    with pytest.raises(InvalidInput, match="cannot be in the past"):
        send(client.id, "phq9", due_on=clock.now().date() - dt.timedelta(days=1))
    with pytest.raises(InvalidInput, match="at least one form"):
        send(client.id)
    assert FormAssignment.select().count() == 0 and forms_mail() == []


def test_phq9_every_two_weeks_until_stopped(portal, clock):
    client, viewer = owner_with_library()
    recurrence = start_recurrence(STAFF, client.id, "phq9", every_days=14)
    assert FormAssignment.select().count() == 1 and len(forms_mail()) == 1
    [first] = [a.id for a in FormAssignment.select()]
    answer_all(viewer, first, phq9([0] * 9))
    submit(viewer, first)

    clock.advance(days=13, hours=13)  # 11 PM the day before, at the practice (the UTC date is already the due date)
    assert run_due_recurrences() == 0
    clock.advance(hours=1)
    assert run_due_recurrences() == 1
    assert run_due_recurrences() == 0  # the same day again: nothing more
    assert len(forms_mail()) == 2
    second = FormAssignment.select().order_by(FormAssignment.id.desc()).first()
    assert (second.due_on, second.recurrence_id) == (dt.date(2026, 12, 4), recurrence)

    clock.advance(days=14)  # the second is still open: no pile of PHQ-9s
    assert run_due_recurrences() == 0 and FormAssignment.select().count() == 2
    answer_all(viewer, second.id, phq9([1] * 9))
    submit(viewer, second.id)
    clock.advance(days=14)
    assert run_due_recurrences() == 1

    stop_recurrence(STAFF, recurrence)
    clock.advance(days=60)
    assert run_due_recurrences() == 0 and FormAssignment.select().count() == 3
    with pytest.raises(StateConflict):
        stop_recurrence(STAFF, recurrence)


def test_a_recurrence_interval_is_checked(portal):
    client, _ = owner_with_library()
    for bad in (0, 400, "14", True):
        with pytest.raises(InvalidInput, match="Repeat every 1 to 366 days"):
            start_recurrence(STAFF, client.id, "phq9", every_days=bad)


def test_a_withdrawn_form_leaves_the_clients_list(portal):
    client, viewer = owner_with_library()
    [keep, withdraw] = send(client.id, "phq9", "gad7")
    answer_all(viewer, withdraw, {f"gad7_{n}": 0 for n in range(1, 8)})
    cancel_assignment(STAFF, withdraw)
    assert [l.assignment_id for l in client_forms(viewer).to_do] == [keep]
    for call in (lambda: open_form(viewer, withdraw), lambda: save_answer(viewer, withdraw, "gad7_1", 1), lambda: submit(viewer, withdraw)):
        with pytest.raises(StateConflict, match="withdrew this form"):
            call()
    with pytest.raises(StateConflict):
        cancel_assignment(STAFF, withdraw)


def test_due_runs_at_once_make_one_assignment(portal, clock):
    from ..test_concurrent_limits import burst

    client, viewer = owner_with_library()
    recurrence = start_recurrence(STAFF, client.id, "phq9", every_days=7)
    first = FormAssignment.get(FormAssignment.recurrence == recurrence)
    answer_all(viewer, first.id, phq9([0] * 9))
    submit(viewer, first.id)
    clock.advance(days=7)
    results = burst(8, lambda i: run_due_recurrences())
    assert sorted(results) == [0] * 7 + [1], results
    assert FormAssignment.select().count() == 2 and len(forms_mail()) == 2
