"""A client reads and answers only the forms of charts they own now."""
from __future__ import annotations

import pytest

from models import chart_owner
from models.errors import NotAllowed
from models.forms.responses import (
    Signature, chart_drafts, chart_forms, draft_for_staff, client_forms, client_response, open_form, review, save_answer,
    start_correction, submit,
)
from models.records import ClientViewer
from models.registration import register
from models.tables import FormResponse

from ..helpers import GOOD_PASSWORD, STAFF, guardian_of, last_code
from ..test_login_and_records import registered
from .helpers import answer_all, owner_with_library, phq9, send


def test_another_charts_forms_are_refused(portal):
    mine, viewer = owner_with_library()
    other, other_account = registered(first="Alex", last="Stone", dob="02/02/1990", email="alex@example.com", staff=False)
    [theirs] = send(other.id, "phq9")
    [own] = send(mine.id, "phq9")
    for call in (
        lambda: open_form(viewer, theirs),
        lambda: save_answer(viewer, theirs, "phq9_1", 1),
        lambda: review(viewer, theirs),
        lambda: submit(viewer, theirs),
    ):
        with pytest.raises(NotAllowed):
            call()
    # Naming the other chart does not help: the account does not own it.
    intruder = ClientViewer(viewer.account_id, other.id, "kiosk")
    with pytest.raises(NotAllowed):
        client_forms(intruder)
    with pytest.raises(NotAllowed):
        open_form(intruder, theirs)
    answer_all(ClientViewer(other_account, other.id), theirs, phq9([0] * 9))
    response = submit(ClientViewer(other_account, other.id), theirs)
    with pytest.raises(NotAllowed):
        client_response(viewer, response)
    with pytest.raises(NotAllowed):
        start_correction(viewer, response)
    assert [l.assignment_id for l in client_forms(viewer).to_do] == [own]


def test_a_revoked_owner_loses_an_open_form_at_once_and_staff_keep_the_draft(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, {"phq9_1": 2})
    chart_owner.revoke_access(STAFF, client)
    for call in (
        lambda: save_answer(viewer, assignment, "phq9_2", 1),
        lambda: submit(viewer, assignment),
        lambda: open_form(viewer, assignment),
        lambda: client_forms(viewer),
        lambda: review(viewer, assignment),
    ):
        with pytest.raises(NotAllowed):
            call()
    [(draft_id, draft_assignment, _)] = chart_drafts(client.id)
    assert draft_assignment == assignment
    assert FormResponse.get_by_id(draft_id).answers == '{"phq9_1":2}'
    kept = draft_for_staff(STAFF, draft_id)
    assert (kept.submitted_at, kept.lines[0].shown, kept.lines[1].shown) == (None, "2 · More than half the days", "(no answer)")


def test_a_new_owner_does_not_see_the_old_owners_draft_or_responses(portal):
    client, old = owner_with_library(dob="04/13/2012")
    [done, open_one] = send(client.id, "gad7", "phq9")
    answer_all(old, done, {f"gad7_{n}": 1 for n in range(1, 8)})
    submitted = submit(old, done)
    answer_all(old, open_one, {"phq9_1": 3, "phq9_2": 3})

    parent = guardian_of(client)
    chart_owner.change_ownership(STAFF, client, contact_id=parent.id)
    account = register(last_code(), "Rivera", "04/13/2012", GOOD_PASSWORD, GOOD_PASSWORD).account_id
    new = ClientViewer(account, client.id, "kiosk")

    with pytest.raises(NotAllowed):
        save_answer(old, open_one, "phq9_3", 1)
    overview = client_forms(new)
    assert [l.assignment_id for l in overview.to_do] == [open_one]
    assert overview.to_do[0].answered == 0 and overview.in_progress == () and overview.completed == ()
    with pytest.raises(NotAllowed):
        client_response(new, submitted)
    session = open_form(new, open_one)
    assert session.answers == () and session.capacity == "parent"
    # Staff see both drafts: the former owner's is kept, not handed on.
    assert len(chart_drafts(client.id)) == 2
    assert {l.state for l in chart_forms(client.id)} == {"completed", "in_progress"}

    answer_all(new, open_one, phq9([0] * 9))
    response = submit(new, open_one)
    assert [l.response_id for l in client_forms(new).completed] == [response]


def test_a_case_worker_owner_cannot_sign(portal):
    client, _ = owner_with_library()
    from models.charts import add_contact

    worker = add_contact(STAFF, client, first_name="Casey", last_name="Worker", relationship="case_worker", email="casey@example.org")
    chart_owner.change_ownership(STAFF, client, contact_id=worker.id)
    account = register(last_code(), "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD).account_id
    viewer = ClientViewer(account, client.id)
    [assignment] = send(client.id, "privacy_notice_ack")
    answer_all(viewer, assignment, {"received": True})
    with pytest.raises(Exception, match="Only the client, a parent or a legal guardian"):
        submit(viewer, assignment, Signature("Casey Worker", agreed=True))


def test_a_revoke_during_submits_either_comes_first_or_waits(portal):
    from models.errors import StateConflict

    from ..test_concurrent_limits import burst

    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([1] * 9))  # item 9: the submit also writes an alert

    def attempt(i: int):
        if i == 0:
            return chart_owner.revoke_access(STAFF, client.id)
        return submit(viewer, assignment) if i % 2 else save_answer(viewer, assignment, "phq9_1", 2)

    results = burst(8, attempt)
    unexpected = [r for r in results[1:] if isinstance(r, Exception) and not isinstance(r, (NotAllowed, StateConflict))]
    assert not unexpected and not isinstance(results[0], Exception), results  # no deadlock, no error
    submitted = FormResponse.select().where(FormResponse.status == "submitted").count()
    assert submitted == sum(isinstance(r, int) for r in results[1:]) <= 1
    with pytest.raises(NotAllowed):
        save_answer(viewer, assignment, "phq9_1", 0)
