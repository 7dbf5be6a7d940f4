"""A submitted response as a PDF file, for staff to keep or print.

The practice's own forms are written with fpdf2: each question and answer
as that version asked it, the scores, bands and flags, and the signature
line with its SHA-256. A response to an uploaded PDF is the filled,
flattened copy made at submit (pdf_forms.py); if that copy could not be
made, the same summary stands in for it.

fpdf2's core fonts (Helvetica) cover Latin-1 only and there is no bundled
Unicode font, so other characters are written as their closest Latin-1
form (a letter without its accent) or "?"; the stored answers keep them.
"""
from __future__ import annotations

import unicodedata

from .. import clock
from ..audit import Actor, record
from ..errors import NotAllowed
from ..practice import get_practice
from ..tables import Client, FormResponse
from ..timefmt import long_datetime
from .pdf_forms import filled_copy
from .responses import CAPACITY_LABELS, ResponseView, response_for_staff

# Typography outside Latin-1 that has a plain equivalent.
_PLAIN = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "\u00b7", "\u00a0": " ",
})


def latin1(text: str) -> str:
    """`text` as Helvetica can draw it: Latin-1, else the letter without its marks, else '?'."""
    text = text.translate(_PLAIN)
    out = []
    for ch in text:
        if ch in "\n\t" or (ch.isprintable() and ord(ch) < 256):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 and c.isprintable() for c in base) else "?")
    return "".join(out)


def response_pdf(by: Actor, response_id: int) -> tuple[str, bytes]:
    """(a file name with no client name in it, the PDF) of a submitted response; staff only."""
    if by.kind != "staff":
        raise NotAllowed()
    view = response_for_staff(by, response_id)  # NotAllowed for a draft or an unknown id; audited
    record(by, "form.response.export", chart=view.chart_id, detail=f"response {response_id}")
    name = f"response-{response_id}.pdf"
    filled = filled_copy(response_id)
    if filled is not None:
        return name, filled
    return name, _summary(view)


def _summary(view: ResponseView) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    practice = get_practice()
    client = Client.get_by_id(view.chart_id)
    response = FormResponse.get_by_id(view.response_id)
    zone = practice.time_zone
    pdf = FPDF(format="letter")
    pdf.set_creation_date(clock.now().replace(tzinfo=__import__("datetime").timezone.utc))
    pdf.set_title(latin1(f"{view.title} (version {view.version})"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()

    def line(text: str, size: float = 10, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    line(practice.name, 9)
    line(view.title, 16, "B", 1)
    line(f"Version {view.version}", 9, gap=4)
    line(f"Chart {client.chart_number}: {client.first_name} {client.last_name}", 11, "B")
    if view.submitted_at is not None:
        line(f"Submitted {long_datetime(view.submitted_at, zone)}", 9)
    if view.corrects:
        line(f"This response corrects response {view.corrects}.", 9)
    pdf.ln(3)

    stem = None
    for item in view.lines:
        if item.group and item.group != stem:
            line(item.group, 10, "B", 1)
        stem = item.group or None
        line(item.label, 10, "B" if not item.group else "", 0.5)
        line(item.shown, 10, gap=3)

    results = view.results
    if results is not None and (results.scores or results.flags):
        pdf.ln(2)
        line("Scores", 12, "B")
        for score in results.scores:
            value = "not scored (an item was not answered)" if score.value is None else f"{score.value} of {score.maximum}"
            band = f" - {score.band}" if score.band else ""
            line(f"{score.label}: {value}{band}")
        for flag in results.flags:
            line(f"Flag: {flag.label}", 10, "B")

    signature = view.signature
    pdf.ln(2)
    if signature is not None:
        line("Signature", 12, "B")
        line(f"Signed by {signature.name}, {CAPACITY_LABELS.get(signature.capacity, signature.capacity)}: I agree")
        line(f"{long_datetime(signature.at, zone)}, from {signature.source or 'unknown'}")
        line(f"SHA-256 of what was signed: {signature.sha256}", 8)
    elif response.signed_at is None:
        line("This form has no signature.", 9)
    return bytes(pdf.output())
