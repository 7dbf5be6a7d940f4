"""Real PDFs for the PDF tests: fillable ones, a sheet, and hostile ones.

Fillable PDFs come from the sample's writer (models/forms/samples/acroform.py);
the hostile ones are made here with pypdf's generic objects, or as raw
bytes where pypdf would refuse to write them (deep nesting, broken trees).
`read_back` reads a flattened copy the way a person reads the paper: what
is drawn inside each original field's rectangle.
"""
from __future__ import annotations

import io
import re
import zlib

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from models.forms.samples.acroform import FieldSpec, fillable_pdf, sheet_pdf

__all__ = ["FieldSpec", "fillable_pdf", "sheet_pdf"]

KINDS = ("text", "multiline", "checkbox", "radio", "combo", "list", "multilist")
OPTIONS = ("Alpha", "Beta", "Gamma")


def every_kind(n: int = 2) -> list[FieldSpec]:
    """n fields of each kind, named <kind>_<i>, with a tooltip on the odd ones."""
    specs = []
    for kind in KINDS:
        for i in range(1, n + 1):
            options = tuple(f"{o} {i}" for o in OPTIONS) if kind in ("radio", "combo", "list", "multilist") else ()
            tooltip = f"Question {kind} {i}" if i % 2 else ""
            specs.append(FieldSpec(f"{kind}_{i}", kind, f"{kind} {i}", tooltip, options))
    return specs


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _edit(data: bytes) -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(data)))


def encrypted() -> bytes:
    writer = _edit(fillable_pdf(every_kind(1)))
    writer.encrypt("a password", algorithm="RC4-128")
    return _write(writer)


def _js_action(code: str) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(code),
    })


def open_action_javascript() -> bytes:
    writer = _edit(fillable_pdf(every_kind(1)))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js_action("app.alert('hi')"))
    return _write(writer)


def names_javascript() -> bytes:
    writer = _edit(sheet_pdf(["Some text to read."]))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(_js_action("1"))])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    return _write(writer)


def field_action_javascript() -> bytes:
    """JavaScript hidden in a field's additional actions (/AA), behind a direct-object chain."""
    writer = _edit(fillable_pdf(every_kind(1)))
    field = writer._root_object["/AcroForm"]["/Fields"][0].get_object()
    field[NameObject("/AA")] = DictionaryObject({NameObject("/K"): _js_action("event.value = 1")})
    return _write(writer)


def launch_action() -> bytes:
    writer = _edit(sheet_pdf(["Click here."]))
    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(50), NumberObject(50), NumberObject(200), NumberObject(80)]),
        NameObject("/A"): DictionaryObject({
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }),
    })
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _write(writer)


def xfa_only() -> bytes:
    writer = _edit(sheet_pdf(["Please wait... If this message is not replaced, your viewer cannot show XFA forms."]))
    template = DecodedStreamObject()
    template.set_data(b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform/></template>')
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): ArrayObject([TextStringObject("template"), writer._add_object(template)]),
    })
    return _write(writer)


def too_many_fields(n: int = 501) -> bytes:
    return fillable_pdf([FieldSpec(f"line_{i}", "text") for i in range(n)], rows_per_page=50)


def over_20_mb() -> bytes:
    head = fillable_pdf(every_kind(1))
    return head + b"%" + b"x" * (20 * 1024 * 1024 + 1 - len(head) - 1)


def not_a_pdf() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 200 + b"word/document.xml"


def truncated() -> bytes:
    data = fillable_pdf(every_kind(2))
    return data[: len(data) // 3]


def corrupt() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def raw_pdf(*objects: bytes, root: int = 1) -> bytes:
    """A PDF written byte by byte: object n+1 is objects[n]; a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _page_objects(content: bytes) -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]


def deeply_nested(depth: int = 50_000) -> bytes:
    objects = _page_objects(b"BT /F1 12 Tf 50 700 Td (Deep) Tj ET")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * depth + b"]" * depth + b" >>"
    return raw_pdf(*objects)


def escaped_javascript_name() -> bytes:
    """/J#53 is the name /JS written with a hex escape."""
    objects = _page_objects(b"BT /F1 12 Tf 50 700 Td (Hello) Tj ET")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> >>"
    return raw_pdf(*objects)


def page_tree_loop() -> bytes:
    objects = _page_objects(b"BT /F1 12 Tf 50 700 Td (Loop) Tj ET")
    objects[1] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    return raw_pdf(*objects)


def content_bomb(megabytes: int = 12) -> bytes:
    """A sheet whose page text is a small compressed stream that inflates to `megabytes` of operators."""
    inflated = b"BT /F1 12 Tf 50 700 Td (Bomb) Tj ET\n" + b"0 0 m " * (megabytes * 1024 * 1024 // 6)
    packed = zlib.compress(inflated, 9)
    objects = _page_objects(b"")
    objects[3] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return raw_pdf(*objects)


def many_pages(n: int) -> bytes:
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(612, 792)
    return _write(writer)


def hostile_names() -> bytes:
    """Field names and tooltips with escape sequences, controls, bidi overrides and Rich markup."""
    return fillable_pdf([
        FieldSpec("evil\x1b[31mname", "text", tooltip="\x1b]0;pwned\x07Your \u202eeman[/bold]"),
        FieldSpec("[bold red]markup[/]", "checkbox", tooltip="[link=file:///etc/passwd]Click[/link]"),
        FieldSpec("ctrl\x00\x07", "radio", options=("One\x1b[2J", "Two")),
    ])


# --- reading a flattened copy back ------------------------------------------------------


def _strings(stream: bytes) -> str:
    """The text shown by a content stream's Tj operators (WinAnsi, with PDF escapes)."""
    found = []
    for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, flags=re.S):
        raw = re.sub(rb"\\([\\()])", rb"\1", raw)
        found.append(raw.decode("cp1252", "replace"))
    return "\n".join(found)


def read_back(original: bytes, flattened: bytes) -> dict[str, str]:
    """{field name: what the flattened copy draws in its place}: text for text and
    choice fields, the state whose box is ticked for a checkbox or radio ("Off" when none)."""
    source = PdfReader(io.BytesIO(original))
    copy = PdfReader(io.BytesIO(flattened))
    assert "/AcroForm" not in copy.trailer["/Root"], "a flattened copy has no form left"
    found: dict[str, str] = {}
    for number, page in enumerate(source.pages):
        target = copy.pages[number]
        assert not [a for a in target.get("/Annots") or [] if a.get_object().get("/Subtype") == "/Widget"]
        xobjects = target["/Resources"].get("/XObject", {})
        drawn = {}
        contents = target["/Contents"].get_object()
        data = b"".join(c.get_object().get_data() for c in contents) if isinstance(contents, list) else contents.get_data()
        for x, y, name in re.findall(rb"q [\d.]+ 0 0 [\d.]+ ([-\d.]+) ([-\d.]+) cm (/PortalFlat\d+) Do", data):
            drawn[(round(float(x)), round(float(y)))] = xobjects[name.decode()].get_object().get_data()
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            field = annot if "/T" in annot else annot["/Parent"].get_object()
            name = str(field["/T"])
            rect = [float(v) for v in annot["/Rect"]]
            shown = _strings(drawn.get((round(rect[0]), round(rect[1])), b""))
            if field["/FT"] == "/Btn":
                on = [str(s)[1:] for s in annot["/AP"]["/N"] if s != "/Off"]
                if shown == "X":
                    found[name] = on[0]
                else:
                    found.setdefault(name, "Off")
            else:
                found[name] = shown
    return found
