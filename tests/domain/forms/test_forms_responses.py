"""Completing a form: drafts that survive, one atomic submit, signatures, corrections."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from models.audit import verify_chain
from models.db import database
from models.errors import StateConflict
from models.forms.responses import (
    Signature, client_forms, client_response, open_form, response_for_staff, review, save_answer,
    signed_hash, start_correction, submit,
)
from models.setup import open_portal
from models.tables import AuditEvent, FormResponse, FormVersion
from models.text import InvalidInput

from ..helpers import STAFF
from .helpers import answer_all, audit_details, owner_with_library, phq9, send

BURST = 12
CHILD = r"""
import json, os, signal, sys
from pathlib import Path
from models.config import Settings
from models.records import ClientViewer
from models.setup import open_portal
from models.forms.responses import open_form, save_answer
args = json.loads(sys.argv[1])
open_portal(Settings(data_dir=Path(args["data_dir"]), database_url=args["url"]))
viewer = ClientViewer(args["account"], args["chart"], "ssh:192.0.2.7")
open_form(viewer, args["assignment"])
for question, value in args["answers"].items():
    save_answer(viewer, args["assignment"], question, value)
os.kill(os.getpid(), signal.SIGKILL)  # no clean shutdown: a dropped SSH session's process
"""


def test_a_draft_survives_a_killed_process_and_resumes_where_it_was(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    args = {"data_dir": str(portal.data_dir), "url": portal.database_url, "account": viewer.account_id,
            "chart": client.id, "assignment": assignment, "answers": {"phq9_1": 2, "phq9_2": 1, "phq9_3": 0}}
    child = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], cwd=os.getcwd(), capture_output=True, text=True, timeout=60)
    assert child.returncode == -9, child.stderr
    database.obj.close()
    open_portal(portal)  # a new process's connection
    session = open_form(viewer, assignment)
    assert dict(session.answers) == {"phq9_1": 2, "phq9_2": 1, "phq9_3": 0}
    assert session.resume_at == "phq9_4"
    assert FormResponse.select().count() == 1  # resumed, not a second draft


def test_a_draft_survives_a_new_connection_and_an_idle_logout(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "gad7")
    answer_all(viewer, assignment, {"gad7_1": 3, "gad7_2": 2})
    database.obj.close()
    open_portal(portal)
    session = open_form(viewer, assignment)
    assert session.answer("gad7_1") == 3 and session.answer("gad7_2") == 2 and session.resume_at == "gad7_3"
    overview = client_forms(viewer)
    assert [l.assignment_id for l in overview.in_progress] == [assignment]
    assert overview.in_progress[0].answered == 2 and overview.in_progress[0].total == 8


def test_an_invalid_answer_changes_nothing(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, {"phq9_1": 1})
    with pytest.raises(InvalidInput, match=r"Choose one of the answers \(0 to 3\)"):
        save_answer(viewer, assignment, "phq9_1", 7)
    with pytest.raises(InvalidInput, match="no such question"):
        save_answer(viewer, assignment, "phq9_99", 1)
    assert open_form(viewer, assignment).answer("phq9_1") == 1
    saved = save_answer(viewer, assignment, "phq9_1", "")  # clearing is allowed in a draft
    assert (saved.answered, saved.shown) == (0, "(no answer)")


def test_submit_needs_every_required_answer(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([0] * 7))
    with pytest.raises(InvalidInput, match="Moving or speaking so slowly.*before submitting \\(and 1 more\\)"):
        submit(viewer, assignment)
    lines = review(viewer, assignment)
    assert [l.question_id for l in lines if l.missing] == ["phq9_8", "phq9_9"]
    assert lines[0].group.startswith("Over the last 2 weeks")
    assert FormResponse.get().status == "draft"


def test_two_submits_at_once_make_one_response(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([1] * 9))
    barrier = threading.Barrier(BURST)
    results: list = [None] * BURST

    def run(i: int) -> None:
        with database.connection_context():
            barrier.wait()
            try:
                results[i] = submit(viewer, assignment)
            except Exception as exc:  # noqa: BLE001 - the result under test
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [r for r in results if isinstance(r, int)]
    assert len(ids) == 1, results
    assert all(isinstance(r, StateConflict) for r in results if not isinstance(r, int)), results
    assert FormResponse.select().where(FormResponse.status == "submitted").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "form.submit").count() == 1
    assert AuditEvent.select().where(AuditEvent.action == "form.alert").count() == 1  # item 9 = 1, once
    assert verify_chain().ok


def test_a_signature_records_who_how_and_a_hash_of_what_was_signed(portal, clock):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "consent_to_treatment")
    answer_all(viewer, assignment, {"questions_answered": "yes"})
    with pytest.raises(InvalidInput, match="needs your signature"):
        submit(viewer, assignment)
    with pytest.raises(InvalidInput, match="I agree"):
        submit(viewer, assignment, Signature("Jamie Rivera", agreed=False))
    with pytest.raises(InvalidInput, match="Full name is required"):
        submit(viewer, assignment, Signature("", agreed=True))
    with pytest.raises(InvalidInput, match="only invisible or control characters"):
        submit(viewer, assignment, Signature("\x1b[2J\u200b", agreed=True))
    response_id = submit(viewer, assignment, Signature("Jamie\u202e Rivera", agreed=True))
    row = FormResponse.get_by_id(response_id)
    version = FormVersion.get_by_id(row.version_id)
    assert (row.signed_name, row.signed_capacity, row.signed_source, row.signed_at) == ("Jamie Rivera", "self", "kiosk", clock.now())
    assert row.signed_hash == signed_hash(version.content_hash, {"questions_answered": True})
    sign = AuditEvent.get(AuditEvent.action == "form.sign")
    assert sign.detail == f"response {response_id} capacity self sha256 {row.signed_hash}"
    assert sign.chart == client.id and sign.actor == f"client:{viewer.account_id}"
    view = response_for_staff(STAFF, response_id)
    assert view.signature.text == "Signed by Jamie Rivera, the client, I agree"
    with pytest.raises(StateConflict, match="already submitted"):
        submit(viewer, assignment, Signature("Jamie Rivera", agreed=True))


def test_a_correction_is_a_new_response_and_the_first_stays(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "gad7")
    answer_all(viewer, assignment, {f"gad7_{n}": 0 for n in range(1, 8)})
    first = submit(viewer, assignment)
    session = start_correction(viewer, first)
    assert session.correcting == first and session.answer("gad7_1") == 0
    save_answer(viewer, assignment, "gad7_1", 3)
    second = submit(viewer, assignment)
    assert second != first
    assert response_for_staff(STAFF, first).results.scores[0].value == 0
    corrected = response_for_staff(STAFF, second)
    assert (corrected.results.scores[0].value, corrected.corrects) == (3, first)
    assert client_response(viewer, first).results is None  # the client reads answers, not scores
    assert [l.response_id for l in client_forms(viewer).completed] == [second]


def test_answers_and_scores_never_reach_the_audit_trail(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "release_of_information")
    answer_all(viewer, assignment, {
        "recipient": "Dr. Quentin Zebulon", "information": ["diagnosis"], "purpose": "legal",
        "purpose_detail": "Custody hearing", "expires_on": "12/31/2027",
    })
    submit(viewer, assignment, Signature("Jamie Rivera", agreed=True))
    [phq] = send(client.id, "phq9")
    answer_all(viewer, phq, phq9([3] * 9))
    submit(viewer, phq)
    details = audit_details()
    for secret in ("Quentin", "Zebulon", "Custody", "diagnosis", "legal", "27", "Severe", "item9", "Item 9"):
        assert secret not in details
