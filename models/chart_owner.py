"""Chart Owner: who holds a chart's portal access, and the invitation rules.

State is derived, never stored: from the chart's current ChartAccess row, its
latest invitation and the clock.

- No Portal Access: no current owner (never invited, or revoked).
- Invited: the owner's invitation is unused and inside its window.
- Expired: the window passed, or the code was locked after failed matches.
- Active: the owner registered (or already had an account) and has access.

Resend, revoke and change of ownership void every earlier code of the chart
in the same transaction that makes the change, and each email goes into the
outbox in that transaction too.
"""
from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass, field

from peewee import JOIN, fn

from . import clock, codes
from .audit import Actor, record
from .config import INVITE_VALID_DAYS, current_web_url
from .db import database, lock_rows
from .charts import get_chart
from .errors import NotFound, StateConflict
from .outbox import enqueue
from .practice import get_practice
from .roles import require
from .tables import ChartAccess, Client, FormAssignment, Invitation, LoginSession, PortalAccount, RelatedContact, StaffUser
from .text import clean_email, email_key



class OwnerStatus(str, enum.Enum):
    NONE = "none"
    INVITED = "invited"
    EXPIRED = "expired"
    ACTIVE = "active"

    @property
    def label(self) -> str:
        return {
            "none": "No Portal Access",
            "invited": "Invited",
            "expired": "Expired",
            "active": "Active",
        }[self.value]


class Action(str, enum.Enum):
    ACTIVATE = "activate"
    RESEND = "resend"
    CHANGE_OWNER = "change_owner"
    REVOKE = "revoke"
    UNLOCK = "unlock"

    @property
    def label(self) -> str:
        return {
            "activate": "Activate Client Portal Access",
            "resend": "Resend Invite",
            "change_owner": "Change Ownership",
            "revoke": "Revoke Access",
            "unlock": "Unlock Portal Login",
        }[self.value]


ALLOWED = {
    OwnerStatus.NONE: (Action.ACTIVATE,),
    OwnerStatus.INVITED: (Action.CHANGE_OWNER, Action.RESEND, Action.REVOKE),
    OwnerStatus.EXPIRED: (Action.CHANGE_OWNER, Action.RESEND, Action.REVOKE),
    OwnerStatus.ACTIVE: (Action.CHANGE_OWNER, Action.REVOKE),
}


def valid_days() -> int:
    from .setup import current_settings

    settings = current_settings()
    return settings.invite_valid_days if settings else INVITE_VALID_DAYS


def is_pending(inv: Invitation) -> bool:
    """Not used, replaced or revoked (it may still be expired or locked)."""
    return inv.consumed_at is None and inv.superseded_at is None and inv.revoked_at is None


def is_usable(inv: Invitation, now: dt.datetime) -> bool:
    return is_pending(inv) and inv.locked_at is None and now < inv.expires_at


@dataclass(frozen=True)
class OwnerState:
    status: OwnerStatus
    access: ChartAccess | None = None
    invitation: Invitation | None = None
    now: dt.datetime = field(default_factory=clock.now)
    login_locked_until: dt.datetime | None = None  # the owner's account, after wrong passwords

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def actions(self) -> tuple[Action, ...]:
        unlock = (Action.UNLOCK,) if self.login_locked_until is not None else ()
        return unlock + ALLOWED[self.status]

    @property
    def locked(self) -> bool:
        return bool(self.invitation and self.invitation.locked_at)

    @property
    def days_left(self) -> int | None:
        """Whole days left in the window, rounded up (23 hours left is 1 day)."""
        if self.status is not OwnerStatus.INVITED or self.invitation is None:
            return None
        seconds = (self.invitation.expires_at - self.now).total_seconds()
        return max(1, math.ceil(seconds / 86400))

    @property
    def tag(self) -> str:
        if self.status is OwnerStatus.INVITED:
            n = self.days_left
            return f"Invited · expires in {n} day{'s' if n != 1 else ''}"
        if self.status is OwnerStatus.EXPIRED and self.locked:
            return "Expired · locked"
        return self.label


def _state_from(access: ChartAccess | None, latest: Invitation | None, now: dt.datetime) -> OwnerState:
    if access is None:
        return OwnerState(OwnerStatus.NONE, None, None, now)
    if access.account_id is not None:
        locked_until = access.account.locked_until  # joined by owner_states: no query here
        if locked_until is not None and locked_until <= now:
            locked_until = None
        return OwnerState(OwnerStatus.ACTIVE, access, latest, now, locked_until)
    if latest is not None and is_usable(latest, now):
        return OwnerState(OwnerStatus.INVITED, access, latest, now)
    return OwnerState(OwnerStatus.EXPIRED, access, latest, now)


def _chart(client: Client | int) -> Client:
    """The chart's row: the actions take a chart id (the screens pass ids), or a row."""
    return client if isinstance(client, Client) else get_chart(client)


def current_access(client: Client | int) -> ChartAccess | None:
    return ChartAccess.get_or_none((ChartAccess.client == client) & ChartAccess.ended_at.is_null())


def owner_state(client: Client | int) -> OwnerState:
    client_id = client.id if isinstance(client, Client) else client
    return owner_states([client_id])[client_id]


def owner_states(client_ids: list[int]) -> dict[int, OwnerState]:
    """States of many charts in two queries (a page of the client list)."""
    now = clock.now()
    ids = list(client_ids)
    accesses = {
        a.client_id: a
        for a in ChartAccess.select(ChartAccess, PortalAccount.id, PortalAccount.locked_until)
        .join(PortalAccount, join_type=JOIN.LEFT_OUTER, on=(ChartAccess.account == PortalAccount.id))
        .where(ChartAccess.client.in_(ids) & ChartAccess.ended_at.is_null())
    }
    latest: dict[int, Invitation] = {}
    if accesses:
        access_ids = [a.id for a in accesses.values()]
        invs = (
            Invitation.select(Invitation, StaffUser)
            .join(StaffUser, join_type=JOIN.LEFT_OUTER, on=(Invitation.sent_by == StaffUser.id))
            .where(Invitation.access.in_(access_ids))
            .order_by(Invitation.sent_at, Invitation.id)
        )
        for inv in invs:
            latest[inv.access_id] = inv
    return {
        cid: _state_from(accesses.get(cid), latest.get(accesses[cid].id) if cid in accesses else None, now)
        for cid in ids
    }


def queue_condition(queue: str):
    """A Client condition for the staff work queues "invited" and "expired".

    A correlated EXISTS, so a page in name order stops after 50 hits instead
    of collecting every pending invitation first.
    """
    now = clock.now()
    if queue == "invited":
        due = (Invitation.expires_at > now) & Invitation.locked_at.is_null()
    elif queue == "expired":
        due = (Invitation.expires_at <= now) | Invitation.locked_at.is_null(False)
    else:
        raise ValueError(f"unknown queue {queue!r}")
    pending = (
        Invitation.select(Invitation.id)
        .join(ChartAccess, on=(Invitation.access == ChartAccess.id))
        .where(
            (Invitation.client == Client.id)
            & ChartAccess.ended_at.is_null()
            & ChartAccess.account.is_null()
            & Invitation.consumed_at.is_null()
            & Invitation.superseded_at.is_null()
            & Invitation.revoked_at.is_null()
            & due
        )
    )
    return fn.EXISTS(pending)


def invitation_history(client: Client | int) -> list[Invitation]:
    return list(
        Invitation.select(Invitation, StaffUser)
        .join(StaffUser, join_type=JOIN.LEFT_OUTER, on=(Invitation.sent_by == StaffUser.id))
        .where(Invitation.client == client)
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
    )


# --- who may own a chart ----------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Someone who can own a chart's portal access."""

    contact_id: int | None      # None: the client themself
    name: str
    relationship: str           # "self", or the contact's relationship
    email: str

    @property
    def key(self) -> str:
        return f"contact:{self.contact_id}" if self.contact_id else "client"


def owner_candidates(client: Client | int) -> list[Candidate]:
    client = _chart(client)
    found = [Candidate(None, client.full_name, "self", client.email)]
    for contact in RelatedContact.select().where(RelatedContact.client == client).order_by(RelatedContact.id):
        found.append(Candidate(contact.id, contact.full_name, contact.relationship, contact.email))
    return found


def _candidate(client: Client, contact_id: int | None) -> Candidate:
    for cand in owner_candidates(client):
        if cand.contact_id == contact_id:
            return cand
    raise NotFound("That contact does not belong to this chart.")


# --- operations -------------------------------------------------------------


def _staff(by: Actor) -> StaffUser | None:
    return StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None


def _forms_waiting(client: Client) -> bool:
    """Whether the chart has forms to complete: the invitation (or access
    email) then says so, so forms sent with a new chart make one email, not two."""
    return FormAssignment.select().where((FormAssignment.client == client) & (FormAssignment.status == "open")).exists()


def _mail_context(client: Client, to_name: str) -> dict:
    practice = get_practice()
    return {
        "practice_name": practice.name,
        "practice_phone": practice.phone,
        "to_name": to_name,
        "client_name": client.full_name,
        "ssh_host": practice.portal_host,
        "ssh_port": practice.portal_port,
        "time_zone": practice.time_zone,
    }


def _void_codes(client: Client, now: dt.datetime, *, revoke: bool = False) -> int:
    column = Invitation.revoked_at if revoke else Invitation.superseded_at
    return (
        Invitation.update({column: now})
        .where(
            (Invitation.client == client)
            & Invitation.consumed_at.is_null()
            & Invitation.superseded_at.is_null()
            & Invitation.revoked_at.is_null()
        )
        .execute()
    )


def _issue_invitation(by: Actor, client: Client, access: ChartAccess, *, is_resend: bool) -> Invitation:
    now = clock.now()
    code = codes.new_code()
    staff = _staff(by)
    invitation = Invitation.create(
        access=access,
        client=client,
        email=access.email,
        code_digest=codes.digest(code),
        sent_at=now,
        sent_by=staff,
        expires_at=now + dt.timedelta(days=valid_days()),
    )
    context = _mail_context(client, access.owner_name) | {
        "relationship": access.relationship,
        "invited_by": staff.full_name if staff else "Your care team",
        "code": codes.grouped(code),
        "expires_at": invitation.expires_at.isoformat(),
        "is_resend": is_resend,
        "forms_waiting": _forms_waiting(client),
        "web_url": current_web_url(),  # the link is web_url/r/CODE, made by the template
    }
    enqueue("invitation", access.email, access.owner_name, context, client=client, invitation=invitation)
    record(by, "invite.resend" if is_resend else "invite.send", chart=client.id, detail=f"invitation {invitation.id}")
    return invitation


def _start_access(by: Actor, client: Client, cand: Candidate, email: str) -> ChartAccess:
    """Give `cand` the chart: access at once if they have an account, else an invitation."""
    now = clock.now()
    account = PortalAccount.get_or_none(PortalAccount.email == email_key(email))
    access = ChartAccess.create(
        client=client,
        contact=cand.contact_id,
        owner_name=cand.name,
        relationship=cand.relationship,
        email=email,
        account=account,
        started_at=now,
        started_by=_staff(by),
        granted_at=now if account else None,
    )
    if account:
        staff = _staff(by)
        context = _mail_context(client, cand.name) | {
            "granted_by": staff.full_name if staff else "Your care team",
            "forms_waiting": _forms_waiting(client),
        }
        enqueue("access_granted", email, cand.name, context, client=client)
        record(by, "access.grant", chart=client.id, detail=f"account {account.id}")
    else:
        _issue_invitation(by, client, access, is_resend=False)
    return access


def _end_access(by: Actor, client: Client, access: ChartAccess, reason: str) -> None:
    now = clock.now()
    access.ended_at = now
    access.end_reason = reason
    access.save()
    if access.account_id is None:
        return
    ended = (
        LoginSession.update(ended_at=now, end_reason="access_ended")
        .where(
            (LoginSession.account == access.account_id)
            & (LoginSession.chart == client.id)
            & LoginSession.ended_at.is_null()
        )
        .execute()
    )
    kind = "access_revoked" if reason == "revoked" else "ownership_changed"
    enqueue(kind, access.email, access.owner_name, _mail_context(client, access.owner_name), client=client)
    if ended:
        record(by, "session.end", chart=client.id, detail=f"{ended} open session(s) ended: {reason}")


def lock_chart(client: Client | int) -> None:
    """Serialize Chart Owner changes of one chart (resend vs. registration, two clicks)."""
    lock_rows(Client.select(Client.id).where(Client.id == (client.id if isinstance(client, Client) else client))).first()


def _require_current(client: Client) -> ChartAccess:
    lock_chart(client)
    access = current_access(client)
    if access is None:
        raise StateConflict("This chart has no portal owner yet; activate portal access first.")
    return access


def activate_access(by: Actor, client: Client | int, *, contact_id: int | None = None, email: str | None = None) -> OwnerState:
    """Give the chart's portal access to the client (contact_id None) or a related contact."""
    client = _chart(client)
    require(by, "portal_access", client.id)
    cand = _candidate(client, contact_id)
    email = clean_email(email if email is not None else cand.email)
    with database.atomic():
        lock_chart(client)
        if current_access(client) is not None:
            raise StateConflict("This chart already has a portal owner; use Change Ownership instead.")
        _start_access(by, client, cand, email)
        record(by, "access.activate", chart=client.id, detail=cand.relationship)
    return owner_state(client)


def resend_invite(by: Actor, client: Client | int) -> OwnerState:
    """Void every earlier code and send a fresh one with a new window."""
    client = _chart(client)
    require(by, "portal_access", client.id)
    with database.atomic():
        access = _require_current(client)
        if access.account_id is not None:
            raise StateConflict("The owner has already registered; there is no invitation to resend.")
        _void_codes(client, clock.now())
        _issue_invitation(by, client, access, is_resend=True)
    return owner_state(client)


def unlock_owner_login(by: Actor, client: Client | int) -> bool:
    """Lift the lockout of the chart owner's portal login; True if one was lifted."""
    client = _chart(client)
    require(by, "portal_access", client.id)
    from .auth import unlock_client_account  # auth builds on this module

    access = current_access(client)
    if access is None or access.account_id is None:
        raise StateConflict("This chart's owner has no portal login to unlock.")
    return unlock_client_account(by, access.account_id)


def revoke_access(by: Actor, client: Client | int) -> OwnerState:
    """End the owner's access at once: codes voided, open sessions ended."""
    client = _chart(client)
    require(by, "portal_access", client.id)
    with database.atomic():
        access = _require_current(client)
        _void_codes(client, clock.now(), revoke=True)
        _end_access(by, client, access, "revoked")
        record(by, "access.revoke", chart=client.id)
    return owner_state(client)


def change_ownership(by: Actor, client: Client | int, *, contact_id: int | None, email: str | None = None) -> OwnerState:
    """Hand the chart to another owner: the old one loses it, the new one is invited or granted."""
    client = _chart(client)
    require(by, "portal_access", client.id)
    cand = _candidate(client, contact_id)
    email = clean_email(email if email is not None else cand.email)
    with database.atomic():
        access = _require_current(client)
        if access.contact_id == cand.contact_id and email_key(access.email) == email_key(email):
            raise StateConflict(f"{cand.name} already owns this chart's portal access.")
        _void_codes(client, clock.now())
        _end_access(by, client, access, "ownership_changed")
        _start_access(by, client, cand, email)
        record(by, "access.change_owner", chart=client.id, detail=f"to {cand.relationship}")
    return owner_state(client)


def charts_of_account(account: PortalAccount | int) -> list[Client]:
    """The charts an account owns right now."""
    return list(
        Client.select()
        .join(ChartAccess, on=(ChartAccess.client == Client.id))
        .where((ChartAccess.account == account) & ChartAccess.ended_at.is_null())
        .order_by(Client.first_name_key)
    )


def has_access(account_id: int, chart_id: int) -> bool:
    return (
        ChartAccess.select()
        .where(
            (ChartAccess.account == account_id) & (ChartAccess.client == chart_id) & ChartAccess.ended_at.is_null()
        )
        .exists()
    )
