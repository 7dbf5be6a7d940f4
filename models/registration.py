"""A client registers with an emailed code, their last name, date of birth and a password.

Every bad code (unknown, expired, used, replaced, revoked, locked) gets the
same answer. Three failed last-name/DOB matches lock the invitation; staff
must resend. The code is consumed atomically with the account's creation.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import clock, codes, passwords, throttle
from .chart_owner import is_usable, lock_chart, valid_days
from .audit import Actor, record
from .dates import parse_dob
from .auth import LOGIN_FAILED, verify_account_password
from .db import database, lock_rows
from .errors import DomainError
from .practice import get_practice
from .tables import ChartAccess, Client, Invitation, PortalAccount
from .text import InvalidInput, email_key, fold

MAX_MATCH_FAILURES = 3

BAD_CODE = (
    "That code can't be used. Codes work once and only for {days} days, and a new "
    "invitation replaces the old one. Please ask the front desk to send you a new invitation."
)
NO_MATCH = "The last name or date of birth doesn't match our records. {left}"
LOCKED = (
    "For your security this invitation is now locked after too many attempts. "
    "Please ask the front desk to send you a new invitation."
)


class RegistrationError(DomainError):
    def __init__(self, message: str, *, field: str = "", locked: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.locked = locked


def bad_code_message() -> str:
    return BAD_CODE.format(days=valid_days())


def _find(typed_code: str, *, lock: bool = False) -> Invitation | None:
    """The usable invitation behind a typed code; with `lock`, its row is
    locked for the rest of the transaction, so identity tries take turns."""
    code = codes.normalize(typed_code)
    if code is None:
        return None
    query = Invitation.select().where(Invitation.code_digest == codes.digest(code))
    inv = (lock_rows(query) if lock else query).first()
    if inv is None or not is_usable(inv, clock.now()):
        return None
    return inv


def check_code(typed_code: str, source: str = "") -> bool:
    """Step one at the kiosk: is this a code that can still be used?

    Raises throttle.Throttled when this source has guessed too often. Every
    try takes a slot first; a good code gives it back.
    """
    slot = throttle.reserve(source, "invite_code")
    ok = _find(typed_code) is not None
    if ok:
        throttle.give_back(slot)
    else:
        record(Actor("client", "anonymous", source), "register.code", outcome="refused")
    return ok


@dataclass(frozen=True)
class Registered:
    account_id: int
    email: str
    chart_id: int
    existing_account: bool


def _personal_words(client: Client) -> tuple[str, ...]:
    dob = client.date_of_birth
    return (
        client.first_name,
        client.last_name,
        f"{dob:%m%d%Y}",
        f"{dob:%Y%m%d}",
        f"{dob:%m%d%y}",
        str(dob.year),
        get_practice().name,
    )


def _count_failed_match(inv: Invitation, actor: Actor) -> RegistrationError:
    """One more failed last-name/DOB match; the caller holds the invitation's row lock."""
    Invitation.update(failed_matches=Invitation.failed_matches + 1).where(Invitation.id == inv.id).execute()
    locked = (
        Invitation.update(locked_at=clock.now())
        .where((Invitation.id == inv.id) & (Invitation.failed_matches >= MAX_MATCH_FAILURES) & Invitation.locked_at.is_null())
        .execute()
    )
    record(actor, "register", chart=inv.client_id, outcome="locked" if locked else "no_match")
    if locked:
        return RegistrationError(LOCKED, locked=True)
    failed = Invitation.select(Invitation.failed_matches).where(Invitation.id == inv.id).scalar()
    left = MAX_MATCH_FAILURES - failed
    return RegistrationError(
        NO_MATCH.format(left=f"You can try {left} more time{'s' if left != 1 else ''}."), field="identity"
    )


def register(typed_code: str, last_name: str, date_of_birth: str, password: str, confirm: str, source: str = "") -> Registered:
    actor = Actor("client", "anonymous", source)
    try:
        dob = parse_dob(date_of_birth)
    except InvalidInput as exc:
        raise RegistrationError(exc.message, field="date_of_birth") from None

    # 1. The code and the identity check, with the failure count, in one short
    #    transaction that commits before any refusal is raised.
    #    The invitation's row lock makes simultaneous tries take turns, so
    #    exactly MAX_MATCH_FAILURES of them are ever compared.
    refusal: RegistrationError | None = None
    try:
        slot = throttle.reserve(source, "invite_code")
    except throttle.Throttled as exc:
        raise RegistrationError(exc.message, field="code") from None
    with database.atomic():
        inv = _find(typed_code, lock=True)
        if inv is None:
            record(actor, "register", outcome="bad_code")
            refusal = RegistrationError(bad_code_message(), field="code")
        else:
            throttle.give_back(slot)
            client = Client.get_by_id(inv.client_id)
            if fold(last_name) != client.last_name_key or dob != client.date_of_birth:
                refusal = _count_failed_match(inv, actor)
            else:
                access = ChartAccess.get_by_id(inv.access_id)
                existing = PortalAccount.get_or_none(PortalAccount.email == email_key(inv.email))
    if refusal is not None:
        raise refusal

    # 2. The password, checked and hashed outside any transaction (argon2 is slow).
    #    An existing account's password goes through the login's own check:
    #    counted, locked out, audited, and refused with the login's one message.
    if existing is not None:
        if not verify_account_password(existing, password, source, "register.existing_account"):
            raise RegistrationError(LOGIN_FAILED, field="password")
        new_hash = None
    else:
        verdict = passwords.check_policy(password, confirm, personal=_personal_words(client))
        if not verdict.ok:
            raise RegistrationError(verdict.reason, field="password")
        new_hash = passwords.hash_password(password)

    # 3. Consume the code and create or link the account, atomically.
    now = clock.now()
    with database.atomic():
        lock_chart(client)
        consumed = (
            Invitation.update(consumed_at=now)
            .where(
                (Invitation.id == inv.id)
                & Invitation.consumed_at.is_null()
                & Invitation.superseded_at.is_null()
                & Invitation.revoked_at.is_null()
                & Invitation.locked_at.is_null()
                & (Invitation.expires_at > now)
            )
            .execute()
        )
        access = ChartAccess.get_by_id(access.id)
        if consumed != 1 or access.ended_at is not None:
            # Lost a race with a resend, revoke or another registration.
            raise RegistrationError(bad_code_message(), field="code")
        account = PortalAccount.get_or_none(PortalAccount.email == email_key(inv.email))
        if account is None:
            account = PortalAccount.create(
                email=email_key(inv.email),
                display_name=access.owner_name,
                password_hash=new_hash,
                created_at=now,
                password_changed_at=now,
            )
        access.account = account
        access.granted_at = now
        access.save()
        record(Actor("client", str(account.id), source), "register", chart=client.id, detail="existing account" if existing else "")
    return Registered(account.id, account.email, client.id, existing is not None)
