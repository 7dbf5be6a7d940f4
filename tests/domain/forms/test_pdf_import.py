"""Importing a PDF: fields become a form, a sheet is read and signed, hostile files are refused."""
from __future__ import annotations

import time

import pytest

from models.db import database
from models.errors import NotAllowed
from models.forms.definitions import MAX_INFO, load_definition
from models.forms.library import library_forms
from models.forms.pdf_forms import PdfRefused, import_pdf, import_sample_pdf, preview_pdf
from models.tables import ALL_TABLES, AuditEvent, FormPdf, FormResponsePdf, FormVersion

from ..helpers import STAFF, make_staff
from . import pdfkit


def _counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_TABLES}


def test_every_kind_of_field_becomes_a_field_of_the_form(portal):
    make_staff()
    data = pdfkit.fillable_pdf(pdfkit.every_kind(2), title="Intake PDF")
    preview = preview_pdf(data, filename="intake.pdf")
    assert (preview.title, preview.kind, preview.pages, preview.size_bytes) == ("Intake PDF", "form", 1, len(data))
    kinds = {line.name: (line.kind, line.label, line.choices) for line in preview.fields}
    assert kinds == {
        "text_1": ("short_text", "Question text 1", ()),
        "text_2": ("short_text", "Text 2", ()),  # no tooltip: a readable form of the name
        "multiline_1": ("long_text", "Question multiline 1", ()),
        "multiline_2": ("long_text", "Multiline 2", ()),
        "checkbox_1": ("yes_no", "Question checkbox 1", ()),
        "checkbox_2": ("yes_no", "Checkbox 2", ()),
        "radio_1": ("single_choice", "Question radio 1", ("Alpha 1", "Beta 1", "Gamma 1")),
        "radio_2": ("single_choice", "Radio 2", ("Alpha 2", "Beta 2", "Gamma 2")),
        "combo_1": ("single_choice", "Question combo 1", ("Alpha 1", "Beta 1", "Gamma 1")),
        "combo_2": ("single_choice", "Combo 2", ("Alpha 2", "Beta 2", "Gamma 2")),
        "list_1": ("single_choice", "Question list 1", ("Alpha 1", "Beta 1", "Gamma 1")),
        "list_2": ("single_choice", "List 2", ("Alpha 2", "Beta 2", "Gamma 2")),
        "multilist_1": ("multiple_choice", "Question multilist 1", ("Alpha 1", "Beta 1", "Gamma 1")),
        "multilist_2": ("multiple_choice", "Multilist 2", ("Alpha 2", "Beta 2", "Gamma 2")),
    }
    line = import_pdf(STAFF, data, title="Intake PDF", filename="intake.pdf")
    assert (line.key, line.title, line.version, line.source) == ("pdf_intake_pdf", "Intake PDF", 1, "pdf")
    definition = load_definition(FormVersion.get_by_id(line.version_id).definition)
    assert [f.kind for f in definition.fields] == [kinds[name][0] for name in kinds]
    stored = FormPdf.get(FormPdf.version == line.version_id)
    assert bytes(stored.data) == data and stored.filename == "intake.pdf"
    assert [l.key for l in library_forms()] == ["pdf_intake_pdf"]
    assert "form.pdf.import" in {e.action for e in AuditEvent.select()}


def test_importing_the_same_pdf_again_changes_nothing_and_a_changed_pdf_is_the_next_version(portal):
    data = pdfkit.fillable_pdf(pdfkit.every_kind(1))
    first = import_pdf(STAFF, data, title="Consent PDF")
    assert import_pdf(STAFF, data, title="Consent PDF") == first
    changed = import_pdf(STAFF, pdfkit.fillable_pdf(pdfkit.every_kind(2)), title="Consent PDF")
    assert (changed.form_id, changed.version) == (first.form_id, 2)
    assert FormPdf.select().count() == 2


def test_a_pdf_without_fields_is_a_sheet_to_read_and_sign(portal):
    paragraphs = ["Our office hours are 8 to 6, Monday to Friday.", "Cancel 24 hours ahead, or a fee applies."]
    data = pdfkit.sheet_pdf(paragraphs, title="Office policies")
    preview = preview_pdf(data)
    assert (preview.kind, preview.title) == ("sheet", "Office policies")
    assert "Cancel 24 hours ahead" in preview.text_excerpt
    line = import_pdf(STAFF, data, title="Office policies")
    definition = load_definition(FormVersion.get_by_id(line.version_id).definition)
    info, signature = definition.fields
    assert info.kind == "info" and "Our office hours are 8 to 6" in info.text and "Cancel 24 hours" in info.text
    assert signature.kind == "signature" and "Office policies" in signature.text


def test_a_long_sheet_is_capped_and_only_its_first_pages_are_read(portal):
    words = " ".join(f"word{n}" for n in range(400))
    data = pdfkit.sheet_pdf([words] * 200)  # ~50 pages
    started = time.perf_counter()
    line = import_pdf(STAFF, data, title="Long sheet")
    assert time.perf_counter() - started < 10
    info = load_definition(FormVersion.get_by_id(line.version_id).definition).fields[0]
    assert len(info.text) <= MAX_INFO and info.text.endswith("[The rest of the document is in the PDF.]")


def test_hostile_names_come_out_as_clean_plain_text(portal):
    preview = preview_pdf(pdfkit.hostile_names())
    for line in preview.fields:
        for text in (line.name, line.label, *line.choices):
            assert not any(ord(ch) < 32 or ch in "\x7f\u202e" for ch in text), repr(text)
    assert [l.label for l in preview.fields] == ["Your eman[/bold]", "[link=file:///etc/passwd]Click[/link]", "Ctrl"]
    assert preview.fields[2].choices == ("One", "Two")
    import_pdf(STAFF, pdfkit.hostile_names(), title="Odd names")  # publishes: the text rule made them safe


HOSTILE = {
    "not_a_pdf": "not a PDF",
    "over_20_mb": "up to 20 MB",
    "encrypted": "protected with a password",
    "open_action_javascript": "contains JavaScript",
    "names_javascript": "contains JavaScript",
    "field_action_javascript": "contains JavaScript",
    "escaped_javascript_name": "contains JavaScript",
    "launch_action": "launch action",
    "xfa_only": "XFA form",
    "too_many_fields": "more than 500 fields",
    "truncated": "damaged",
    "corrupt": "damaged",
    "deeply_nested": "damaged",
    "page_tree_loop": "damaged",
    "content_bomb": "no fillable fields and no text",
    "unfillable": "damaged",  # the trial fill at import fails, so a submit never would
}


def test_each_hostile_pdf_is_refused_with_its_reason_and_nothing_is_stored(portal):
    make_staff()
    import_pdf(STAFF, pdfkit.fillable_pdf(pdfkit.every_kind(1)), title="Good one")  # something there already
    before = _counts()
    for name, reason in HOSTILE.items():
        data = getattr(pdfkit, name)()
        started = time.process_time()  # CPU time: bounded work, whatever else the machine runs
        if name != "unfillable":
            with pytest.raises(PdfRefused, match=reason):
                preview_pdf(data)
        with pytest.raises(PdfRefused, match=reason):
            import_pdf(STAFF, data, title=f"Hostile {name}")
        assert time.process_time() - started < 15, name  # bounded work, never a hang
        assert _counts() == before, name


def test_thousands_of_pages_are_refused_quickly(portal):
    huge = pdfkit.many_pages(3000)
    started = time.process_time()  # CPU time, not wall: CI's loaded cores made 5 s of wall time 6.3
    with pytest.raises(PdfRefused, match="3,000 pages"):
        import_pdf(STAFF, huge, title="Huge")
    assert time.process_time() - started < 5
    assert FormVersion.select().count() == 0


def test_500_fields_are_taken(portal):
    line = import_pdf(STAFF, pdfkit.too_many_fields(500), title="Big form")
    assert len(load_definition(FormVersion.get_by_id(line.version_id).definition).fields) == 500


def test_only_staff_import(portal):
    from models.audit import Actor

    with pytest.raises(NotAllowed):
        import_pdf(Actor("client", "7", "kiosk"), pdfkit.fillable_pdf(pdfkit.every_kind(1)), title="Mine")
    assert FormVersion.select().count() == 0


def test_the_sample_pdf_imports_once(portal):
    first = import_sample_pdf()
    assert first is not None and first.source == "pdf"
    assert import_sample_pdf() == first
    kinds = {f.kind for f in load_definition(FormVersion.get_by_id(first.version_id).definition).fields}
    assert kinds == {"short_text", "long_text", "yes_no", "single_choice", "multiple_choice"}


def test_the_migration_makes_the_tables_the_models_describe(portal):
    for model in (FormPdf, FormResponsePdf):
        table = model._meta.table_name
        assert {c.name for c in database.get_columns(table)} == {f.column_name for f in model._meta.sorted_fields}
        assert model in ALL_TABLES
