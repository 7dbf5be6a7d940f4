"""What the practice shares with a chart: documents, appointment requests, the ledger.

Client-side functions take the caller's account and chart and check access
on every call, so passing another chart's id gets NotAllowed, never data.
Each client view is recorded in the audit trail.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import Case, fn

from . import clock
from .chart_owner import has_access
from .audit import Actor, record
from .db import database
from .errors import NotAllowed, StateConflict
from .kiosk_views import DocumentLine, DocumentText, LedgerLine, RequestLine, Statement, format_day, format_when
from .roles import require
from .tables import AppointmentRequest, Client, Document, LedgerEntry, StaffUser
from .text import InvalidInput, clean_name, clean_text
from .timefmt import practice_zone

MODES = {"in_person": "In person", "phone": "Phone", "video": "Video"}
STATUSES = {"pending": "Pending", "approved": "Approved", "declined": "Declined", "cancelled": "Cancelled"}
MAX_AMOUNT_CENTS = 100_000_00
MAX_DOCUMENT = 200_000


@dataclass(frozen=True)
class ClientViewer:
    """A signed-in client looking at one chart."""

    account_id: int
    chart_id: int
    source: str = ""

    @property
    def actor(self) -> Actor:
        return Actor("client", str(self.account_id), self.source)

    def check(self) -> None:
        if not has_access(self.account_id, self.chart_id):
            raise NotAllowed()


def _staff(by: Actor) -> StaffUser | None:
    return StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None


# --- documents --------------------------------------------------------------


def _chart_id(client: Client | int) -> int:
    return client.id if isinstance(client, Client) else int(client)


def share_document(by: Actor, client: Client | int, title: str, body: str) -> Document:
    chart_id = _chart_id(client)
    require(by, "documents", chart_id)
    title = clean_name(title, "title")
    body = clean_text(body, "document", required=True, max_len=MAX_DOCUMENT)
    with database.atomic():
        doc = Document.create(client=chart_id, title=title, body=body, shared_at=clock.now(), shared_by=_staff(by))
        record(by, "document.share", chart=chart_id, detail=f"document {doc.id}")
    return doc


def unshare_document(by: Actor, client: Client | int, document_id: int) -> str:
    """Stop sharing a document: it leaves the client's portal at once (a reader
    who has it open keeps what is on their screen). Returns its title. The
    share is a copy of the practice's document, so it is deleted; the audit
    trail keeps that it was shared and withdrawn, and by whom."""
    chart_id = _chart_id(client)
    require(by, "documents", chart_id)
    with database.atomic():
        doc = Document.get_or_none((Document.id == document_id) & (Document.client == chart_id))
        if doc is None:
            raise StateConflict("That document is no longer shared.")
        Document.delete().where(Document.id == doc.id).execute()
        record(by, "document.unshare", chart=chart_id, detail=f"document {doc.id}")
    return doc.title


def documents_for_staff(client: Client | int) -> list[Document]:
    return list(Document.select().where(Document.client == client).order_by(Document.shared_at.desc(), Document.id.desc()))


def client_documents(viewer: ClientViewer) -> list[DocumentLine]:
    viewer.check()
    zone = practice_zone()
    docs = [
        DocumentLine(doc.id, doc.title, format_day(doc.shared_at, zone), doc.opened_at is not None)
        for doc in Document.select(Document.id, Document.title, Document.shared_at, Document.opened_at)
        .where(Document.client == viewer.chart_id)
        .order_by(Document.shared_at.desc(), Document.id.desc())
    ]
    record(viewer.actor, "document.list", chart=viewer.chart_id)
    return docs


def open_document(viewer: ClientViewer, document_id: int) -> DocumentText:
    """The client reads a document; the first read marks it opened for staff."""
    viewer.check()
    doc = Document.get_or_none((Document.id == document_id) & (Document.client == viewer.chart_id))
    if doc is None:
        raise NotAllowed()
    with database.atomic():
        if doc.opened_at is None:
            doc.opened_at = clock.now()
            Document.update(opened_at=doc.opened_at).where(Document.id == doc.id).execute()
        record(viewer.actor, "document.view", chart=viewer.chart_id, detail=f"document {doc.id}")
    return DocumentText(doc.id, doc.title, doc.body, format_when(doc.shared_at, practice_zone()), doc.opened_at)


# --- appointment requests -------------------------------------------------------


def request_appointment(viewer: ClientViewer, *, mode: str, preferred_at: dt.datetime, reason: str) -> AppointmentRequest:
    viewer.check()
    if mode not in MODES:
        raise InvalidInput("mode", "Choose in person, phone or video.")
    if preferred_at <= clock.now():
        raise InvalidInput("preferred_at", "Choose a time in the future.")
    if preferred_at > clock.now() + dt.timedelta(days=366):
        raise InvalidInput("preferred_at", "Choose a time within the next year.")
    reason = clean_text(reason, "reason", max_len=2000)
    with database.atomic():
        req = AppointmentRequest.create(
            client=viewer.chart_id,
            account=viewer.account_id,
            mode=mode,
            preferred_at=preferred_at,
            reason=reason,
            created_at=clock.now(),
        )
        record(viewer.actor, "appointment.request", chart=viewer.chart_id, detail=f"request {req.id}")
    return req


def client_requests(viewer: ClientViewer) -> list[RequestLine]:
    viewer.check()
    zone = practice_zone()
    rows = [
        RequestLine(
            req.id,
            format_when(req.preferred_at, zone),
            MODES.get(req.mode, req.mode),
            req.status,
            STATUSES.get(req.status, req.status),
            req.reason or "",
            req.practice_message or "",
        )
        for req in AppointmentRequest.select()
        .where(AppointmentRequest.client == viewer.chart_id)
        .order_by(AppointmentRequest.created_at.desc(), AppointmentRequest.id.desc())
    ]
    record(viewer.actor, "appointment.list", chart=viewer.chart_id)
    return rows


def cancel_request(viewer: ClientViewer, request_id: int) -> AppointmentRequest:
    viewer.check()
    with database.atomic():
        req = AppointmentRequest.get_or_none(
            (AppointmentRequest.id == request_id) & (AppointmentRequest.client == viewer.chart_id)
        )
        if req is None:
            raise NotAllowed()
        if req.status != "pending":
            raise StateConflict("Only a pending request can be cancelled.")
        req.status = "cancelled"
        req.decided_at = clock.now()
        req.save()
        record(viewer.actor, "appointment.cancel", chart=viewer.chart_id, detail=f"request {req.id}")
    return req


def requests_for_staff(client: Client | int) -> list[AppointmentRequest]:
    return list(
        AppointmentRequest.select()
        .where(AppointmentRequest.client == client)
        .order_by(AppointmentRequest.created_at.desc(), AppointmentRequest.id.desc())
    )


def decide_request(
    by: Actor, request: AppointmentRequest | int, *, approve: bool, message: str = "", offer: dt.datetime | None = None
) -> AppointmentRequest:
    """Approve or decline; a decline may offer another time (`offer`, naive UTC), said to the
    client in the practice's answer (they ask for it with a new request)."""
    message = clean_text(message, "message", max_len=2000)
    if offer is not None:
        if approve:
            raise InvalidInput("offer", "Another time is offered only with a decline.")
        if offer <= clock.now():
            raise InvalidInput("offer", "Offer a time in the future.")
        if offer > clock.now() + dt.timedelta(days=366):
            raise InvalidInput("offer", "Offer a time within the next year.")
        offered = f"We can offer {format_when(offer, practice_zone())} instead: ask for it in the portal, or call us."
        message = f"{message} {offered}".strip()
    request_id = request.id if isinstance(request, AppointmentRequest) else int(request)
    chart_id = AppointmentRequest.select(AppointmentRequest.client).where(AppointmentRequest.id == request_id).scalar()
    require(by, "appointments", chart_id)
    with database.atomic():
        req = AppointmentRequest.get_or_none(AppointmentRequest.id == request_id)
        if req is None:
            raise StateConflict("This request no longer exists.")
        if req.status != "pending":
            raise StateConflict("This request was already answered or cancelled.")
        req.status = "approved" if approve else "declined"
        req.practice_message = message
        req.decided_at = clock.now()
        req.decided_by = _staff(by)
        req.save()
        detail = f"request {req.id}" + (", another time offered" if offer is not None else "")
        record(by, f"appointment.{req.status}", chart=req.client_id, detail=detail)
    return req


# --- ledger -------------------------------------------------------------------

_AMOUNT = re.compile(r"^\$?\s*(\d{1,7})(?:\.(\d{1,2}))?$")


def parse_amount(typed: str) -> int:
    """'$1,234.5' -> 123450 cents. Positive amounts only; the kind gives the sign."""
    value = (typed or "").strip().replace(",", "")
    match = _AMOUNT.match(value)
    if not match:
        raise InvalidInput("amount", "Enter an amount like 125.00 (no minus sign; choose charge or payment).")
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents <= 0:
        raise InvalidInput("amount", "The amount must be more than zero.")
    if cents > MAX_AMOUNT_CENTS:
        raise InvalidInput("amount", "That amount is larger than the portal accepts ($100,000).")
    return cents


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


def add_ledger_entry(by: Actor, client: Client | int, *, kind: str, amount: str, description: str, posted_on: dt.date | None = None) -> LedgerEntry:
    if kind not in ("charge", "payment"):
        raise InvalidInput("kind", "Choose charge or payment.")
    require(by, "billing", _chart_id(client))
    cents = parse_amount(amount)
    description = clean_name(description, "description")
    with database.atomic():
        entry = LedgerEntry.create(
            client=_chart_id(client),
            kind=kind,
            amount_cents=cents,
            description=description,
            posted_on=posted_on or clock.today(),
            created_at=clock.now(),
            created_by=_staff(by),
        )
        record(by, f"ledger.{kind}", chart=_chart_id(client), detail=f"entry {entry.id}")
    return entry


def balance_cents(chart_id: int) -> int:
    """Charges minus payments."""
    signed = Case(None, [(LedgerEntry.kind == "charge", LedgerEntry.amount_cents)], LedgerEntry.amount_cents * -1)  # unary minus means DESC in peewee
    return LedgerEntry.select(fn.COALESCE(fn.SUM(signed), 0)).where(LedgerEntry.client == chart_id).scalar() or 0


def ledger_for_staff(client: Client | int) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where(LedgerEntry.client == client).order_by(LedgerEntry.posted_on.desc(), LedgerEntry.id.desc()))


def client_statement(viewer: ClientViewer) -> Statement:
    viewer.check()
    statement = Statement(balance_cents(viewer.chart_id), tuple(
        LedgerLine(entry.id, format_day(entry.posted_on), entry.description, entry.kind, entry.amount_cents)
        for entry in LedgerEntry.select()
        .where(LedgerEntry.client == viewer.chart_id)
        .order_by(LedgerEntry.posted_on.desc(), LedgerEntry.id.desc())
    ))
    record(viewer.actor, "balance.view", chart=viewer.chart_id)
    return statement
