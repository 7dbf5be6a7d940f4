"""Two-factor sign-in for staff: TOTP (RFC 6238, pyotp) and recovery codes.

- The secret is stored encrypted (AES-GCM) under a key derived from
  secret.key with HKDF, so a copy of the database alone gives no codes.
- Enrolment: a pending secret, confirmed by a first good code; then ten
  single-use recovery codes are shown once and kept as HMAC digests.
- A code is accepted within one 30 s step of clock skew, and only once: the
  newest accepted step is stored and moved forward by an atomic UPDATE, so a
  replayed (or simultaneously reused) code is refused.
- Wrong codes are counted with wrong passwords (models/auth.py's attempt
  claims), so the lockout covers both.
- Between the password and the code the app holds a `Ticket`: proof, signed
  with secret.key and valid for a few minutes, that the password was right.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

import pyotp

from . import clock, codes
from .audit import Actor, record
from .auth import MAX_FAILURES, LoginResult, claim_attempt, note_lockout, open_staff_session
from .db import database
from .errors import NotAllowed, NotFound, StateConflict
from .roles import require
from .tables import StaffRecoveryCode, StaffTwoFactor, StaffUser
from .text import InvalidInput

STEP = 30                      # seconds per TOTP code
SKEW_STEPS = 1                 # a phone's clock a step off is still accepted
RECOVERY_CODES = 10
TICKET_SECONDS = 600           # between the password and the code (or the end of enrolment)
ISSUER = "Client Portal"
MODES = ("remote", "always", "off")
REMOTE_SOURCES = ("ssh:", "web:")   # how the doors name a session's source
BAD_CODE = "That code didn't work. Type the 6 digits your authenticator app shows now, or a recovery code."


@dataclass(frozen=True)
class Enrollment:
    secret: str                # base32, for typing into an authenticator app
    uri: str                   # otpauth:// for the QR code


@dataclass(frozen=True)
class Ticket:
    """The password step passed for `staff_id` at `issued` (UTC seconds)."""

    staff_id: int
    issued: int
    mac: str


def _cipher():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal staff totp v1").derive(codes.key())
    return AESGCM(key)


def _seal(secret: str, staff_id: int) -> str:
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, secret.encode(), f"staff:{staff_id}".encode())
    return base64.b64encode(nonce + sealed).decode()


def _open(sealed: str, staff_id: int) -> str:
    raw = base64.b64decode(sealed)
    return _cipher().decrypt(raw[:12], raw[12:], f"staff:{staff_id}".encode()).decode()


def _step(at: dt.datetime) -> int:
    return int(at.replace(tzinfo=dt.timezone.utc).timestamp()) // STEP


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    totp = pyotp.TOTP(secret, interval=STEP)
    current = _step(now)
    for step in range(current - SKEW_STEPS, current + SKEW_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def required(source: str, mode: str) -> bool:
    """Does a staff sign-in from `source` need a second factor under `mode`?"""
    if mode == "off":
        return False
    if mode == "always":
        return True
    return source.startswith(REMOTE_SOURCES)


def is_enrolled(staff_id: int) -> bool:
    return StaffTwoFactor.select().where(
        (StaffTwoFactor.staff == staff_id) & StaffTwoFactor.confirmed_at.is_null(False)
    ).exists()


# --- the ticket between password and code ---------------------------------------


def _ticket_mac(staff_id: int, issued: int) -> str:
    return hmac.new(codes.key(), f"staff-2fa:{staff_id}:{issued}".encode(), hashlib.sha256).hexdigest()


def issue_ticket(staff_id: int) -> Ticket:
    issued = int(clock.now().replace(tzinfo=dt.timezone.utc).timestamp())
    return Ticket(staff_id, issued, _ticket_mac(staff_id, issued))


def _check_ticket(ticket: Ticket) -> None:
    now = int(clock.now().replace(tzinfo=dt.timezone.utc).timestamp())
    if not hmac.compare_digest(ticket.mac, _ticket_mac(ticket.staff_id, ticket.issued)) or not (
        0 <= now - ticket.issued <= TICKET_SECONDS
    ):
        raise NotAllowed("Too much time passed since your password was checked. Please sign in again.")


# --- enrolment -------------------------------------------------------------------


def begin_enrollment(ticket: Ticket) -> Enrollment:
    """A new pending secret for the ticket's staff user (replacing a pending one)."""
    _check_ticket(ticket)
    staff = StaffUser.get_by_id(ticket.staff_id)
    secret = pyotp.random_base32()
    with database.atomic():
        existing = StaffTwoFactor.get_or_none(StaffTwoFactor.staff == staff.id)
        if existing is not None and existing.confirmed_at is not None:
            raise StateConflict("Two-factor sign-in is already set up for this account.")
        StaffTwoFactor.delete().where(StaffTwoFactor.staff == staff.id).execute()
        StaffTwoFactor.create(staff=staff.id, secret=_seal(secret, staff.id), created_at=clock.now())
    uri = pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=staff.username, issuer_name=ISSUER)
    return Enrollment(secret, uri)


def _new_recovery_codes(staff_id: int) -> tuple[str, ...]:
    made = tuple("-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODES))
    StaffRecoveryCode.delete().where(StaffRecoveryCode.staff == staff_id).execute()
    StaffRecoveryCode.insert_many(
        [{"staff": staff_id, "digest": codes.digest(code, "staff-recovery")} for code in made]
    ).execute()
    return made


@dataclass(frozen=True)
class Enrolled:
    recovery_codes: tuple[str, ...]    # shown once, then only their digests remain
    result: LoginResult                # the session the enrolment completes


def confirm_enrollment(ticket: Ticket, code: str, source: str = "") -> Enrolled:
    """The first good code confirms the secret and completes the sign-in."""
    _check_ticket(ticket)
    code = (code or "").strip().replace(" ", "")
    now = clock.now()
    staff = StaffUser.get_by_id(ticket.staff_id)
    with database.atomic():
        pending = StaffTwoFactor.get_or_none(
            (StaffTwoFactor.staff == staff.id) & StaffTwoFactor.confirmed_at.is_null()
        )
        if pending is None:
            raise StateConflict("Start the set-up again: no code is waiting to be confirmed.")
        step = _matching_step(_open(pending.secret, staff.id), code, now) if code.isdigit() else None
        if step is None:
            raise InvalidInput("code", "That code didn't match. Check the time on your phone and type the code shown now.")
        StaffTwoFactor.update(confirmed_at=now, last_step=step).where(StaffTwoFactor.id == pending.id).execute()
        StaffUser.update(failed_logins=0, locked_until=None).where(StaffUser.id == staff.id).execute()
        made = _new_recovery_codes(staff.id)
        record(Actor("staff", staff.username, source), "two_factor.enroll")
    return Enrolled(made, open_staff_session(staff.id, source))


def reset_enrollment(by: Actor, staff_id: int) -> None:
    """An admin clears a lost phone's enrolment: the user sets it up again at the next sign-in."""
    require(by, "staff_admin", action="two_factor.reset")
    with database.atomic():
        staff = StaffUser.get_or_none(StaffUser.id == staff_id)
        if staff is None:
            raise NotFound("There is no such staff user.")
        StaffTwoFactor.delete().where(StaffTwoFactor.staff == staff_id).execute()
        StaffRecoveryCode.delete().where(StaffRecoveryCode.staff == staff_id).execute()
        record(by, "two_factor.reset", detail=staff.username)


# --- signing in --------------------------------------------------------------------


def _use_totp(staff_id: int, code: str, now: dt.datetime) -> bool:
    enrolment = StaffTwoFactor.get_or_none(
        (StaffTwoFactor.staff == staff_id) & StaffTwoFactor.confirmed_at.is_null(False)
    )
    if enrolment is None:
        return False
    step = _matching_step(_open(enrolment.secret, staff_id), code, now)
    if step is None:
        return False
    # Only forward: the same step twice (a replay, or two tries at once) is refused.
    return bool(StaffTwoFactor.update(last_step=step).where(
        (StaffTwoFactor.id == enrolment.id) & (StaffTwoFactor.last_step < step)
    ).execute())


def _use_recovery(staff_id: int, code: str, now: dt.datetime) -> bool:
    return bool(StaffRecoveryCode.update(used_at=now).where(
        (StaffRecoveryCode.staff == staff_id)
        & (StaffRecoveryCode.digest == codes.digest(code.lower(), "staff-recovery"))
        & StaffRecoveryCode.used_at.is_null()
    ).execute())


def sign_in_with_code(ticket: Ticket, code: str, source: str = "") -> LoginResult:
    """The second step: a TOTP code or a recovery code, counted toward the lockout."""
    _check_ticket(ticket)
    now = clock.now()
    staff = StaffUser.get_by_id(ticket.staff_id)
    actor = Actor("staff", staff.username, source)
    failures = claim_attempt(StaffUser, staff.id, now)
    if failures is None:
        record(actor, "login.code", outcome="locked")
        return LoginResult(False, BAD_CODE)
    typed = (code or "").strip().replace(" ", "")
    with database.atomic():
        ok = _use_totp(staff.id, typed, now) if typed.isdigit() and len(typed) == 6 else False
        used_recovery = False
        if not ok and len(typed) == 14 and typed.count("-") == 2:
            ok = used_recovery = _use_recovery(staff.id, typed, now)
        if not ok:
            if failures >= MAX_FAILURES:
                note_lockout(StaffUser, staff, now, actor)
            record(actor, "login.code", outcome="failed")
            return LoginResult(False, BAD_CODE)
        StaffUser.update(failed_logins=0, locked_until=None).where(StaffUser.id == staff.id).execute()
        record(actor, "login.code", detail="recovery code" if used_recovery else "")
    return open_staff_session(staff.id, source)


def recovery_codes_left(staff_id: int) -> int:
    return StaffRecoveryCode.select().where(
        (StaffRecoveryCode.staff == staff_id) & StaffRecoveryCode.used_at.is_null()
    ).count()


# --- the demo ---------------------------------------------------------------------


def demo_code(username: str) -> str:
    """The code an authenticator app would show now, for a demo staff user
    (pending or confirmed). Refused outside the demo practice's data dir."""
    from .setup import current_settings

    settings = current_settings()
    if settings is None or not settings.demo:
        raise NotAllowed("Codes are shown only for the demo practice.")
    staff = StaffUser.get_or_none(StaffUser.username == username.strip().lower())
    enrolment = StaffTwoFactor.get_or_none(StaffTwoFactor.staff == staff.id) if staff else None
    if enrolment is None:
        raise NotFound(f"{username} has no two-factor set-up yet: sign in over SSH to start one.")
    return pyotp.TOTP(_open(enrolment.secret, staff.id), interval=STEP).at(
        clock.now().replace(tzinfo=dt.timezone.utc)
    )
