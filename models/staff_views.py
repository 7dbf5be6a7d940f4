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
from typing import Callable, Iterable, TypeVar
from zoneinfo import ZoneInfo

from . import clock
from .audit import Actor
from .chart_owner import Action, Candidate, OwnerState, OwnerStatus, is_pending, owner_states
from .charts import PAGE_SIZE, get_chart, search_charts
from .roles import OWN_CHARTS, RULES, chart_scope, permissions_of, require
from .tables import Client, Invitation, LoginSession, OutboxMessage
from .timefmt import practice_zone

T = TypeVar("T")


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


# How each audited action reads, by (action, outcome); (action, "") is any outcome
# but a refusal. "staff:login" is how a staff user's own "login" reads. Each is a
# verb phrase, so it reads after a name too ("Dana Whitfield resent the portal
# invitation to Jordan Avery": sentence()).
EVENT_WORDS = {
    ("login", "ok"): "Signed in to the portal",
    ("login", "failed"): "Failed to sign in to the portal: wrong password",
    ("login", "locked"): "Was refused portal sign-in: the login is locked",
    ("login", "no_access"): "Was refused portal sign-in: no chart to open",
    ("lockout", ""): "Was locked out of the portal after too many wrong passwords",
    ("unlock", ""): "Lifted a sign-in lock",
    ("logout", ""): "Signed out of the portal",
    ("register", "ok"): "Registered for the portal",
    ("register", "locked"): "Was refused registration: too many wrong tries locked the invitation",
    ("register", "no_match"): "Was refused registration: the name or date of birth did not match",
    ("register", "bad_code"): "Was refused registration: the code cannot be used",
    ("register.code", ""): "Typed an invitation code that cannot be used",
    ("password.change", "ok"): "Changed the portal password",
    ("password.change", "failed"): "Failed to change the portal password: wrong current password",
    ("password.reset_request", "ok"): "Asked for a password reset email",
    ("password.reset_request", "throttled"): "Asked for a password reset email; none was sent (too many asked)",
    ("password.reset_request", "no_match"): "Asked for a password reset email; none was sent (no such login)",
    ("password.reset", "ok"): "Reset the portal password",
    ("password.reset", "bad_code"): "Failed to reset the portal password: bad code",
    ("staff:login", "ok"): "Signed in to the staff app",
    ("staff:login", "failed"): "Failed to sign in to the staff app: wrong password or username",
    ("staff:login", "locked"): "Was refused sign-in to the staff app: the account is locked",
    ("staff:lockout", ""): "Was locked out of the staff app after too many wrong tries",
    ("staff:logout", ""): "Signed out of the staff app",
    ("staff:password.change", "ok"): "Changed their staff password",
    ("login.password", ""): "Typed the right staff password; the two-step code comes next",
    ("login.code", "ok"): "Typed the right two-step code",
    ("login.code", "failed"): "Failed to sign in to the staff app: wrong two-step code",
    ("login.code", "locked"): "Was refused the two-step code: the account is locked",
    ("two_factor.enroll", ""): "Set up two-step sign-in",
    ("two_factor.reset", "ok"): "Reset a staff user's two-step sign-in",
    ("two_factor.reset", "refused"): "Was refused resetting a staff user's two-step sign-in",
    ("staff.add", "ok"): "Added a staff user",
    ("staff.add", "refused"): "Was refused adding a staff user",
    ("staff.role", "ok"): "Changed a staff user's role",
    ("staff.role", "refused"): "Was refused changing a staff user's role",
    ("staff.deactivate", "ok"): "Deactivated a staff user",
    ("staff.deactivate", "refused"): "Was refused deactivating a staff user",
    ("staff.reactivate", "ok"): "Reactivated a staff user",
    ("staff.reactivate", "refused"): "Was refused reactivating a staff user",
    ("staff.reset", "ok"): "Gave a staff user a temporary password",
    ("staff.reset", "refused"): "Was refused resetting a staff user's password",
    ("staff.unlock", "refused"): "Was refused unlocking a staff user",
    ("staff.list", "refused"): "Was refused the list of staff users",
    ("audit.view", "ok"): "Opened the audit trail",
    ("audit.view", "refused"): "Was refused the audit trail",
    ("audit.export", ""): "Exported the audit trail for an auditor",
    ("audit.anchor", ""): "Started a new audit checkpoint",
    ("refused.portal_access", ""): "Was refused a change of portal access",
    ("refused.clinical", ""): "Was refused clinical results",
    ("refused.audit", ""): "Was refused the audit trail",
    ("refused.staff_admin", ""): "Was refused staff account management",
    ("refused.charts", ""): "Was refused a chart",
    ("refused.documents", ""): "Was refused documents",
    ("refused.appointments", ""): "Was refused appointment requests",
    ("refused.billing", ""): "Was refused billing",
    ("refused.forms", ""): "Was refused forms",
    ("invite.send", ""): "Sent a portal invitation",
    ("invite.resend", ""): "Resent the portal invitation",
    ("access.activate", ""): "Activated portal access",
    ("access.grant", ""): "Gave portal access to an existing portal account",
    ("access.revoke", ""): "Revoked portal access",
    ("access.change_owner", ""): "Changed the chart owner",
    ("session.end", ""): "Ended the open portal sessions",
    ("chart.create", ""): "Created the chart",
    ("chart.update", ""): "Edited the chart's details",
    ("chart.clinician", ""): "Chose the chart's clinician",
    ("chart.proposal.accepted", ""): "Accepted a change the client asked for",
    ("chart.proposal.rejected", ""): "Turned down a change the client asked for",
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
    ("refused.new_chart", ""): "Was refused making a new chart",
    ("refused.assign_clinician", ""): "Was refused choosing the chart's clinician",
    ("staff.email", ""): "Changed a staff user's email",
    ("form.assign", ""): "Sent a form",
    ("form.cancel", ""): "Cancelled a form that was sent",
    ("form.recur.start", ""): "Started a repeating form",
    ("form.recur.stop", ""): "Stopped a repeating form",
    ("form.list", ""): "Looked at the forms",
    ("form.start", ""): "Started a form",
    ("form.resume", ""): "Went back to a form",
    ("form.submit", ""): "Completed a form",
    ("form.sign", ""): "Signed a form",
    ("form.correct", ""): "Corrected a completed form",
    ("form.response.view", ""): "Read a completed form",
    ("form.draft.view", ""): "Read a form being filled in",
    ("form.response.export", ""): "Exported a completed form as PDF",
    ("form.alert", ""): "Raised a risk alert",
    ("form.alert.ack", ""): "Acknowledged a risk alert",
    ("form.publish", ""): "Published a form",
    ("form.retire", ""): "Retired a form",
    ("form.pdf.import", ""): "Added a fillable PDF form",
    ("form.pdf.fill_failed", ""): "Could not fill in a PDF copy of a form",
}
# Account events (no chart) of the chart's owner shown on the chart: sign-ins and their failures.
ACCOUNT_ACTIONS = ("login", "lockout", "unlock", "password.change", "password.reset", "password.reset_request")
# How a sentence names the event's chart: "... to Jordan Avery"; "for" when not named here.
CHART_JOINS = {"invite.send": "to", "invite.resend": "to", "form.assign": "to", "document.share": "with", "document.unshare": "with"}


def event_words(action: str, outcome: str, kind: str = "") -> str:
    """An audited action as a verb phrase (`kind`: the actor's, "staff" or "client");
    one with no words of its own still reads."""
    for name in ((f"{kind}:{action}", action) if kind else (action,)):
        words = EVENT_WORDS.get((name, outcome))
        if words is None and outcome != "refused":
            words = EVENT_WORDS.get((name, ""))
        if words is not None:
            return words
    words = action.replace(".", " ").replace("_", " ").capitalize()
    if outcome and outcome != "ok":
        words += f" ({outcome.replace('_', ' ')})"
    return words


def sentence(who: str, what: str, chart_name: str, action: str) -> str:
    """'Dana Whitfield resent the portal invitation to Jordan Avery' (the chart left
    out when there is none, or when it is the person's own)."""
    text = f"{who} {what[:1].lower()}{what[1:]}"
    if chart_name and chart_name != who:
        text += f" {CHART_JOINS.get(action, 'for')} {chart_name}"
    return text


def failed_event(action: str, outcome: str) -> bool:
    """A refusal or failure (a wrong password, a lockout, a bad code), marked on screens."""
    return outcome not in ("ok", "") or action == "lockout"


def fold_repeats(events: Iterable[T], key: Callable[[T], object]) -> list[list[T]]:
    """Events in a row with the same key, each run as one list (newest first, as given)."""
    runs: list[list[T]] = []
    last = object()
    for event in events:
        k = key(event)
        if runs and k == last:
            runs[-1].append(event)
        else:
            runs.append([event])
        last = k
    return runs


def times(words: str, count: int) -> str:
    """A folded line's words: "Looked at the balance (3 times)"."""
    return f"{words} ({count} times)" if count > 1 else words


def actor_names(actors: set[str]) -> dict[str, str]:
    """Each audit actor label ("staff:dana", "client:12", "system:portal") as a person's
    name, read in two queries whatever the number of labels."""
    from .tables import PortalAccount, StaffUser

    staff = {a.partition(":")[2] for a in actors if a.startswith("staff:")}
    ids = [int(ref) for a in actors if a.startswith("client:") and (ref := a.partition(":")[2]).isdigit()]
    staff_names = dict(StaffUser.select(StaffUser.username, StaffUser.full_name).where(StaffUser.username.in_(staff)).tuples()) if staff else {}
    client_names = (
        {str(i): name for i, name in PortalAccount.select(PortalAccount.id, PortalAccount.display_name).where(PortalAccount.id.in_(ids)).tuples()}
        if ids
        else {}
    )
    names = {}
    for actor in actors:
        kind, _, ref = actor.partition(":")
        if kind == "staff":
            names[actor] = staff_names.get(ref) or ("Someone (unknown staff username)" if ref == "unknown" else ref)
        elif kind == "client":
            names[actor] = client_names.get(ref) or ("Someone not signed in" if ref == "anonymous" else "Someone (unknown login)")
        else:
            names[actor] = "System" if kind == "system" else actor
    return names


def activity_view(by: Actor, chart_id: int, limit: int = 100) -> tuple[ActivityRow, ...]:
    """The chart's audit trail in words, newest first: its own events and the sign-ins
    of its owner's portal login (failed ones and lockouts too), repeats in a row folded."""
    from .audit import recent_for_chart
    from .chart_owner import current_access
    from .tables import AuditEvent

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
    names = actor_names({e.actor for e in events})

    def words(e) -> str:
        return event_words(e.action, e.outcome, e.actor.partition(":")[0])

    rows = []
    for group in fold_repeats(events, lambda e: (e.actor, words(e), e.source)):
        newest, oldest = group[0], group[-1]
        rows.append(ActivityRow(newest.id, newest.at, names[newest.actor], times(words(newest), len(group)), newest.source,
                                failed_event(newest.action, newest.outcome), len(group), oldest.at))
    return tuple(rows)
