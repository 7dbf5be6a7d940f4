"""Exporting a submitted response as a PDF: fpdf2 for our forms, the filled copy for uploaded ones."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from models.audit import Actor
from models.errors import NotAllowed
from models.forms.export import latin1, response_pdf
from models.forms.pdf_forms import filled_copy, import_pdf
from models.forms.responses import Signature, open_form, response_for_staff, submit
from models.tables import AuditEvent

from ..helpers import STAFF
from . import pdfkit
from .helpers import answer_all, owner_with_library, phq9, send


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_our_own_form_exports_its_questions_answers_scores_and_signature(portal):
    client, viewer = owner_with_library(first="José", last="Łukasz-Ōta")
    [phq, consent] = send(client.id, "phq9", "consent_to_treatment")
    answer_all(viewer, phq, phq9([1, 1, 2, 2, 3, 3, 2, 2, 1], "very"))
    phq_id = submit(viewer, phq)
    answer_all(viewer, consent, {"questions_answered": True})
    consent_id = submit(viewer, consent, Signature("José Łukasz-Ōta 😀", agreed=True))

    name, data = response_pdf(STAFF, phq_id)
    assert name == f"response-{phq_id}.pdf" and "José" not in name
    text = _text(data)
    view = response_for_staff(STAFF, phq_id)
    assert "Patient Health Questionnaire" in text or view.title.split()[0] in text
    assert f"Version {view.version}" in text and client.chart_number in text and "José ?ukasz-Ota" in text
    for line in view.lines:
        assert latin1(line.label)[:40] in " ".join(text.split()), line.label
    assert "17 of 27 - Moderately severe" in text
    assert "Flag:" in text  # item 9 above 0

    _, signed = response_pdf(STAFF, consent_id)
    text = " ".join(_text(signed).split())
    signature = response_for_staff(STAFF, consent_id).signature
    assert "Signed by José ?ukasz-Ota ?, the client: I agree" in text
    assert signature.sha256 in text
    assert AuditEvent.select().where(AuditEvent.action == "form.response.export").count() == 2


def test_an_uploaded_pdf_exports_its_filled_copy(portal):
    client, viewer = owner_with_library()
    original = pdfkit.fillable_pdf(pdfkit.every_kind(1))
    line = import_pdf(STAFF, original, title="Uploaded")
    [assignment] = send(client.id, line.key)
    answer_all(viewer, assignment, {"text_1": "Exported answer", "checkbox_1": True})
    response_id = submit(viewer, assignment)
    name, data = response_pdf(STAFF, response_id)
    assert name == f"response-{response_id}.pdf" and data == filled_copy(response_id)
    back = pdfkit.read_back(original, data)
    assert back["text_1"] == "Exported answer" and back["checkbox_1"] == "Yes"
    assert "Exported answer" in _text(data)


def test_a_sheet_exports_the_signed_summary(portal):
    client, viewer = owner_with_library()
    line = import_pdf(STAFF, pdfkit.sheet_pdf(["Read me."], title="Fees"), title="Fees")
    [assignment] = send(client.id, line.key)
    open_form(viewer, assignment)
    response_id = submit(viewer, assignment, Signature("Jamie Rivera", agreed=True))
    text = " ".join(_text(response_pdf(STAFF, response_id)[1]).split())
    assert "Fees" in text and "Signed by Jamie Rivera, the client: I agree" in text


def test_only_staff_export_and_only_submitted_responses(portal):
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "gad7")
    answer_all(viewer, assignment, {"gad7_1": 1})
    draft = open_form(viewer, assignment).response_id
    with pytest.raises(NotAllowed):
        response_pdf(STAFF, draft)
    answer_all(viewer, assignment, {f"gad7_{n}": 0 for n in range(1, 8)})
    done = submit(viewer, assignment)
    with pytest.raises(NotAllowed):
        response_pdf(Actor("client", str(viewer.account_id), "kiosk"), done)
    with pytest.raises(NotAllowed):
        response_pdf(STAFF, 99999)


def test_latin1_keeps_accents_and_replaces_what_helvetica_cannot_draw():
    assert latin1("Zoë “quoted” – Łódź 😀 日本") == 'Zoë "quoted" - ?ódz ? ??'
