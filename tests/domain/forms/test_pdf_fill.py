"""A response to an uploaded PDF: the answers written into a flattened copy, kept with the response."""
from __future__ import annotations

import io

from pypdf import PdfReader

from models.forms.definitions import load_definition
from models.forms.pdf_forms import filled_copy, import_pdf
from models.forms.responses import Signature, submit
from models.tables import AuditEvent, FormResponse, FormResponsePdf, FormVersion

from ..helpers import STAFF
from . import pdfkit
from .helpers import answer_all, owner_with_library, send


def _answers(version_id: int) -> tuple[dict, dict]:
    """(what the client answers, by question id; what the PDF must then show, by field name)."""
    definition = load_definition(FormVersion.get_by_id(version_id).definition)
    given, shown = {}, {}
    for field in definition.fields:
        q = field.questions[0]
        name = q.id  # the sample's field names are already ids
        if q.kind == "short_text":
            given[q.id], shown[name] = f"Zoë {q.id} (café)", f"Zoë {q.id} (café)"
        elif q.kind == "long_text":
            given[q.id], shown[name] = f"First line\nSecond {q.id}", f"First line\nSecond {q.id}"
        elif q.kind == "yes_no":
            yes = q.id.endswith("1")
            given[q.id], shown[name] = yes, "Yes" if yes else "Off"
        elif q.kind == "single_choice":
            given[q.id] = q.options[1].value
            shown[name] = q.options[1].label
        elif q.kind == "multiple_choice":
            given[q.id] = [q.options[0].value, q.options[2].value]
            shown[name] = f"{q.options[0].label}, {q.options[2].label}"
    return given, shown


def test_answers_are_written_into_a_flattened_copy_and_read_back(portal):
    client, viewer = owner_with_library()
    original = pdfkit.fillable_pdf(pdfkit.every_kind(2), title="Every kind")
    line = import_pdf(STAFF, original, title="Every kind")
    [assignment] = send(client.id, line.key)
    given, shown = _answers(line.version_id)
    answer_all(viewer, assignment, given)
    response_id = submit(viewer, assignment)

    copy = filled_copy(response_id)
    assert copy is not None and FormResponsePdf.select().count() == 1
    back = pdfkit.read_back(original, copy)
    assert len(back) == 14
    for name, value in back.items():
        assert value.replace("#20", " ") == shown[name], name
    reader = PdfReader(io.BytesIO(copy))
    assert reader.get_fields() is None  # flattened: nothing left to edit
    assert "Zoë text_1 (café)" in reader.pages[0].extract_text()


def test_unanswered_optional_fields_stay_blank(portal):
    client, viewer = owner_with_library()
    original = pdfkit.fillable_pdf(pdfkit.every_kind(1))
    line = import_pdf(STAFF, original, title="Mostly blank")
    [assignment] = send(client.id, line.key)
    answer_all(viewer, assignment, {"text_1": "Only this"})
    back = pdfkit.read_back(original, filled_copy(submit(viewer, assignment)))
    assert back["text_1"] == "Only this"
    assert back["checkbox_1"] == back["radio_1"] == "Off"
    assert back["combo_1"] == back["list_1"] == back["multilist_1"] == back["multiline_1"] == ""


def test_a_sheet_is_signed_and_keeps_no_copy(portal):
    client, viewer = owner_with_library()
    line = import_pdf(STAFF, pdfkit.sheet_pdf(["Please read this."], title="Policies"), title="Policies")
    [assignment] = send(client.id, line.key)
    answer_all(viewer, assignment, {})
    response_id = submit(viewer, assignment, Signature("Jamie Rivera", agreed=True))
    assert FormResponse.get_by_id(response_id).signed_name == "Jamie Rivera"
    assert filled_copy(response_id) is None  # nothing was filled in; the export is the signed summary


def test_a_copy_that_cannot_be_made_does_not_stop_the_submit(portal, monkeypatch):
    from models.forms import pdf_forms

    client, viewer = owner_with_library()
    line = import_pdf(STAFF, pdfkit.fillable_pdf(pdfkit.every_kind(1)), title="Breaks later")
    [assignment] = send(client.id, line.key)
    answer_all(viewer, assignment, {"text_1": "x"})

    def broken(*args):
        raise ValueError("pypdf failed")

    monkeypatch.setattr(pdf_forms, "fill_pdf", broken)
    response_id = submit(viewer, assignment)
    assert FormResponse.get_by_id(response_id).status == "submitted" and filled_copy(response_id) is None
    assert AuditEvent.select().where(AuditEvent.action == "form.pdf.fill_failed").count() == 1
