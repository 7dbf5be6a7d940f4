"""Reading an uploaded PDF, every check first: what pdf_forms.py imports.

The checks run in this order, and each refusal is a PdfRefused with a reason
a receptionist understands: the size (before parsing), the header, pypdf
parsing it at all (any pypdf error is a refusal, never a crash), encryption,
active content anywhere in the document (JavaScript, launch actions,
embedded files, rich media), more than 500 fields or 1,000 pages, XFA-only
forms. Work is bounded: pypdf runs with tighter decompression and parsing
limits and never calls an outside program (jbig2dec), the object walk has a
budget, text is read from the first pages of sane size only. Every name,
tooltip and option passes the text rule. Nothing here stores anything.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import DomainError
from ..text import fold, plain_lines, spaced_lines
from .definitions import MAX_INFO, MAX_LONG, MAX_SHORT

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
_MULTI_SELECT = 1 << 21

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


DAMAGED = ("This PDF is damaged or in a form the portal can't read safely, so it can't be used. "
           "Try saving it again from the program that made it.")


class PdfRefused(DomainError):
    """The PDF cannot be used; `.message` says why, in plain words. Nothing was stored."""


@dataclass(frozen=True)
class PdfField:
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
class ParsedPdf:
    title: str
    pages: int
    fields: tuple[PdfField, ...]
    text: str
    size: int
    sha256: str


# --- reading a PDF, bounded -------------------------------------------------------------


@contextmanager
def guarded() -> Iterator[None]:
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


def resolved(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def _text_of(value: Any) -> str:
    """A PDF string or name as text ('' for anything else)."""
    value = resolved(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if isinstance(value, str) else ""


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_INDEX = re.compile(r"\[\d+\]")


def one_line(raw: str, limit: int = 300) -> str:
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
    return one_line(words[:1].upper() + words[1:])


def _slug(raw: str, taken: set[str], fallback: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", ascii_only(raw).lower()).strip("_")[:50] or fallback
    found, n = base, 2
    while found in taken:
        found = f"{base[:46]}_{n}"
        n += 1
    taken.add(found)
    return found


def ascii_only(raw: str) -> str:
    return unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")


def _states(widgets: list) -> list[str]:
    """The "on" appearance states of a button's widgets, in order ('/Off' left out)."""
    from pypdf.generic import DictionaryObject

    found: list[str] = []
    for widget in widgets:
        ap = resolved(widget.get("/AP"))
        normal = resolved(ap.get("/N")) if isinstance(ap, DictionaryObject) else None
        if isinstance(normal, DictionaryObject) and not hasattr(normal, "get_data"):
            for state in normal.keys():
                if state != "/Off" and state not in found:
                    found.append(str(state))
    return found


def _choice_options(node) -> list[tuple[str, str]]:
    """(the PDF's value, label) of a choice field's /Opt."""
    from pypdf.generic import ArrayObject

    opts = resolved(node.get("/Opt"))
    found: list[tuple[str, str]] = []
    if not isinstance(opts, ArrayObject):
        return found
    for item in list(opts)[: MAX_CHOICES + 1]:
        item = resolved(item)
        if isinstance(item, ArrayObject) and len(item) >= 2:
            found.append((_text_of(item[0]), _text_of(item[1])))
        else:
            found.append((_text_of(item), _text_of(item)))
    return found


def _terminal_fields(reader) -> list[tuple[str, Any, list, str, int]]:
    """(qualified name, field dict, its widgets, /FT, /Ff) of each terminal field, bounded."""
    from pypdf.generic import ArrayObject, DictionaryObject

    acro = resolved(reader.root_object.get("/AcroForm"))
    if not isinstance(acro, DictionaryObject):
        return []
    top = resolved(acro.get("/Fields"))
    if not isinstance(top, ArrayObject):
        return []
    found: list[tuple[str, Any, list, str, int]] = []
    names: set[str] = set()
    seen: set[int] = set()
    stack = [(ref, "", "", 0, 0) for ref in reversed(list(top))]
    while stack:
        ref, prefix, ft, ff, depth = stack.pop()
        node = resolved(ref)
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise PdfRefused("This PDF's fields are nested too deeply for the portal to read.")
        partial = _text_of(node.get("/T"))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        ft = str(resolved(node.get("/FT")) or ft)
        own_ff = resolved(node.get("/Ff"))
        ff = own_ff if isinstance(own_ff, int) else ff
        kids = resolved(node.get("/Kids"))
        kids = [resolved(k) for k in kids] if isinstance(kids, ArrayObject) else []
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

    acro = resolved(reader.root_object.get("/AcroForm"))
    return isinstance(acro, DictionaryObject) and "/XFA" in acro


def _fields(reader) -> list[PdfField]:
    taken: set[str] = {"sheet", "acknowledge"}
    fields: list[PdfField] = []
    for n, (name, node, widgets, ft, ff) in enumerate(_terminal_fields(reader), start=1):
        if ff & _READ_ONLY:
            continue  # filled in by the practice; nothing for the client to answer
        label = one_line(_text_of(node.get("/TU"))) or _readable_name(name) or f"Field {n}"
        required = bool(ff & _REQUIRED)
        common = dict(name=name, label=label, required=required)
        if ft == "/Tx" and not ff & _FILE_SELECT:
            kind = "long_text" if ff & _MULTILINE else "short_text"
            limit = MAX_LONG if kind == "long_text" else MAX_SHORT
            max_len = resolved(node.get("/MaxLen"))
            max_len = max_len if isinstance(max_len, int) and 0 < max_len <= limit else limit
            fields.append(PdfField(_slug(name, taken, f"field_{n}"), pdf_type="text", kind=kind, max_length=max_len, **common))
        elif ft == "/Btn" and not ff & _PUSHBUTTON:
            states = _states(widgets)[:MAX_CHOICES + 1]
            if not states:
                continue  # a button with no appearance to show its answer
            if not ff & _RADIO and len(states) == 1:
                fields.append(PdfField(_slug(name, taken, f"field_{n}"), pdf_type="check", kind="yes_no",
                                     on_state=states[0], **common))
                continue
            labels = _opt_labels(node, states)
            fields.append(_choice_field(name, taken, n, "radio", "single_choice", [(s, labels[s]) for s in states], common))
        elif ft == "/Ch":
            kind = "multiple_choice" if ff & _MULTI_SELECT else "single_choice"
            fields.append(_choice_field(name, taken, n, "choice", kind, _choice_options(node), common))
    return [f for f in fields if f.pdf_type in ("text", "check") or f.options]


def _opt_labels(node, states: list[str]) -> dict[str, str]:
    """A radio's labels: its /Opt entries when its states are indexes into them, else the state names."""
    opts = [label for _, label in _choice_options(node)]
    labels = {}
    for state in states:
        bare = state.lstrip("/")
        labels[state] = opts[int(bare)] if bare.isdigit() and int(bare) < len(opts) else bare.replace("_", " ")
    return labels


def _choice_field(name, taken, n, pdf_type, kind, raw_options, common) -> PdfField:
    if len(raw_options) > MAX_CHOICES:
        raise PdfRefused(f"A field of this PDF ({one_line(name, 60) or n}) has more than {MAX_CHOICES} choices; "
                         "the portal can't offer that many.")
    values: set[str] = set()
    options = []
    seen_pdf: set[str] = set()
    for pdf_value, label in raw_options:
        shown = one_line(label, 200) or one_line(_readable_name(pdf_value), 200)
        if not shown or pdf_value in seen_pdf:
            continue  # a blank or unreadable entry ("", "-") is no answer
        seen_pdf.add(pdf_value)
        options.append((_slug(shown, values, f"option_{len(options) + 1}"), shown, pdf_value))
    return PdfField(_slug(name, taken, f"field_{n}"), pdf_type=pdf_type, kind=kind, options=tuple(options), **common)


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
    return one_line(raw, 100) or one_line(Path(filename).stem.replace("_", " "), 100) or "Uploaded form"


def read_pdf(data: bytes, filename: str) -> ParsedPdf:
    """Every check of the module docstring; PdfRefused for each refusal, and for any pypdf failure."""
    if not isinstance(data, (bytes, bytearray)):
        raise PdfRefused("This file is not a PDF.")
    data = bytes(data)
    try:
        with guarded():
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
        raise PdfRefused(DAMAGED) from None
    return ParsedPdf(title, pages, tuple(fields), text, len(data), hashlib.sha256(data).hexdigest())

