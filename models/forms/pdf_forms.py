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

Everything about a PDF is hostile until checked. The checks run in this
order and each refusal stores nothing: the size (before parsing), the
header, pypdf parsing it at all (any pypdf error is a refusal), encryption,
active content anywhere in the document (JavaScript, launch actions,
embedded files, rich media), XFA-only forms, more than 500 fields. Work is
bounded: pypdf runs with tighter decompression and parsing limits and never
calls an outside program (jbig2dec), the object walk has a budget, text is
read from the first pages only. Nothing in a PDF is executed or opened
outside pypdf; only pypdf reads it.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .. import clock
from ..audit import SYSTEM, Actor, record
from ..db import database
from ..errors import DomainError, NotAllowed
from ..tables import FormPdf, FormResponsePdf, FormVersion
from ..text import InvalidInput, clean_name, fold, plain_lines, spaced_lines
from .definitions import MAX_INFO, MAX_LONG, MAX_SHORT, DefinitionError
from .library import FormLine, publish

# pypdf reports what it repairs through logging; a TUI must not print to stderr.
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_BYTES = 20 * 1024 * 1024
MAX_PDF_FIELDS = 500
MAX_PAGES = 1000
MAX_CHOICES = 500
MAX_OBJECTS = 250_000        # the walk for active content stops (and refuses) past this
MAX_DEPTH = 32               # field tree depth
EXCERPT_PAGES = 20           # pages whose text is read
PAGE_CONTENT_BYTES = 2_000_000    # a page drawing more than this is not read for text
TEXT_CONTENT_BYTES = 8_000_000    # nor more than this in all
EXCERPT_CHARS = 600          # the preview's excerpt
SAMPLE_PDF = Path(__file__).with_name("samples") / "release_of_records.pdf"
SAMPLE_TITLE = "Release of records (PDF sample)"

# pypdf's own limits, tighter (a 20 MB file needs nothing near 75 MB streams),
# and no outside decoder program for JBIG2 images.
_PYPDF_LIMITS = dict(
    jbig2dec_binary=None,
    maximum_declared_stream_length=40_000_000,
    zlib_maximum_output_length=40_000_000,
    lzw_maximum_output_length=40_000_000,
    run_length_maximum_output_length=40_000_000,
    brotli_maximum_output_length=40_000_000,
    array_based_stream_maximum_output_length=40_000_000,
    stream_decoding_work_maximum_length=80_000_000,
    stream_parsing_work_maximum_count=200_000,
    page_tree_maximum_entries=20_000,
    form_fields_maximum_entries=5_000,
    outline_maximum_entries=10_000,
    xform_maximum_invocations_per_extraction=500,
    xfa_decoding_work_maximum_length=40_000_000,
)

# Flags of a field's /Ff (PDF 32000-1, 12.7.3 and 12.7.4).
_READ_ONLY, _REQUIRED = 1, 2
_MULTILINE = 1 << 12
_PUSHBUTTON, _RADIO = 1 << 16, 1 << 15
_FILE_SELECT = 1 << 20
_COMBO, _MULTI_SELECT = 1 << 17, 1 << 21
_HIDDEN_ANNOT = 2

# Keys and action types that make a PDF do something when opened or clicked.
_ACTIVE_KEYS = {
    "/JS": "it contains JavaScript",
    "/JavaScript": "it contains JavaScript",
    "/Launch": "it has a launch action (it would open another program or file)",
    "/EmbeddedFile": "it carries embedded files",
    "/EmbeddedFiles": "it carries embedded files",
    "/RichMedia": "it contains rich media (Flash or video)",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "it contains JavaScript",
    "/Launch": "it has a launch action (it would open another program or file)",
    "/RichMediaExecute": "it contains rich media (Flash or video)",
}


class PdfRefused(DomainError):
    """The PDF cannot be used; `.message` says why, in plain words. Nothing was stored."""


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


@dataclass(frozen=True)
class _Field:
    """One answerable AcroForm field, checked."""

    id: str
    name: str                      # fully qualified, as the PDF spells it (to fill it back)
    pdf_type: str                  # text, check, radio, choice
    kind: str
    label: str
    required: bool
    max_length: int = 0
    options: tuple[tuple[str, str, str], ...] = ()   # (our value id, label, the PDF's value)
    on_state: str = ""             # a checkbox's "on" appearance state


@dataclass(frozen=True)
class _Parsed:
    title: str
    pages: int
    fields: tuple[_Field, ...]
    text: str
    size: int
    sha256: str


# --- reading a PDF, bounded -------------------------------------------------------------


@contextmanager
def _guarded() -> Iterator[None]:
    from pypdf import apply_configuration

    with apply_configuration(**_PYPDF_LIMITS):
        yield


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _open(data: bytes):
    from pypdf import PdfReader

    if len(data) > MAX_BYTES:
        raise PdfRefused(f"This file is {_mb(len(data))}; the portal takes PDF files up to 20 MB.")
    if b"%PDF-" not in data[:1024]:
        raise PdfRefused("This file is not a PDF. Choose a PDF file (its name usually ends in .pdf).")
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise PdfRefused("This PDF is protected with a password (encrypted). Save a copy without the "
                         "password and import that.")
    reader.root_object  # noqa: B018 - a PDF with no readable catalog fails here, not later
    return reader


def _active_content(reader) -> None:
    """Walk every object reachable from the trailer; refuse active content."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack: list[Any] = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise PdfRefused("This PDF is too complex for the portal to check, so it can't be used.")
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _ACTIVE_KEYS:
                    raise PdfRefused(f"This PDF can't be used: {_ACTIVE_KEYS[key]}. The portal never runs "
                                     "anything inside a PDF; ask for a plain version of the form.")
                if key == "/S" and value in _ACTIVE_ACTIONS:
                    raise PdfRefused(f"This PDF can't be used: {_ACTIVE_ACTIONS[value]}. The portal never runs "
                                     "anything inside a PDF; ask for a plain version of the form.")
                if key not in ("/Parent", "/P"):  # reached from above anyway
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _resolved(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _text_of(value: Any) -> str:
    """A PDF string or name as text ('' for anything else)."""
    value = _resolved(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if isinstance(value, str) else ""


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_INDEX = re.compile(r"\[\d+\]")


def _one_line(raw: str, limit: int = 300) -> str:
    """Plain one-line text under the text rule, at most `limit` characters ('' if nothing readable)."""
    value = " ".join(spaced_lines(plain_lines(raw[: limit * 4])).split())
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value if fold(value) else ""


def _readable_name(name: str) -> str:
    """'patient.firstName[0]' -> 'First name'."""
    last = _INDEX.sub("", name).split(".")[-1] or name
    words = _CAMEL.sub(" ", last).replace("_", " ").replace("-", " ")
    words = " ".join(words.split()).lower()
    return _one_line(words[:1].upper() + words[1:])


def _slug(raw: str, taken: set[str], fallback: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold_ascii(raw).lower()).strip("_")[:50] or fallback
    found, n = base, 2
    while found in taken:
        found = f"{base[:46]}_{n}"
        n += 1
    taken.add(found)
    return found


def fold_ascii(raw: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")


def _states(widgets: list) -> list[str]:
    """The "on" appearance states of a button's widgets, in order ('/Off' left out)."""
    from pypdf.generic import DictionaryObject

    found: list[str] = []
    for widget in widgets:
        ap = _resolved(widget.get("/AP"))
        normal = _resolved(ap.get("/N")) if isinstance(ap, DictionaryObject) else None
        if isinstance(normal, DictionaryObject) and not hasattr(normal, "get_data"):
            for state in normal.keys():
                if state != "/Off" and state not in found:
                    found.append(str(state))
    return found


def _choice_options(node) -> list[tuple[str, str]]:
    """(the PDF's value, label) of a choice field's /Opt."""
    from pypdf.generic import ArrayObject

    opts = _resolved(node.get("/Opt"))
    found: list[tuple[str, str]] = []
    if not isinstance(opts, ArrayObject):
        return found
    for item in list(opts)[: MAX_CHOICES + 1]:
        item = _resolved(item)
        if isinstance(item, ArrayObject) and len(item) >= 2:
            found.append((_text_of(item[0]), _text_of(item[1])))
        else:
            found.append((_text_of(item), _text_of(item)))
    return found


def _terminal_fields(reader) -> list[tuple[str, Any, list, str, int]]:
    """(qualified name, field dict, its widgets, /FT, /Ff) of each terminal field, bounded."""
    from pypdf.generic import ArrayObject, DictionaryObject

    acro = _resolved(reader.root_object.get("/AcroForm"))
    if not isinstance(acro, DictionaryObject):
        return []
    top = _resolved(acro.get("/Fields"))
    if not isinstance(top, ArrayObject):
        return []
    found: list[tuple[str, Any, list, str, int]] = []
    names: set[str] = set()
    seen: set[int] = set()
    stack = [(ref, "", "", 0, 0) for ref in reversed(list(top))]
    while stack:
        ref, prefix, ft, ff, depth = stack.pop()
        node = _resolved(ref)
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise PdfRefused("This PDF's fields are nested too deeply for the portal to read.")
        partial = _text_of(node.get("/T"))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        ft = str(_resolved(node.get("/FT")) or ft)
        own_ff = _resolved(node.get("/Ff"))
        ff = own_ff if isinstance(own_ff, int) else ff
        kids = _resolved(node.get("/Kids"))
        kids = [_resolved(k) for k in kids] if isinstance(kids, ArrayObject) else []
        named_kids = [k for k in kids if isinstance(k, DictionaryObject) and "/T" in k]
        if named_kids:
            stack.extend((k, name, ft, ff, depth + 1) for k in reversed(named_kids))
            continue
        if not name or name in names:
            continue  # a field with no name cannot be filled; one name is one field
        names.add(name)
        widgets = [k for k in kids if isinstance(k, DictionaryObject)] or [node]
        found.append((name, node, widgets, ft, ff))
        if len(found) > MAX_PDF_FIELDS:
            raise PdfRefused(f"This PDF has more than {MAX_PDF_FIELDS} fields; the portal takes at most "
                             f"{MAX_PDF_FIELDS}. Split it into smaller forms.")
    return found


def _xfa(reader) -> bool:
    from pypdf.generic import DictionaryObject

    acro = _resolved(reader.root_object.get("/AcroForm"))
    return isinstance(acro, DictionaryObject) and "/XFA" in acro


def _fields(reader) -> list[_Field]:
    taken: set[str] = {"sheet", "acknowledge"}
    fields: list[_Field] = []
    for n, (name, node, widgets, ft, ff) in enumerate(_terminal_fields(reader), start=1):
        if ff & _READ_ONLY:
            continue  # filled in by the practice; nothing for the client to answer
        label = _one_line(_text_of(node.get("/TU"))) or _readable_name(name) or f"Field {n}"
        required = bool(ff & _REQUIRED)
        common = dict(name=name, label=label, required=required)
        if ft == "/Tx" and not ff & _FILE_SELECT:
            kind = "long_text" if ff & _MULTILINE else "short_text"
            limit = MAX_LONG if kind == "long_text" else MAX_SHORT
            max_len = _resolved(node.get("/MaxLen"))
            max_len = max_len if isinstance(max_len, int) and 0 < max_len <= limit else limit
            fields.append(_Field(_slug(name, taken, f"field_{n}"), pdf_type="text", kind=kind, max_length=max_len, **common))
        elif ft == "/Btn" and not ff & _PUSHBUTTON:
            states = _states(widgets)[:MAX_CHOICES + 1]
            if not states:
                continue  # a button with no appearance to show its answer
            if not ff & _RADIO and len(states) == 1:
                fields.append(_Field(_slug(name, taken, f"field_{n}"), pdf_type="check", kind="yes_no",
                                     on_state=states[0], **common))
                continue
            labels = _opt_labels(node, states)
            fields.append(_choice_field(name, taken, n, "radio", "single_choice", [(s, labels[s]) for s in states], common))
        elif ft == "/Ch":
            kind = "multiple_choice" if ff & _MULTI_SELECT else "single_choice"
            fields.append(_choice_field(name, taken, n, "choice", kind, _choice_options(node), common))
    return [f for f in fields if f is not None and (f.pdf_type in ("text", "check") or f.options)]


def _opt_labels(node, states: list[str]) -> dict[str, str]:
    """A radio's labels: its /Opt entries when its states are indexes into them, else the state names."""
    opts = [label for _, label in _choice_options(node)]
    labels = {}
    for state in states:
        bare = state.lstrip("/")
        labels[state] = opts[int(bare)] if bare.isdigit() and int(bare) < len(opts) else bare.replace("_", " ")
    return labels


def _choice_field(name, taken, n, pdf_type, kind, raw_options, common) -> _Field:
    if len(raw_options) > MAX_CHOICES:
        raise PdfRefused(f"A field of this PDF ({_one_line(name, 60) or n}) has more than {MAX_CHOICES} choices; "
                         "the portal can't offer that many.")
    values: set[str] = set()
    options = []
    seen_pdf: set[str] = set()
    for pdf_value, label in raw_options:
        shown = _one_line(label, 200) or _one_line(_readable_name(pdf_value), 200)
        if not shown or pdf_value in seen_pdf:
            continue  # a blank or unreadable entry ("", "-") is no answer
        seen_pdf.add(pdf_value)
        options.append((_slug(shown, values, f"option_{len(options) + 1}"), shown, pdf_value))
    return _Field(_slug(name, taken, f"field_{n}"), pdf_type=pdf_type, kind=kind, options=tuple(options), **common)


def _page_text(reader, pages: int) -> str:
    parts = []
    budget = TEXT_CONTENT_BYTES
    for page in list(reader.pages)[: min(pages, EXCERPT_PAGES)]:
        try:
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
            if size > min(PAGE_CONTENT_BYTES, budget):
                continue  # parsing its drawing would take long; a real text page is far smaller
            budget -= size
            parts.append(page.extract_text() or "")
        except Exception:  # a page pypdf cannot read adds no text; the rest still counts
            continue
        if sum(len(p) for p in parts) > MAX_INFO * 2:
            break
    text = plain_lines("\n\n".join(parts))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    cap = MAX_INFO - 200
    if len(text) > cap:
        text = text[:cap].rsplit(" ", 1)[0] + "\n\n[The rest of the document is in the PDF.]"
    return text


def _title(reader, filename: str) -> str:
    try:
        meta = reader.metadata
        raw = _text_of(meta.get("/Title")) if meta else ""
    except Exception:
        raw = ""
    return _one_line(raw, 100) or _one_line(Path(filename).stem.replace("_", " "), 100) or "Uploaded form"


def _parse(data: bytes, filename: str) -> _Parsed:
    """Every check of the module docstring; PdfRefused for each refusal, and for any pypdf failure."""
    if not isinstance(data, (bytes, bytearray)):
        raise PdfRefused("This file is not a PDF.")
    data = bytes(data)
    try:
        with _guarded():
            reader = _open(data)
            _active_content(reader)
            pages = len(reader.pages)
            if pages > MAX_PAGES:
                raise PdfRefused(f"This PDF has {pages:,} pages; the portal takes at most {MAX_PAGES:,}.")
            fields = _fields(reader)
            if not fields and _xfa(reader):
                raise PdfRefused("This is an XFA form (made with Adobe LiveCycle Designer), which the portal "
                                 "can't read. Save it as a standard fillable PDF (AcroForm) and import that.")
            text = "" if fields else _page_text(reader, pages)
            if not fields and not text:
                raise PdfRefused("This PDF has no fillable fields and no text the portal can show (it may be a "
                                 "scanned image), so there is nothing for a client to fill in or read.")
            title = _title(reader, filename)
    except PdfRefused:
        raise
    except Exception:  # pypdf's errors, and limits it hit: never a crash, always a reason
        raise PdfRefused("This PDF is damaged or in a form the portal can't read safely, so it can't be used. "
                         "Try saving it again from the program that made it.") from None
    return _Parsed(title, pages, tuple(fields), text, len(data), hashlib.sha256(data).hexdigest())


# --- the public API -----------------------------------------------------------------------


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def preview_pdf(data: bytes, *, filename: str = "") -> PdfPreview:
    """What importing `data` would make; checks everything, stores nothing. Raises PdfRefused."""
    parsed = _parse(data, filename)
    return _preview(parsed)


def _preview(parsed: _Parsed) -> PdfPreview:
    if not parsed.fields:
        return PdfPreview(parsed.title, "sheet", parsed.pages,
                          (PdfFieldLine("", "I have read this information sheet", "signature", ()),),
                          _excerpt(parsed.text), parsed.size)
    lines = tuple(
        PdfFieldLine(_one_line(f.name, 100) or f.id, f.label, f.kind, tuple(label for _, label, _ in f.options))
        for f in parsed.fields
    )
    return PdfPreview(parsed.title, "form", parsed.pages, lines, "", parsed.size)


def _definition(parsed: _Parsed, title: str, filename: str) -> dict[str, Any]:
    key = "pdf_" + (re.sub(r"[^a-z0-9]+", "_", fold_ascii(title).lower()).strip("_")[:50] or "form")
    note = f"Imported from a PDF ({_one_line(filename, 80) or 'no file name'}, SHA-256 {parsed.sha256})."
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


def _field_map(parsed: _Parsed) -> list[dict[str, Any]]:
    return [
        {"id": f.id, "name": f.name, "type": f.pdf_type, "on": f.on_state,
         "values": {v: pdf_value for v, _, pdf_value in f.options}}
        for f in parsed.fields
    ]


def import_pdf(by: Actor, data: bytes, *, title: str, filename: str = "") -> FormLine:
    """Publish `data` as a new form of the library (or the next version of the form of
    that title); PdfRefused says why not, and then nothing is stored."""
    if by.kind not in ("staff", "system"):
        raise NotAllowed()
    parsed = _parse(data, filename)
    try:
        title = clean_name(title or parsed.title, "title")
    except InvalidInput as exc:
        raise PdfRefused(exc.message) from None
    raw = _definition(parsed, title, filename)
    field_map = _field_map(parsed)
    fill_pdf(bytes(data), field_map, {})  # the copy a submit will make: it must work before anything is kept
    try:
        with database.atomic():
            version = publish(by, raw, source="pdf")
            if not FormPdf.select().where(FormPdf.version == version.id).exists():
                FormPdf.create(version=version, filename=_one_line(filename, 200), data=bytes(data),
                               sha256=parsed.sha256, field_map=json.dumps(field_map, ensure_ascii=False),
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


# --- filling the copy kept with a response -------------------------------------------


def _pdf_values(field_map: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """What each PDF field shows: text, a button state, or a choice's labels as text."""
    values: dict[str, Any] = {}
    for f in field_map:
        answer = answers.get(f["id"])
        if f["type"] == "text":
            values[f["name"]] = "" if answer is None else str(answer)
        elif f["type"] == "check":
            values[f["name"]] = f["on"] if answer is True else "/Off"
        elif f["type"] == "radio":
            values[f["name"]] = f["values"].get(answer, "/Off") if answer is not None else "/Off"
        else:
            picked = answer if isinstance(answer, list) else ([] if answer is None else [answer])
            values[f["name"]] = ", ".join(f["values"].get(v, str(v)) for v in picked)
    return values


def _as_combos(writer, names: set[str]) -> None:
    """Choice fields drawn as their chosen values' text (a list box would draw every option)."""
    from pypdf.generic import NameObject, NumberObject

    for page in writer.pages:
        for annot in _resolved(page.get("/Annots")) or []:
            annot = _resolved(annot)
            field = annot if "/T" in annot else _resolved(annot.get("/Parent"))
            if field is None or field.get("/FT") != "/Ch":
                continue
            if writer._get_qualified_field_name(parent=field) in names:
                field[NameObject("/Ff")] = NumberObject(_COMBO)
                field.pop("/I", None)


def _flatten(writer) -> None:
    """Each widget's appearance drawn into its page, then widgets and the form removed.

    pypdf's own flatten names every drawing after its field, so the buttons
    of one radio group all drew the first button's appearance; here each
    widget draws its own, placed by its /Rect as PDF 32000-1 12.5.5 says.
    """
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    for page in writer.pages:
        annots = _resolved(page.get("/Annots"))
        if not annots:
            continue
        resources = _resolved(page.get("/Resources"))
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        xobjects = _resolved(resources.get("/XObject"))
        if not isinstance(xobjects, DictionaryObject):
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        drawing = []
        for n, annot in enumerate(annots):
            annot = _resolved(annot)
            if annot.get("/Subtype") != "/Widget" or int(annot.get("/F", 0)) & _HIDDEN_ANNOT:
                continue
            normal = _resolved((_resolved(annot.get("/AP")) or {}).get("/N"))
            if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
                normal = _resolved(normal.get(annot.get("/AS", "/Off")))
            if not isinstance(normal, StreamObject):
                continue
            rect = [float(v) for v in annot["/Rect"]]
            box = [float(v) for v in normal.get("/BBox", [0, 0, rect[2] - rect[0], rect[3] - rect[1]])]
            sx = (rect[2] - rect[0]) / (box[2] - box[0]) if box[2] != box[0] else 1
            sy = (rect[3] - rect[1]) / (box[3] - box[1]) if box[3] != box[1] else 1
            name = NameObject(f"/PortalFlat{n}")
            xobjects[name] = writer._add_object(normal)
            x, y = min(rect[0], rect[2]) - sx * box[0], min(rect[1], rect[3]) - sy * box[1]
            drawing.append(f"q {sx:.4f} 0 0 {sy:.4f} {x:.4f} {y:.4f} cm {name} Do Q")
        if not drawing:
            continue
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(("\nQ\n" + "\n".join(drawing) + "\n").encode("ascii"))
        contents = page.get("/Contents")
        parts = list(_resolved(contents)) if isinstance(_resolved(contents), ArrayObject) else (
            [] if contents is None else [contents if hasattr(contents, "idnum") else writer._add_object(contents)])
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *parts, writer._add_object(after)])
    writer.remove_annotations(subtypes="/Widget")
    writer._root_object.pop("/AcroForm", None)  # else readers find fields with no widgets (see LIBRARY-NOTES)


def fill_pdf(original: bytes, field_map: list[dict[str, Any]], answers: dict[str, Any]) -> bytes:
    """A flattened copy of `original` showing `answers` (ids of the definition)."""
    from pypdf import PdfReader, PdfWriter

    with _guarded():
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original), strict=False))
        if field_map:
            values = _pdf_values(field_map, answers)
            _as_combos(writer, {f["name"] for f in field_map if f["type"] == "choice"})
            writer.update_page_form_field_values(None, values, auto_regenerate=False, flatten=False)
        _flatten(writer)
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


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
    "PdfRefused", "PdfFieldLine", "PdfPreview", "preview_pdf", "import_pdf", "import_sample_pdf",
    "filled_copy", "version_pdf", "keep_filled_copy",
]
