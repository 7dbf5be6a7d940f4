"""Read-only views the staff workstation shows: list pages, invitation rows, delivery words.

The staff screens call these instead of writing queries. Nothing here
changes data or imports Textual.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from . import clock
from .chart_owner import OwnerState, is_pending, owner_states
from .charts import PAGE_SIZE, search_charts
from .tables import Client, Invitation, OutboxMessage


@dataclass(frozen=True)
class ClientRow:
    client: Client
    state: OwnerState


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    page: int
    has_more: bool


def client_list_page(term: str = "", *, queue: str = "all", page: int = 0, page_size: int = PAGE_SIZE) -> ClientPage:
    """One page of the client list with each chart's portal state (two batched queries)."""
    found = search_charts(term, queue=queue, page=page, page_size=page_size)
    states = owner_states([c.id for c in found.rows])
    return ClientPage([ClientRow(c, states[c.id]) for c in found.rows], page, found.has_more)


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


def staff_user(staff_id: int):
    """The signed-in staff member's row (name for the header, username for the audit)."""
    from .tables import StaffUser

    return StaffUser.get_by_id(staff_id)


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
