"""A small writer of fillable (AcroForm) PDFs, with pypdf's generic objects.

Used to make the demo's sample form (make_sample.py) and the tests' PDFs.
Each field is one row of a page: its caption drawn as page text, its widget
to the right. Checkboxes and radio buttons carry their own appearance
streams (a box, and an "X" when on), as a PDF editor would write them; text
and choice fields get theirs when filled.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

KINDS = ("text", "multiline", "checkbox", "radio", "combo", "list", "multilist")
PAGE_W, PAGE_H = 612, 792
ROW = 30
TOP = 740
ROWS_PER_PAGE = 22

_MULTILINE = 1 << 12
_NO_TOGGLE_OFF = 1 << 14
_RADIO = 1 << 15
_COMBO = 1 << 17
_MULTI_SELECT = 1 << 21


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str                       # one of KINDS
    caption: str = ""               # printed on the page beside the field
    tooltip: str = ""               # /TU, what a reader shows as the field's label
    options: tuple[str, ...] = ()   # radio states, choice options


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _font() -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })


def _stream(writer: PdfWriter, content: str, width: float, height: float, font_ref=None):
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
    })
    if font_ref is not None:
        stream[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font_ref})
        })
    return writer._add_object(stream)


def _box(writer: PdfWriter, font_ref, on: bool):
    mark = "BT /Helv 11 Tf 3 3 Td (X) Tj ET\n" if on else ""
    return _stream(writer, f"0 g 0.5 w 0.5 0.5 13 13 re S\n{mark}", 14, 14, font_ref)


def _rect(x: float, y: float, w: float, h: float) -> ArrayObject:
    return ArrayObject([FloatObject(x), FloatObject(y), FloatObject(x + w), FloatObject(y + h)])


def _widget(page_ref, rect: ArrayObject) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): rect,
        NameObject("/P"): page_ref,
        NameObject("/F"): NumberObject(4),
    })


def _add_field(writer: PdfWriter, spec: FieldSpec, page_ref, y: float, font_ref) -> tuple[object, list]:
    """The field's object and the widget annotations to put on the page."""
    field = _widget(page_ref, _rect(300, y - 4, 260, 20))
    field[NameObject("/T")] = TextStringObject(spec.name)
    if spec.tooltip:
        field[NameObject("/TU")] = TextStringObject(spec.tooltip)
    field[NameObject("/DA")] = TextStringObject("/Helv 10 Tf 0 g")
    if spec.kind in ("text", "multiline"):
        field[NameObject("/FT")] = NameObject("/Tx")
        field[NameObject("/V")] = TextStringObject("")
        if spec.kind == "multiline":
            field[NameObject("/Ff")] = NumberObject(_MULTILINE)
        ref = writer._add_object(field)
        return ref, [ref]
    if spec.kind == "checkbox":
        field[NameObject("/FT")] = NameObject("/Btn")
        field[NameObject("/Rect")] = _rect(300, y - 2, 14, 14)
        field[NameObject("/V")] = NameObject("/Off")
        field[NameObject("/AS")] = NameObject("/Off")
        field[NameObject("/AP")] = DictionaryObject({NameObject("/N"): DictionaryObject({
            NameObject("/Yes"): _box(writer, font_ref, True), NameObject("/Off"): _box(writer, font_ref, False),
        })})
        ref = writer._add_object(field)
        return ref, [ref]
    if spec.kind == "radio":
        parent = DictionaryObject({
            NameObject("/FT"): NameObject("/Btn"),
            NameObject("/T"): TextStringObject(spec.name),
            NameObject("/Ff"): NumberObject(_RADIO | _NO_TOGGLE_OFF),
            NameObject("/V"): NameObject("/Off"),
        })
        if spec.tooltip:
            parent[NameObject("/TU")] = TextStringObject(spec.tooltip)
        parent_ref = writer._add_object(parent)
        kids = []
        for n, state in enumerate(spec.options):
            kid = _widget(page_ref, _rect(300 + 70 * n, y - 2, 14, 14))
            kid[NameObject("/Parent")] = parent_ref
            kid[NameObject("/AS")] = NameObject("/Off")
            kid[NameObject("/AP")] = DictionaryObject({NameObject("/N"): DictionaryObject({
                NameObject("/" + state): _box(writer, font_ref, True), NameObject("/Off"): _box(writer, font_ref, False),
            })})
            kids.append(writer._add_object(kid))
        parent[NameObject("/Kids")] = ArrayObject(kids)
        return parent_ref, kids
    if spec.kind in ("combo", "list", "multilist"):
        field[NameObject("/FT")] = NameObject("/Ch")
        flags = {"combo": _COMBO, "list": 0, "multilist": _MULTI_SELECT}[spec.kind]
        field[NameObject("/Ff")] = NumberObject(flags)
        field[NameObject("/Opt")] = ArrayObject(TextStringObject(o) for o in spec.options)
        ref = writer._add_object(field)
        return ref, [ref]
    raise ValueError(f"unknown field kind {spec.kind!r}")


def _page(writer: PdfWriter, lines: list[tuple[float, float, int, str]]):
    """A blank page with `lines` of text: (x, y, size, text)."""
    page = writer.add_blank_page(PAGE_W, PAGE_H)
    font_ref = writer._add_object(_font())
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font_ref})
    })
    content = "".join(f"BT /Helv {size} Tf {x} {y} Td ({_esc(text)}) Tj ET\n" for x, y, size, text in lines)
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1", "replace"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    return page, font_ref


def fillable_pdf(specs: list[FieldSpec], *, title: str = "", rows_per_page: int = ROWS_PER_PAGE) -> bytes:
    """A PDF with one row per field, `rows_per_page` to a page."""
    writer = PdfWriter()
    fields = ArrayObject()
    font_ref = None
    for start in range(0, max(len(specs), 1), rows_per_page):
        chunk = specs[start:start + rows_per_page]
        lines = [(50, TOP + 20, 14, title)] if title and start == 0 else []
        lines += [(50, TOP - ROW * n, 10, s.caption or s.name) for n, s in enumerate(chunk)]
        page, font_ref = _page(writer, lines)
        annots = ArrayObject()
        for n, spec in enumerate(chunk):
            ref, widgets = _add_field(writer, spec, page.indirect_reference, TOP - ROW * n, font_ref)
            fields.append(ref)
            annots.extend(widgets)
        if annots:
            page[NameObject("/Annots")] = annots
    if specs:
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
            NameObject("/Fields"): fields,
            NameObject("/NeedAppearances"): BooleanObject(True),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"),
            NameObject("/DR"): DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/Helv"): font_ref})}),
        })
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sheet_pdf(paragraphs: list[str], *, title: str = "") -> bytes:
    """A PDF with text and no fields (an information sheet), ~40 lines a page."""
    writer = PdfWriter()
    lines = ([title, ""] if title else []) + [line for p in paragraphs for line in (*_wrap(p), "")]
    for start in range(0, max(len(lines), 1), 40):
        _page(writer, [(50, TOP - 16 * n, 11, text) for n, text in enumerate(lines[start:start + 40]) if text])
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _wrap(text: str, width: int = 90) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])
