"""Uploaded PDF forms: a fillable PDF becomes a form of the library.

Staff import a PDF. Its AcroForm fields become the fields of a definition
(text -> short or long text, checkbox -> yes/no, radio -> single choice,
choice -> single or multiple choice), labelled from each field's tooltip
(/TU) or its name; a PDF with no fields is an information sheet the client
reads and acknowledges (signs). The definition is published through the
library like any form (source "pdf"); the original bytes are kept beside
the version (FormPdf), with the map from the definition's ids back to the
PDF's field names. At submit, the client's answers are written into a
flattened copy of that PDF (FormResponsePdf), in the submit's transaction.

Everything about a PDF is hostile until checked: pdf_reading.py checks
and reads it (each refusal stores nothing), pdf_filling.py writes the copy.
Nothing in a PDF is executed or opened outside pypdf.

Importing under the title of an earlier import publishes the next version
of that form (its key comes from the title); the same file again changes
nothing (the file's SHA-256 is in the version's review note).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import clock
from ..audit import SYSTEM, Actor, record
from ..db import database
from ..errors import NotAllowed
from ..tables import FormPdf, FormResponsePdf
from ..text import InvalidInput, clean_name
from .definitions import DefinitionError
from .library import FormLine, publish
from .pdf_filling import fill_pdf
from .pdf_reading import DAMAGED, MAX_BYTES, ParsedPdf, PdfRefused, ascii_only, one_line, read_pdf

EXCERPT_CHARS = 600          # the preview's excerpt
SAMPLE_PDF = Path(__file__).with_name("samples") / "release_of_records.pdf"
SAMPLE_TITLE = "Release of records (PDF sample)"


@dataclass(frozen=True)
class PdfFieldLine:
    name: str                      # the PDF's field name, as plain text
    label: str                     # what the client will read
    kind: str                      # a definitions.py field kind
    choices: tuple[str, ...]


@dataclass(frozen=True)
class PdfPreview:
    title: str
    kind: str                      # "form" or "sheet"
    pages: int
    fields: tuple[PdfFieldLine, ...]
    text_excerpt: str
    size_bytes: int


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def preview_pdf(data: bytes, *, filename: str = "") -> PdfPreview:
    """What importing `data` would make; checks everything, stores nothing. Raises PdfRefused."""
    parsed = read_pdf(data, filename)
    return _preview(parsed)


def _preview(parsed: ParsedPdf) -> PdfPreview:
    if not parsed.fields:
        return PdfPreview(parsed.title, "sheet", parsed.pages,
                          (PdfFieldLine("", "Signed acknowledgement that the client has read it", "signature", ()),),
                          _excerpt(parsed.text), parsed.size)
    lines = tuple(
        PdfFieldLine(one_line(f.name, 100) or f.id, f.label, f.kind, tuple(label for _, label, _ in f.options))
        for f in parsed.fields
    )
    return PdfPreview(parsed.title, "form", parsed.pages, lines, "", parsed.size)


def _definition(parsed: ParsedPdf, title: str, filename: str) -> dict[str, Any]:
    key = "pdf_" + (re.sub(r"[^a-z0-9]+", "_", ascii_only(title).lower()).strip("_")[:50] or "form")
    note = f"Imported from a PDF ({one_line(filename, 80) or 'no file name'}, SHA-256 {parsed.sha256})."
    if not parsed.fields:
        fields: list[dict[str, Any]] = [
            {"id": "sheet", "kind": "info", "label": title, "text": parsed.text},
            {"id": "acknowledge", "kind": "signature", "label": "Acknowledgement",
             "text": f"I have read the information sheet “{title}”."},
        ]
        intro = "Please read this information sheet from the practice, then sign to say you have read it."
    else:
        fields = []
        for f in parsed.fields:
            raw: dict[str, Any] = {"id": f.id, "kind": f.kind, "label": f.label, "required": f.required}
            if f.kind in ("short_text", "long_text"):
                raw["max_length"] = f.max_length
            if f.options:
                raw["options"] = [{"value": v, "label": label} for v, label, _ in f.options]
            if f.kind == "multiple_choice":
                raw["min_choices"] = 1 if f.required else 0
            fields.append(raw)
        intro = "This form comes from a PDF of the practice; your answers are written into a copy of it."
    return {"key": key, "title": title, "kind": "form", "intro": intro, "review_note": note, "fields": fields}


def field_map(parsed: ParsedPdf) -> list[dict[str, Any]]:
    """Kept with the original: each definition id's PDF field, and the PDF's value of each choice."""
    return [
        {"id": f.id, "name": f.name, "type": f.pdf_type, "on": f.on_state,
         "values": {v: pdf_value for v, _, pdf_value in f.options},
         "labels": {v: label for v, label, _ in f.options}}
        for f in parsed.fields
    ]


def _trial_answers(parsed: ParsedPdf) -> dict[str, Any]:
    """An answer for every field, as a client could give them (the trial fill at import)."""
    answers: dict[str, Any] = {}
    for f in parsed.fields:
        if f.pdf_type == "text":
            answers[f.id] = "Answer"
        elif f.pdf_type == "check":
            answers[f.id] = True
        elif f.options:
            answers[f.id] = [f.options[0][0]] if f.kind == "multiple_choice" else f.options[0][0]
    return answers


def import_pdf(by: Actor, data: bytes, *, title: str, filename: str = "") -> FormLine:
    """Publish `data` as a new form of the library (or the next version of the form of
    that title); PdfRefused says why not, and then nothing is stored."""
    if by.kind not in ("staff", "system"):
        raise NotAllowed()
    parsed = read_pdf(data, filename)
    try:
        title = clean_name(title.strip() or parsed.title, "title")
    except InvalidInput as exc:
        raise PdfRefused(exc.message) from None
    raw = _definition(parsed, title, filename)
    mapping = field_map(parsed)
    try:  # the copy a submit will make must work before anything is kept
        fill_pdf(bytes(data), mapping, _trial_answers(parsed))
    except Exception:
        raise PdfRefused(DAMAGED) from None
    try:
        with database.atomic():
            version = publish(by, raw, source="pdf")
            if not FormPdf.select().where(FormPdf.version == version.id).exists():
                FormPdf.create(version=version, filename=one_line(filename, 200), data=bytes(data),
                               sha256=parsed.sha256, field_map=json.dumps(mapping, ensure_ascii=False),
                               created_at=clock.now())
                record(by, "form.pdf.import", detail=f"{raw['key']} v{version.number} sha256 {parsed.sha256}")
    except DefinitionError as exc:
        raise PdfRefused(f"The fields of this PDF don't make a form the portal can use ({exc.message}).") from None
    form = version.form
    return FormLine(form.id, form.key, form.title, "form", version.number, version.id, form.source,
                    form.retired_at is not None)


def import_sample_pdf(by: Actor = SYSTEM) -> FormLine | None:
    """The demo's sample fillable PDF in the library (once: again is no change). None if the file is missing."""
    if not SAMPLE_PDF.is_file():
        return None
    return import_pdf(by, SAMPLE_PDF.read_bytes(), title=SAMPLE_TITLE, filename=SAMPLE_PDF.name)



# --- the copy kept with a response ------------------------------------------------------


def keep_filled_copy(response_id: int, version_id: int, answers: dict[str, Any]) -> None:
    """At submit (inside its transaction): the filled, flattened PDF of a PDF-sourced version.

    A copy that cannot be made does not stop the submit (the answers are
    what counts, and the export falls back to a summary); it is audited.
    """
    source = FormPdf.get_or_none(FormPdf.version == version_id)
    field_map = json.loads(source.field_map) if source is not None else []
    if not field_map:
        return  # the practice's own form, or a sheet: nothing to write into (its export is the signed summary)
    try:
        data = fill_pdf(bytes(source.data), field_map, answers)
    except Exception as exc:  # pypdf on a file it read at import: not expected, never fatal here
        record(SYSTEM, "form.pdf.fill_failed", detail=f"response {response_id}: {type(exc).__name__}")
        return
    FormResponsePdf.create(response=response_id, data=data, sha256=hashlib.sha256(data).hexdigest(),
                           created_at=clock.now())


def filled_copy(response_id: int) -> bytes | None:
    row = FormResponsePdf.get_or_none(FormResponsePdf.response == response_id)
    return None if row is None else bytes(row.data)


def version_pdf(version_id: int) -> bytes | None:
    """The original PDF of a PDF-sourced version (None for the practice's own forms)."""
    row = FormPdf.get_or_none(FormPdf.version == version_id)
    return None if row is None else bytes(row.data)


__all__ = [
    "MAX_BYTES", "PdfRefused", "PdfFieldLine", "PdfPreview", "preview_pdf", "import_pdf", "import_sample_pdf",
    "filled_copy", "version_pdf", "keep_filled_copy", "field_map", "fill_pdf",
]
