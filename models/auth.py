"""Logins for clients and staff, sessions, lockout, password change and reset.

Every failed login gets the same answer, whatever the reason (unknown name,
wrong password, locked, no charts left), and an unknown name still costs one
argon2 verify. Five consecutive failures lock an account for 15 minutes
against new sign-ins; open sessions go on (a stranger must not be able to
sign a person out), and a client is told by email. Sessions are rows: ending
one (revoke, logout) ends it wherever it runs, because apps poll
`session_status`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import clock, codes, passwords, throttle
from .chart_owner import charts_of_account, has_access
from .audit import Actor, record
from .config import current_web_url
from .dates import parse_dob
from .db import database, lock_rows
from .errors import DomainError, NotAllowed
from .outbox import enqueue
from .pacing import Pace
from .practice import get_practice
from .tables import Client, LoginSession, PasswordReset, PortalAccount, StaffUser
from .text import InvalidInput, email_key, fold

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
RESET_VALID = dt.timedelta(hours=1)
RESETS_PER_ACCOUNT = 3                      # reset emails to one account ...
RESET_REQUEST_WINDOW = dt.timedelta(hours=1)  # ... within this window
RESET_PACE = Pace(0.4)                      # every reset request takes this long, at least

# One message whatever went wrong (unknown email, wrong password, a locked login,
# access revoked): it says every case that is possible, so it reveals none and
# misleads none. The locked person also gets an email (account_locked).
_PAUSED = f"paused for {int(LOCKOUT.total_seconds() // 60)} minutes after {MAX_FAILURES} wrong passwords"
LOGIN_FAILED = (
    "That didn't work. Check your email and password and try again. If it still fails, "
    f"your login may be {_PAUSED} (we email you when that happens), or your portal access "
    "may have ended: the front desk can help."
)
STAFF_LOGIN_FAILED = (
    f"That username and password didn't work, or the account is {_PAUSED}. "
    "Wait and try again, or ask another administrator to unlock it."
)


class AuthError(DomainError):
    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str = ""
    session_id: int | None = None
    account_id: int | None = None
    staff_id: int | None = None
    must_change_password: bool = False    # staff: a temporary password an admin set
    needs: str = ""                       # staff: "code" or "enroll" when a second factor comes next
    ticket: Any = None                    # ... with the two_factor.Ticket that carries it there


def claim_attempt(model, row_id: int, now: dt.datetime) -> int | None:
    """Take one of the account's attempts before its password is checked.

    Returns the account's failure count including this attempt, or None when
    the account is locked. Atomic updates, so a burst of simultaneous tries
    gets exactly MAX_FAILURES answers on SQLite and on PostgreSQL: the
    MAX_FAILURES-th claim also sets the lock, so even an attempt that dies
    half-way leaves the account locked for LOCKOUT, not for ever.
    """
    with database.atomic():
        model.update(failed_logins=0, locked_until=None).where(
            (model.id == row_id) & (model.locked_until <= now)
        ).execute()
        claimed = (
            model.update(failed_logins=model.failed_logins + 1)
            .where((model.id == row_id) & model.locked_until.is_null() & (model.failed_logins < MAX_FAILURES))
            .execute()
        )
        if not claimed:
            return None
        model.update(locked_until=now + LOCKOUT).where(
            (model.id == row_id) & (model.failed_logins >= MAX_FAILURES)
        ).execute()
        return model.select(model.failed_logins).where(model.id == row_id).scalar()


def note_lockout(model, row, now: dt.datetime, actor: Actor) -> None:
    """The attempt that used up the last try: audit it and tell the owner.

    Open sessions go on: ending them would let anyone sign a person out.
    Staff users have no email address on file; their lock shows to admins.
    """
    record(actor, "lockout", outcome="locked", detail=f"{MAX_FAILURES} failed logins")
    if model is PortalAccount:
        practice = get_practice()
        enqueue(
            "account_locked",
            row.email,
            row.display_name,
            {
                "practice_name": practice.name,
                "practice_phone": practice.phone,
                "to_name": row.display_name,
                "locked_until": (now + LOCKOUT).isoformat(),
                "time_zone": practice.time_zone,
            },
        )


def _check_password(model, row, password: str, actor: Actor, action: str, *, reset_failures: bool = True) -> bool:
    """Verify a password as a login does: counted, locked out after
    MAX_FAILURES in a row, audited. Every refusal costs one argon2 verify.

    `reset_failures=False` when a second factor follows: the count is cleared
    only once the code is right too, or knowing the password would buy
    unlimited guesses at the code."""
    now = clock.now()
    if row is None:
        passwords.dummy_verify(password)
        record(actor, action, outcome="failed")
        return False
    failures = claim_attempt(model, row.id, now)
    if failures is None:
        passwords.dummy_verify(password)
        record(actor, action, outcome="locked")
        return False
    if not passwords.verify(row.password_hash, password):
        with database.atomic():
            if failures >= MAX_FAILURES:
                note_lockout(model, row, now, actor)
            record(actor, action, outcome="failed")
        return False
    changes: dict = {"failed_logins": 0, "locked_until": None} if reset_failures else {}
    if passwords.needs_rehash(row.password_hash):
        changes["password_hash"] = passwords.hash_password(password)
    if changes:
        model.update(**changes).where(model.id == row.id).execute()
    return True


def verify_account_password(account: PortalAccount, password: str, source: str, action: str) -> bool:
    """An existing account's password checked outside the login screen
    (registration adding a chart): the same count, lockout and audit as a login."""
    return _check_password(PortalAccount, account, password, Actor("client", str(account.id), source), action)


def _unlock(by: Actor, model, row_id: int, what: str) -> bool:
    now = clock.now()
    with database.atomic():
        lifted = model.update(failed_logins=0, locked_until=None).where(
            (model.id == row_id) & (model.locked_until > now)
        ).execute()
        if lifted:
            record(by, "unlock", detail=f"{what} {row_id}")
    return bool(lifted)


def unlock_client_account(by: Actor, account_id: int) -> bool:
    """Lift a client account's lockout (staff, from the chart); True if one was lifted."""
    return _unlock(by, PortalAccount, account_id, "client account")


def unlock_staff_user(by: Actor, staff_id: int) -> bool:
    """Lift a staff user's lockout (an admin, or the CLI); True if one was lifted."""
    return _unlock(by, StaffUser, staff_id, "staff user")


def client_login(email: str, password: str, source: str = "") -> LoginResult:
    key = email_key(email or "")[:254]
    account = PortalAccount.get_or_none(PortalAccount.email == key) if key else None
    actor = Actor("client", str(account.id) if account else "unknown", source)
    if not _check_password(PortalAccount, account, password, actor, "login"):
        return LoginResult(False, LOGIN_FAILED)
    charts = charts_of_account(account)
    if not charts:
        record(actor, "login", outcome="no_access")
        return LoginResult(False, LOGIN_FAILED)
    now = clock.now()
    with database.atomic():
        session = LoginSession.create(
            kind="client",
            account=account,
            chart=charts[0] if len(charts) == 1 else None,
            source=source,
            created_at=now,
            last_seen_at=now,
        )
        record(actor, "login", chart=session.chart_id)
    return LoginResult(True, session_id=session.id, account_id=account.id)


def staff_login(username: str, password: str, source: str = "") -> LoginResult:
    """The password step; when a second factor is required (models/two_factor.py)
    the result says which comes next and carries the ticket to it."""
    name = (username or "").strip().lower()[:100]
    staff = StaffUser.get_or_none((StaffUser.username == name) & (StaffUser.active == True)) if name else None  # noqa: E712
    actor = Actor("staff", staff.username if staff else "unknown", source)
    from . import two_factor

    second = two_factor.required(source, _two_factor_mode())
    if not _check_password(StaffUser, staff, password, actor, "login", reset_failures=not second):
        return LoginResult(False, STAFF_LOGIN_FAILED)
    if second:
        needs = "code" if two_factor.is_enrolled(staff.id) else "enroll"
        record(actor, "login.password", detail=f"{needs} next")
        return LoginResult(False, staff_id=staff.id, needs=needs, ticket=two_factor.issue_ticket(staff.id))
    return open_staff_session(staff.id, source)


def _two_factor_mode() -> str:
    from .setup import current_settings

    settings = current_settings()
    return settings.staff_two_factor if settings is not None else "remote"


def open_staff_session(staff_id: int, source: str) -> LoginResult:
    """A signed-in staff session, once every step has passed."""
    staff = StaffUser.get_by_id(staff_id)
    now = clock.now()
    with database.atomic():
        session = LoginSession.create(kind="staff", staff=staff, source=source, created_at=now, last_seen_at=now)
        StaffUser.update(last_login_at=now).where(StaffUser.id == staff.id).execute()
        record(Actor("staff", staff.username, source), "login")
    return LoginResult(True, session_id=session.id, staff_id=staff.id, must_change_password=staff.must_change_password)


@dataclass(frozen=True)
class SessionStatus:
    alive: bool
    reason: str = ""


def session_status(session_id: int) -> SessionStatus:
    """Is this session still allowed to go on? Apps poll this every few seconds."""
    session = LoginSession.get_or_none(LoginSession.id == session_id)
    if session is None or session.ended_at is not None:
        return SessionStatus(False, session.end_reason if session else "unknown")
    if session.kind == "client":
        if session.chart_id is not None and not has_access(session.account_id, session.chart_id):
            return SessionStatus(False, "access_ended")
        if not charts_of_account(session.account_id):
            return SessionStatus(False, "access_ended")
    return SessionStatus(True)


def end_session(session_id: int, reason: str = "logout") -> None:
    now = clock.now()
    with database.atomic():
        session = LoginSession.get_or_none(LoginSession.id == session_id)
        if session is None or session.ended_at is not None:
            return
        session.ended_at = now
        session.end_reason = reason
        session.save()
        who = Actor(session.kind, session.staff.username if session.staff_id else str(session.account_id), session.source)
        record(who, "logout", chart=session.chart_id, detail=reason)


def select_chart(session_id: int, chart_id: int) -> Client:
    """Point a client session at one of its charts (a parent switching children)."""
    session = LoginSession.get_by_id(session_id)
    if session.ended_at is not None or session.account_id is None or not has_access(session.account_id, chart_id):
        raise NotAllowed()
    session.chart = chart_id
    session.save()
    return Client.get_by_id(chart_id)


# --- passwords --------------------------------------------------------------


def _personal_words(account: PortalAccount) -> tuple[str, ...]:
    words = [account.display_name, *account.display_name.split(), get_practice().name]
    for client in charts_of_account(account):
        dob = client.date_of_birth
        words += [client.first_name, client.last_name, f"{dob:%m%d%Y}", f"{dob:%Y%m%d}", str(dob.year)]
    return tuple(words)


def _set_password(account: PortalAccount, new: str, actor: Actor, action: str) -> None:
    now = clock.now()
    new_hash = passwords.hash_password(new)
    with database.atomic():
        PortalAccount.update(password_hash=new_hash, password_changed_at=now, failed_logins=0, locked_until=None).where(
            PortalAccount.id == account.id
        ).execute()
        practice = get_practice()
        enqueue(
            "password_changed",
            account.email,
            account.display_name,
            {
                "practice_name": practice.name,
                "practice_phone": practice.phone,
                "to_name": account.display_name,
                "changed_at": now.isoformat(),
                "time_zone": practice.time_zone,
            },
        )
        record(actor, action)


def change_password(account_id: int, current: str, new: str, confirm: str, source: str = "") -> None:
    account = PortalAccount.get_by_id(account_id)
    actor = Actor("client", str(account.id), source)
    if not passwords.verify(account.password_hash, current):
        record(actor, "password.change", outcome="failed")
        raise AuthError("Your current password is not right.", field="current")
    verdict = passwords.check_policy(new, confirm, personal=_personal_words(account))
    if not verdict.ok:
        raise AuthError(verdict.reason, field="new")
    _set_password(account, new, actor, "password.change")


def request_password_reset(email: str, last_name: str, date_of_birth: str, source: str = "") -> None:
    """Email a reset code if the email, last name and DOB belong together.

    The caller always shows the same answer, and this takes the same time
    whatever matched (RESET_PACE): the same lookups run for an unknown email,
    and the call returns no sooner than the pace's floor. At most
    RESETS_PER_ACCOUNT codes an hour go to one account, and a source may ask
    throttle.LIMITS["reset_request"] times an hour; past either, nothing is
    sent and the answer is still the same.
    """
    with RESET_PACE.floor():
        _request_password_reset(email, last_name, date_of_birth, source)


def _request_password_reset(email: str, last_name: str, date_of_birth: str, source: str) -> None:
    actor = Actor("client", "anonymous", source)
    try:
        throttle.reserve(source, "reset_request")
    except throttle.Throttled:
        record(actor, "password.reset_request", outcome="throttled")
        return
    try:
        dob = parse_dob(date_of_birth)
    except InvalidInput:
        dob = None
    account = PortalAccount.get_or_none(PortalAccount.email == email_key(email or "")[:254])
    charts = charts_of_account(account.id if account else 0)  # the same query for an unknown email
    matches = account is not None and dob is not None and any(
        c.last_name_key == fold(last_name) and c.date_of_birth == dob for c in charts
    )
    code = codes.new_code()
    code_digest = codes.digest(code, "reset")
    now = clock.now()
    with database.atomic():
        if not matches:
            record(actor, "password.reset_request", outcome="no_match")
            return
        lock_rows(PortalAccount.select(PortalAccount.id).where(PortalAccount.id == account.id)).first()
        recent = PasswordReset.select().where(
            (PasswordReset.account == account) & (PasswordReset.created_at > now - RESET_REQUEST_WINDOW)
        ).count()
        if recent >= RESETS_PER_ACCOUNT:
            record(Actor("client", str(account.id), source), "password.reset_request", outcome="throttled")
            return
        PasswordReset.update(consumed_at=now).where(
            (PasswordReset.account == account) & PasswordReset.consumed_at.is_null()
        ).execute()
        reset = PasswordReset.create(account=account, code_digest=code_digest, created_at=now, expires_at=now + RESET_VALID)
        practice = get_practice()
        enqueue(
            "password_reset",
            account.email,
            account.display_name,
            {
                "practice_name": practice.name,
                "practice_phone": practice.phone,
                "to_name": account.display_name,
                "code": codes.grouped(code),
                "expires_at": reset.expires_at.isoformat(),
                "time_zone": practice.time_zone,
                "ssh_host": practice.portal_host,
                "ssh_port": practice.portal_port,
                "web_url": current_web_url(),  # the portal's front page in a browser
            },
        )
        record(Actor("client", str(account.id), source), "password.reset_request")


RESET_BAD_CODE = "That reset code can't be used. Reset codes work once, for one hour. Ask for a new one."


def reset_password(typed_code: str, new: str, confirm: str, source: str = "") -> str:
    """Set a new password with an emailed reset code; returns the account's email."""
    try:
        slot = throttle.reserve(source, "reset_code")
    except throttle.Throttled as exc:
        raise AuthError(exc.message, field="code") from None
    code = codes.normalize(typed_code)
    now = clock.now()
    reset = PasswordReset.get_or_none(PasswordReset.code_digest == codes.digest(code, "reset")) if code else None
    if reset is None or reset.consumed_at is not None or reset.expires_at <= now:
        record(Actor("client", "anonymous", source), "password.reset", outcome="bad_code")
        raise AuthError(RESET_BAD_CODE, field="code")
    throttle.give_back(slot)
    account = PortalAccount.get_by_id(reset.account_id)
    verdict = passwords.check_policy(new, confirm, personal=_personal_words(account))
    if not verdict.ok:
        raise AuthError(verdict.reason, field="new")
    with database.atomic():
        used = PasswordReset.update(consumed_at=now).where(
            (PasswordReset.id == reset.id) & PasswordReset.consumed_at.is_null()
        ).execute()
        if used != 1:
            raise AuthError(RESET_BAD_CODE, field="code")
        _set_password(account, new, Actor("client", str(account.id), source), "password.reset")
    return account.email


def add_staff_user(
    username: str, full_name: str, role: str, password: str, by: Actor | None = None, *, email: str = ""
) -> StaffUser:
    from .audit import SYSTEM
    from .text import clean_email, clean_name

    name = (username or "").strip().lower()
    if not name or not name.replace(".", "").replace("_", "").replace("-", "").isalnum() or len(name) > 40:
        raise InvalidInput("username", "A username is 1-40 letters, digits, dots, dashes or underscores.")
    if role not in ("admin", "clinician", "front_desk"):
        raise InvalidInput("role", "Role is admin, clinician or front_desk.")
    verdict = passwords.check_policy(password, personal=(name, full_name))
    if not verdict.ok:
        raise InvalidInput("password", verdict.reason)
    if StaffUser.select().where(StaffUser.username == name).exists():
        raise InvalidInput("username", "That username is taken.")
    email = clean_email(email, required=False)
    with database.atomic():
        staff = StaffUser.create(
            username=name,
            full_name=clean_name(full_name, "full_name"),
            role=role,
            email=email,
            password_hash=passwords.hash_password(password),
            created_at=clock.now(),
        )
        record(by or SYSTEM, "staff.add", detail=name)
    return staff
