"""Read-only views the staff workstation shows: list pages, the chart room's tabs, delivery words.

The staff screens call these instead of writing queries, from a worker
thread, and hold only what comes back: frozen dataclasses made for the
screen, never Peewee rows (a row held by a widget goes stale, and reading a
relation on it queries on the UI thread). Nothing here changes data or
imports Textual.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from . import clock
from .audit import Actor
from .chart_owner import Action, Candidate, OwnerState, OwnerStatus, is_pending, owner_states
from .charts import PAGE_SIZE, get_chart, search_charts
from .roles import OWN_CHARTS, RULES, chart_scope, permissions_of, require
from .tables import Client, Invitation, LoginSession, OutboxMessage
from .timefmt import practice_zone


@dataclass(frozen=True)
class ChartView:
    """A chart's demographics, as the chart room's header and Overview show them."""

    id: int
    chart_number: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    email: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def of(cls, c: Client) -> "ChartView":
        return cls(c.id, c.chart_number, c.first_name, c.last_name, c.date_of_birth, c.email or "", c.phone or "")


def chart_view(by: Actor, chart_id: int) -> ChartView:
    """The chart's header, opening it: NotFound if it does not exist, NotAllowed
    (audited) if it is not one of a clinician's charts."""
    chart = get_chart(chart_id)
    require(by, "charts", chart.id)
    return ChartView.of(chart)


@dataclass(frozen=True)
class InvitationView:
    """An invitation as staff see it: the sender's name is read with it, not later."""

    id: int
    email: str
    sent_at: dt.datetime
    sender: str          # "" when the system sent it
    expires_at: dt.datetime
    locked_at: dt.datetime | None
    outcome: str

    @classmethod
    def of(cls, inv: Invitation, now: dt.datetime) -> "InvitationView":
        # sent_by is joined by owner_states / invitation_history; no query here.
        sender = inv.sent_by.full_name if inv.sent_by_id and inv.sent_by else ""
        return cls(inv.id, inv.email, inv.sent_at, sender, inv.expires_at, inv.locked_at, invitation_outcome(inv, now))


@dataclass(frozen=True)
class OwnerView:
    """What the Chart Owner box draws: the owner state, frozen, with its email's delivery."""

    status: OwnerStatus
    tag: str
    actions: tuple[Action, ...]
    owner_name: str = ""
    relationship: str = ""
    email: str = ""
    contact_id: int | None = None
    granted_at: dt.datetime | None = None
    login_locked_until: dt.datetime | None = None
    invitation: InvitationView | None = None
    mail: "InvitationEmail | None" = None
    zone: ZoneInfo | None = None  # the practice's time zone, to word the times in
    last_sign_in: dt.datetime | None = None  # the owner's portal login, when Active (None: never)

    @property
    def has_owner(self) -> bool:
        return self.status is not OwnerStatus.NONE

    @property
    def delivery(self) -> str:
        """The invitation email's delivery words, "" when none was queued."""
        return self.mail.label if self.mail is not None and self.mail.status else ""

    @classmethod
    def of(
        cls, state: OwnerState, mail: "InvitationEmail | None" = None, zone: ZoneInfo | None = None,
        last_sign_in: dt.datetime | None = None,
    ) -> "OwnerView":
        access, inv = state.access, state.invitation
        return cls(
            state.status,
            state.tag,
            state.actions,
            access.owner_name if access else "",
            access.relationship if access else "",
            access.email if access else "",
            access.contact_id if access else None,
            access.granted_at if access else None,
            state.login_locked_until,
            InvitationView.of(inv, state.now) if inv is not None else None,
            mail,
            zone,
            last_sign_in,
        )


def last_sign_in(account_id: int) -> dt.datetime | None:
    """When a portal login last signed in (its newest session), None if never."""
    newest = (LoginSession.select(LoginSession.created_at)
              .where((LoginSession.account == account_id) & (LoginSession.kind == "client"))
              .order_by(LoginSession.created_at.desc()).first())
    return newest.created_at if newest is not None else None


def _owner_view(chart_id: int) -> OwnerView:
    from .chart_owner import owner_state

    state = owner_state(chart_id)
    inv = state.invitation
    account_id = state.access.account_id if state.status is OwnerStatus.ACTIVE else None
    return OwnerView.of(
        state, invitation_email(inv.id) if inv is not None else NO_EMAIL, practice_zone(),
        last_sign_in(account_id) if account_id is not None else None,
    )


def owner_view(by: Actor, chart_id: int) -> OwnerView:
    """The Chart Owner box of one chart: its state, its invitation email's
    delivery and the owner's last sign-in (portal access: models/roles.py)."""
    require(by, "portal_access", chart_id)
    return _owner_view(chart_id)


@dataclass(frozen=True)
class ClientRow:
    client: ChartView
    state: OwnerView


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    page: int
    has_more: bool


def client_list_page(
    by: Actor, term: str = "", *, queue: str = "all", page: int = 0, page_size: int = PAGE_SIZE
) -> ClientPage:
    """One page of the client list with each chart's portal state (two batched
    queries): every chart, or a clinician's own (models/roles.py)."""
    found = search_charts(term, queue=queue, page=page, page_size=page_size, scope=chart_scope(by))
    states = owner_states([c.id for c in found.rows])
    return ClientPage([ClientRow(ChartView.of(c), OwnerView.of(states[c.id])) for c in found.rows], page, found.has_more)


def invitation_outcome(inv: Invitation, now: dt.datetime | None = None) -> str:
    """What became of one invitation, in a word or two."""
    now = now or clock.now()
    if inv.consumed_at is not None:
        return "Used"
    if inv.revoked_at is not None:
        return "Revoked"
    if inv.superseded_at is not None:
        return "Replaced"
    if inv.locked_at is not None:
        return "Locked"
    if is_pending(inv) and now >= inv.expires_at:
        return "Expired"
    return "Pending"


_FALLBACK_WORDS = {
    "queued": "Queued",
    "sending": "Sending…",
    "retrying": "Retrying",
    "sent": "Sent",
    "failed": "Failed",
}


def _fallback_labels(invitation_ids: list[int]) -> dict[int, str]:
    """Delivery words straight from the outbox status (used if models.mail.state is absent)."""
    labels: dict[int, str] = {}
    if not invitation_ids:
        return labels
    from .setup import settings

    try:
        mail_ready = settings().smtp.configured
    except RuntimeError:
        mail_ready = True
    query = (
        OutboxMessage.select()
        .where(OutboxMessage.invitation.in_(invitation_ids))
        .order_by(OutboxMessage.id)
    )
    for msg in query:
        words = _FALLBACK_WORDS.get(msg.status, msg.status.capitalize())
        error = " ".join((msg.last_error or "").split())[:80]
        if msg.status in ("retrying", "failed") and error:
            words = f"{words} — {error}"
        elif msg.status == "queued" and not mail_ready:
            words = "Queued — mail server not set up"
        labels[msg.invitation_id] = words
    return labels


def delivery_labels(invitation_ids: list[int]) -> dict[int, str]:
    """The delivery state of each invitation's newest email, as words for staff."""
    ids = [i for i in invitation_ids if i is not None]
    try:
        from .mail.state import latest_states_for_invitations
    except ImportError:  # the mail package is not installed in this build
        return _fallback_labels(ids)
    return {inv_id: state.label for inv_id, state in latest_states_for_invitations(ids).items()}


@dataclass(frozen=True)
class InvitationEmail:
    """The newest email of one invitation, as the Chart Owner box words it.

    `failed` means it will not be tried again (a 5xx refusal, or no server
    accepted it within the retry limit), so the person invited most likely
    has no code and staff must act. `reason` is the server's reply (or the
    network's error), one line, shortened, to be shown as plain text;
    `advice` says what to do.
    """

    status: str        # queued, sending, retrying, sent, failed; "" when none was queued
    label: str         # "Sent Nov 20, 10:00 AM", "Retrying at 10:01 AM — connection refused"
    failed: bool = False
    gave_up: bool = False
    reason: str = ""
    headline: str = ""  # "Invitation email failed: ..." when failed
    advice: str = ""


NO_EMAIL = InvitationEmail("", "not queued")


def _failure_words(gave_up: bool, reason: str) -> tuple[str, str]:
    """(what happened, what to do) for an invitation email that will not be sent."""
    from .chart_owner import Action

    then = f"then use ⋮ › {Action.RESEND.label}."
    if gave_up:
        from .mail.state import GIVE_UP_AFTER

        days = GIVE_UP_AFTER.days
        why = f" (last error: {reason})" if reason else ""
        return (
            f"Invitation email failed: no server accepted it in {days} days{why}",
            f"Check the email address and the mail settings, {then}",
        )
    if re.match(r"[45]\d\d\b", reason):  # an SMTP reply: the server's own words
        headline = f"Invitation email failed: the mail server refused it ({reason})"
    else:  # e.g. an address the portal could not use
        headline = f"Invitation email failed: {reason}" if reason else "Invitation email failed"
    return headline, f"Check the email address, {then}"


def invitation_email(invitation_id: int | None) -> InvitationEmail:
    """The delivery of an invitation's newest email (a query, and one for the practice's time zone)."""
    if invitation_id is None:
        return NO_EMAIL
    try:
        from .mail.state import latest_states_for_invitations
    except ImportError:  # the mail package is not installed in this build
        label = _fallback_labels([invitation_id]).get(invitation_id)
        if label is None:
            return NO_EMAIL
        status = next((s for s, words in _FALLBACK_WORDS.items() if label.startswith(words)), "")
        if status != "failed":
            return InvitationEmail(status, label)
        reason = label.partition(" — ")[2]
        return InvitationEmail(status, label, True, False, reason, *_failure_words(False, reason))
    state = latest_states_for_invitations([invitation_id]).get(invitation_id)
    if state is None:
        return NO_EMAIL
    if state.status != "failed":
        return InvitationEmail(state.status, state.label)
    headline, advice = _failure_words(state.gave_up, state.reason)
    return InvitationEmail(state.status, state.label, True, state.gave_up, state.reason, headline, advice)


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    full_name: str
    role: str = ""
    permissions: frozenset[str] = frozenset()  # what the role may do at all (models/roles.py)
    own_charts_only: bool = False               # a clinician: only the charts they are the clinician of

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may(self, permission: str) -> bool:
        """Whether the screens offer what `permission` covers; the domain still decides per chart."""
        return permission in self.permissions


def staff_user(staff_id: int) -> StaffView:
    """The signed-in staff member (name for the header, username for the audit,
    what their role may do for the screens to offer)."""
    from .tables import StaffUser

    staff = StaffUser.get_by_id(staff_id)
    return StaffView(staff.id, staff.username, staff.full_name, staff.role, permissions_of(staff.role),
                     RULES["charts"].get(staff.role) == OWN_CHARTS)


def mail_warning() -> str:
    """A plain sentence when invitation email cannot leave this installation, else ''."""
    try:
        from .mail.state import mail_in_force
        from .setup import settings
    except ImportError:
        return ""
    try:
        return mail_in_force(settings())
    except RuntimeError:
        return ""


# --- the chart room's tabs --------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    id: int
    first_name: str
    last_name: str
    relationship: str
    email: str
    phone: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class ClinicianChoice:
    """Someone who may be a chart's clinician (models/roles.py)."""

    staff_id: int
    name: str
    role: str           # clinician or admin


@dataclass(frozen=True)
class OverviewView:
    chart: ChartView
    contacts: tuple[ContactView, ...]
    clinician: ClinicianChoice | None = None   # the chart's clinician, None when it has none


def clinician_choices() -> tuple[ClinicianChoice, ...]:
    """Who the Overview tab offers as the chart's clinician: active clinicians, then administrators."""
    from .roles import clinician_choices as choices

    return tuple(ClinicianChoice(*row) for row in choices())


def overview_view(by: Actor, chart_id: int) -> OverviewView:
    from .charts import contacts_of
    from .tables import StaffUser

    chart = chart_view(by, chart_id)
    row = (StaffUser.select(StaffUser.id, StaffUser.full_name, StaffUser.role).join(Client, on=(Client.clinician == StaffUser.id))
           .where(Client.id == chart_id).tuples().first())
    return OverviewView(
        chart,
        tuple(
            ContactView(c.id, c.first_name, c.last_name, c.relationship, c.email or "", c.phone or "")
            for c in contacts_of(chart_id)
        ),
        ClinicianChoice(*row) if row else None,
    )


@dataclass(frozen=True)
class CommunicationsView:
    """The Communications tab: the owner box, the invitation history and who may own the chart."""

    owner: OwnerView
    history: tuple[tuple[InvitationView, str], ...]  # (invitation, its email's delivery words)
    mail_warning: str
    candidates: tuple[Candidate, ...]


def communications_view(by: Actor, chart_id: int) -> CommunicationsView:
    """The Communications tab (portal access: models/roles.py)."""
    from .chart_owner import invitation_history, owner_candidates

    require(by, "portal_access", chart_id)
    now = clock.now()
    history = invitation_history(chart_id)
    deliveries = delivery_labels([inv.id for inv in history])
    return CommunicationsView(
        _owner_view(chart_id),
        tuple((InvitationView.of(inv, now), deliveries.get(inv.id, "")) for inv in history),
        mail_warning(),
        tuple(owner_candidates(chart_id)),
    )


def has_portal_account(email: str) -> bool:
    """Whether a portal login exists for `email`: giving them a chart grants access at
    once (an "access granted" email) instead of sending an invitation."""
    from .tables import PortalAccount
    from .text import email_key

    return PortalAccount.select().where(PortalAccount.email == email_key(email)).exists()


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    shared_at: dt.datetime
    shared_by: str
    opened_at: dt.datetime | None


def documents_view(by: Actor, chart_id: int) -> tuple[DocumentRow, ...]:
    from peewee import JOIN

    from .tables import Document, StaffUser

    require(by, "documents", chart_id)
    query = (
        Document.select(Document.id, Document.title, Document.shared_at, Document.opened_at, StaffUser.full_name.alias("sender"))
        .join(StaffUser, join_type=JOIN.LEFT_OUTER, on=(Document.shared_by == StaffUser.id))
        .where(Document.client == chart_id)
        .order_by(Document.shared_at.desc(), Document.id.desc())
        .objects()
    )
    return tuple(DocumentRow(d.id, d.title, d.shared_at, d.sender or "", d.opened_at) for d in query)


@dataclass(frozen=True)
class RequestRow:
    id: int
    created_at: dt.datetime
    preferred_at: dt.datetime
    mode: str
    status: str
    reason: str
    practice_message: str


def requests_view(by: Actor, chart_id: int) -> tuple[RequestRow, ...]:
    from .records import requests_for_staff

    require(by, "appointments", chart_id)
    return tuple(
        RequestRow(r.id, r.created_at, r.preferred_at, r.mode, r.status, r.reason or "", r.practice_message or "")
        for r in requests_for_staff(chart_id)
    )


@dataclass(frozen=True)
class LedgerRow:
    id: int
    posted_on: dt.date
    kind: str
    description: str
    amount_cents: int


@dataclass(frozen=True)
class LedgerView:
    balance_cents: int
    entries: tuple[LedgerRow, ...]


def ledger_view(by: Actor, chart_id: int) -> LedgerView:
    from .records import balance_cents, ledger_for_staff

    require(by, "billing", chart_id)
    return LedgerView(
        balance_cents(chart_id),
        tuple(LedgerRow(e.id, e.posted_on, e.kind, e.description, e.amount_cents) for e in ledger_for_staff(chart_id)),
    )


@dataclass(frozen=True)
class ActivityRow:
    """One line of a chart's Activity tab: an event in words, repeats folded into one line."""

    id: int                # the newest event of the line
    at: dt.datetime        # when the newest happened
    who: str
    what: str              # a sentence, with "(N times)" when repeats were folded
    source: str
    failed: bool           # a refusal or failure (a wrong password, a lockout, a bad code)
    count: int = 1
    first_at: dt.datetime | None = None  # when the oldest of the folded events happened


# How each audited action reads, by (action, outcome); (action, "") is any outcome.
EVENT_WORDS = {
    ("login", "ok"): "Signed in to the portal",
    ("login", "failed"): "Portal sign-in failed: wrong password",
    ("login", "locked"): "Portal sign-in refused: the login is locked",
    ("login", "no_access"): "Portal sign-in refused: no chart to open",
    ("lockout", ""): "Portal login locked after too many wrong passwords",
    ("unlock", ""): "Unlocked the portal login",
    ("logout", ""): "Signed out of the portal",
    ("register", "ok"): "Registered for the portal",
    ("register", ""): "Registration refused",
    ("password.change", "ok"): "Changed the portal password",
    ("password.change", ""): "Portal password change refused: wrong current password",
    ("password.reset_request", "ok"): "Asked for a password reset email",
    ("password.reset_request", ""): "Password reset email not sent",
    ("password.reset", "ok"): "Reset the portal password",
    ("password.reset", ""): "Password reset refused: bad code",
    ("invite.send", ""): "Sent a portal invitation",
    ("invite.resend", ""): "Resent the portal invitation",
    ("access.activate", ""): "Activated portal access",
    ("access.grant", ""): "Gave portal access to an existing portal account",
    ("access.revoke", ""): "Revoked portal access",
    ("access.change_owner", ""): "Changed the chart owner",
    ("session.end", ""): "Ended the open portal sessions",
    ("chart.create", ""): "Created the chart",
    ("chart.update", ""): "Edited the chart's details",
    ("contact.add", ""): "Added a related contact",
    ("contact.update", ""): "Edited a related contact",
    ("document.share", ""): "Shared a document",
    ("document.unshare", ""): "Stopped sharing a document",
    ("document.list", ""): "Looked at the shared documents",
    ("document.view", ""): "Opened a shared document",
    ("appointment.request", ""): "Asked for an appointment",
    ("appointment.list", ""): "Looked at the appointment requests",
    ("appointment.cancel", ""): "Cancelled an appointment request",
    ("appointment.approved", ""): "Approved an appointment request",
    ("appointment.declined", ""): "Declined an appointment request",
    ("ledger.charge", ""): "Added a charge",
    ("ledger.payment", ""): "Recorded a payment",
    ("balance.view", ""): "Looked at the balance",
    ("chart.clinician", ""): "Changed the chart's clinician",
    # Refusals (models/roles.py): what a staff member's role did not let them do here.
    ("refused.charts", ""): "Refused: not one of their charts",
    ("refused.portal_access", ""): "Refused: portal access is the front desk's",
    ("refused.assign_clinician", ""): "Refused: choosing the chart's clinician",
    ("refused.documents", ""): "Refused: the chart's documents",
    ("refused.appointments", ""): "Refused: appointments are the front desk's",
    ("refused.billing", ""): "Refused: billing is the front desk's",
    ("refused.forms", ""): "Refused: the chart's forms",
    ("refused.clinical", ""): "Refused: clinical results are for the chart's clinician",
}
# Account events (no chart) of the chart's owner shown on the chart: sign-ins and their failures.
ACCOUNT_ACTIONS = ("login", "lockout", "unlock", "password.change", "password.reset", "password.reset_request")


def event_words(action: str, outcome: str) -> str:
    """An audited action as a sentence; one with no words of its own still reads."""
    words = EVENT_WORDS.get((action, outcome)) or EVENT_WORDS.get((action, ""))
    if words is None:
        words = action.replace(".", " ").replace("_", " ").capitalize()
        if outcome and outcome != "ok":
            words += f" ({outcome.replace('_', ' ')})"
    return words


def _who(actor: str, staff_names: dict[str, str], client_names: dict[str, str]) -> str:
    kind, _, ref = actor.partition(":")
    if kind == "staff":
        return staff_names.get(ref, ref)
    if kind == "client":
        return client_names.get(ref, "Someone (unknown login)")
    return "System" if kind == "system" else actor


def activity_view(by: Actor, chart_id: int, limit: int = 100) -> tuple[ActivityRow, ...]:
    """The chart's audit trail in words, newest first: its own events and the sign-ins
    of its owner's portal login (failed ones and lockouts too), repeats in a row folded."""
    from .audit import recent_for_chart
    from .chart_owner import current_access
    from .tables import AuditEvent, PortalAccount, StaffUser

    require(by, "charts", chart_id)
    events = recent_for_chart(chart_id, limit)
    access = current_access(chart_id)
    if access is not None and access.account_id is not None:
        owner = f"client:{access.account_id}"
        signins = (
            AuditEvent.select()
            .where((AuditEvent.actor == owner) & AuditEvent.chart.is_null() & AuditEvent.action.in_(ACCOUNT_ACTIONS))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
        events = sorted([*events, *signins], key=lambda e: e.id, reverse=True)[:limit]
    staff = {e.actor.partition(":")[2] for e in events if e.actor.startswith("staff:")}
    accounts = {e.actor.partition(":")[2] for e in events if e.actor.startswith("client:")}
    staff_names = dict(StaffUser.select(StaffUser.username, StaffUser.full_name).where(StaffUser.username.in_(staff)).tuples()) if staff else {}
    ids = [int(a) for a in accounts if a.isdigit()]
    client_names = (
        {str(i): name for i, name in PortalAccount.select(PortalAccount.id, PortalAccount.display_name).where(PortalAccount.id.in_(ids)).tuples()}
        if ids
        else {}
    )
    lines: list[tuple[tuple[str, str, str], list]] = []  # (who, what, source) -> its events, newest first
    for e in events:
        key = (_who(e.actor, staff_names, client_names), event_words(e.action, e.outcome), e.source)
        if lines and lines[-1][0] == key:
            lines[-1][1].append(e)
        else:
            lines.append((key, [e]))
    rows = []
    for (who, what, source), group in lines:
        newest, oldest = group[0], group[-1]
        failed = newest.outcome not in ("ok", "") or newest.action == "lockout"
        words = f"{what} ({len(group)} times)" if len(group) > 1 else what
        rows.append(ActivityRow(newest.id, newest.at, who, words, source, failed, len(group), oldest.at))
    return tuple(rows)
