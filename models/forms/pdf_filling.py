"""Writing a client's answers into a flattened copy of an uploaded PDF.

pypdf sets the values and makes the text fields' appearances; the copy is
then flattened here: each widget's appearance drawn into its page, the
widgets and the form removed, so the copy reads as paper and nothing in it
can be edited. (pypdf's own flatten names each drawing after its field, so
every button of a radio group drew the first button's appearance.)
"""
from __future__ import annotations

import io
from typing import Any

from .pdf_reading import guarded, resolved

_COMBO = 1 << 17
_HIDDEN_ANNOT = 2


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
            values[f["name"]] = ", ".join(f.get("labels", {}).get(v, str(v)) for v in picked)  # as the client read them
    return values


def _as_combos(writer, names: set[str]) -> None:
    """Choice fields drawn as their chosen values' text (a list box would draw every option)."""
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    for page in writer.pages:
        for annot in resolved(page.get("/Annots")) or []:
            annot = resolved(annot)
            if not isinstance(annot, DictionaryObject):
                continue
            field = annot if "/T" in annot else resolved(annot.get("/Parent"))
            if not isinstance(field, DictionaryObject) or field.get("/FT") != "/Ch":
                continue
            if writer._get_qualified_field_name(parent=field) in names:
                field[NameObject("/Ff")] = NumberObject(_COMBO)
                field.pop("/I", None)


def _flatten(writer) -> None:
    """Each widget's own appearance drawn into its page, placed by its /Rect
    (PDF 32000-1 12.5.5); then the widgets and the form removed."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    for page in writer.pages:
        annots = resolved(page.get("/Annots"))
        if not annots:
            continue
        resources = resolved(page.get("/Resources"))
        if not isinstance(resources, DictionaryObject):
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        xobjects = resolved(resources.get("/XObject"))
        if not isinstance(xobjects, DictionaryObject):
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        drawing = []
        for n, annot in enumerate(annots):
            annot = resolved(annot)
            if not isinstance(annot, DictionaryObject) or annot.get("/Subtype") != "/Widget":
                continue
            if int(annot.get("/F", 0)) & _HIDDEN_ANNOT:
                continue
            normal = resolved((resolved(annot.get("/AP")) or {}).get("/N"))
            if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
                normal = resolved(normal.get(annot.get("/AS", "/Off")))
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
        parts = list(resolved(contents)) if isinstance(resolved(contents), ArrayObject) else (
            [] if contents is None else [contents if hasattr(contents, "idnum") else writer._add_object(contents)])
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *parts, writer._add_object(after)])
    writer.remove_annotations(subtypes="/Widget")
    writer._root_object.pop("/AcroForm", None)  # else readers find fields with no widgets (see LIBRARY-NOTES)


def fill_pdf(original: bytes, field_map: list[dict[str, Any]], answers: dict[str, Any]) -> bytes:
    """A flattened copy of `original` showing `answers` (ids of the definition)."""
    from pypdf import PdfReader, PdfWriter

    with guarded():
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original), strict=False))
        if field_map:
            values = _pdf_values(field_map, answers)
            _as_combos(writer, {f["name"] for f in field_map if f["type"] == "choice"})
            writer.update_page_form_field_values(None, values, auto_regenerate=False, flatten=False)
        _flatten(writer)
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()

