"""A client reads back a form they completed: as it was asked, with the
answers and the signature line, never a score, band or risk flag; only
while they own the chart, and the read is audited."""
from __future__ import annotations

import json

import pytest

from models import chart_owner
from models.errors import NotAllowed
from models.forms.client_views import completed_form
from models.forms.library import BUILTIN_DIR, publish
from models.forms.responses import Signature, open_form, response_for_staff, submit
from models.records import ClientViewer
from models.registration import register
from models.tables import AuditEvent, FormResponse

from ..helpers import GOOD_PASSWORD, STAFF, guardian_of, last_code
from ..test_login_and_records import registered
from .helpers import answer_all, owner_with_library, phq9, send


def _text(view) -> str:
    """Everything the view would put on the client's screen."""
    return "\n".join([view.title, view.intro, view.completed, view.statement, view.signature] + [
        f"{part.heading}\n{part.text}\n" + "\n".join(f"{a.number}. {a.label}: {a.shown}" for a in part.answers)
        for part in view.parts
    ])


def test_a_signed_consent_reads_back_as_asked_with_the_signature_line(portal, clock):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "consent_to_treatment")
    answer_all(viewer, assignment, {"questions_answered": True})
    response = submit(viewer, assignment, Signature("Jamie Rivera", agreed=True))
    clock.advance(days=3)  # read back later: the times are the submit's

    view = completed_form(viewer, response)
    assert view.title == "Consent to Treatment" and view.intro.startswith("Please read this before your first session")
    assert view.completed == "Completed Fri Nov 20, 2026, 10:00 AM EST"
    info = [part for part in view.parts if part.text]
    assert [part.heading for part in info][:2] == ["What therapy is", "Your choices"]  # the text that was agreed to
    [question] = [part for part in view.parts if part.answers]
    assert [(a.number, a.label, a.shown) for a in question.answers] == [
        (1, "I have read this consent and my questions have been answered.", "Yes")
    ]
    assert view.statement.startswith("I consent to outpatient mental-health treatment")
    assert view.signature == "Signed by Jamie Rivera, the client, Fri Nov 20, 2026, 10:00 AM EST: “I agree”"


def test_a_flagged_phq9_shows_the_answers_and_no_score_band_or_flag(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([3] * 8 + [2], difficulty="very"))
    response = submit(viewer, assignment)
    staff = response_for_staff(STAFF, response)
    assert staff.results.scores[0].band == "Severe" and staff.results.flags  # what the clinician sees

    view = completed_form(viewer, response)
    [group, difficulty, crisis] = view.parts
    assert group.heading.startswith("Over the last 2 weeks")
    assert view.intro == ""  # the PHQ-9's intro is its stem: said once, not twice
    assert [a.number for a in group.answers] == list(range(1, 10))
    assert group.answers[8].label.startswith("Thoughts that you would be better off dead")
    assert group.answers[8].shown == "2 · More than half the days"
    assert difficulty.heading == "" and difficulty.answers[0].number == 10
    assert crisis.heading == "If you need help now" and "988" in crisis.text
    assert view.signature == "" and view.statement == ""  # the PHQ-9 asks for no signature
    words = _text(view)
    for clinical in ("Severe", "26 of", "of 27", "total", "Total", "flag", "answered above 0"):
        assert clinical not in words, clinical


def test_the_version_answered_is_shown_after_an_edit_of_the_form(portal):
    client, viewer = owner_with_library()
    [first] = send(client.id, "gad7")
    answer_all(viewer, first, {f"gad7_{n}": 1 for n in range(1, 8)} | {"difficulty": "somewhat"})
    old = submit(viewer, first)

    raw = json.loads((BUILTIN_DIR / "gad7.json").read_text())
    raw["title"] = "GAD-7 anxiety questionnaire"
    raw["fields"][0]["items"][0]["label"] = "Feeling nervous or on edge"
    assert publish(STAFF, raw).number == 2
    [second] = send(client.id, "gad7")
    answer_all(viewer, second, {f"gad7_{n}": 2 for n in range(1, 8)} | {"difficulty": "somewhat"})
    new = submit(viewer, second)

    before, after = completed_form(viewer, old), completed_form(viewer, new)
    assert (before.title, before.parts[0].answers[0].label, before.parts[0].answers[0].shown) == (
        "GAD-7 Generalized Anxiety Disorder scale", "Feeling nervous, anxious, or on edge", "1 · Several days")
    assert (after.title, after.parts[0].answers[0].label, after.parts[0].answers[0].shown) == (
        "GAD-7 anxiety questionnaire", "Feeling nervous or on edge", "2 · More than half the days")


def test_only_the_owner_now_reads_it_and_each_read_is_audited(portal):
    client, viewer = owner_with_library(dob="04/13/2012")
    [done, started] = send(client.id, "gad7", "phq9")
    answer_all(viewer, done, {f"gad7_{n}": 0 for n in range(1, 8)} | {"difficulty": "not_difficult"})
    response = submit(viewer, done)
    draft = open_form(viewer, started).response_id

    completed_form(viewer, response)
    read = AuditEvent.get(AuditEvent.action == "form.response.view")
    assert (read.actor, read.chart, read.detail, read.source) == (
        f"client:{viewer.account_id}", client.id, f"response {response}", "kiosk")
    with pytest.raises(NotAllowed):
        completed_form(viewer, draft)  # a draft is not a completed form

    # Another chart's owner, even naming this chart, reads nothing.
    other, other_account = registered(first="Alex", last="Stone", dob="02/02/1990", email="alex@example.com", staff=False)
    for intruder in (ClientViewer(other_account, other.id, "kiosk"), ClientViewer(other_account, client.id, "kiosk")):
        with pytest.raises(NotAllowed):
            completed_form(intruder, response)

    # A change of owner: the new owner does not read the old owner's response, nor does the old one any more.
    parent = guardian_of(client)
    chart_owner.change_ownership(STAFF, client, contact_id=parent.id)
    with pytest.raises(NotAllowed):
        completed_form(viewer, response)
    account = register(last_code(), "Rivera", "04/13/2012", GOOD_PASSWORD, GOOD_PASSWORD).account_id
    new_owner = ClientViewer(account, client.id, "kiosk")
    with pytest.raises(NotAllowed):
        completed_form(new_owner, response)
    assert AuditEvent.select().where(AuditEvent.action == "form.response.view").count() == 1
    assert FormResponse.get_by_id(response).status == "submitted"  # reading changed nothing


def test_a_revoked_owner_reads_nothing(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "gad7")
    answer_all(viewer, assignment, {f"gad7_{n}": 0 for n in range(1, 8)} | {"difficulty": "not_difficult"})
    response = submit(viewer, assignment)
    assert completed_form(viewer, response).response_id == response
    chart_owner.revoke_access(STAFF, client)
    with pytest.raises(NotAllowed):
        completed_form(viewer, response)
