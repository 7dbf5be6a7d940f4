"""Read-only views the staff workstation shows: list pages, invitation rows, delivery words.

The staff screens call these instead of writing queries. Nothing here
changes data or imports Textual.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import clock
from .access import OwnerState, is_pending, owner_states
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


def staff_user(staff_id: int):
    """The signed-in staff member's row (name for the header, username for the audit)."""
    from .tables import StaffUser

    return StaffUser.get_by_id(staff_id)


def mail_warning() -> str:
    """A plain sentence when invitation email cannot leave this installation, else ''."""
    try:
        from .mail.state import mail_readiness
        from .setup import settings
    except ImportError:
        return ""
    try:
        return mail_readiness(settings())
    except RuntimeError:
        return ""
