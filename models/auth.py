"""Logins for clients and staff, sessions, lockout, password change and reset.

Every failed login gets the same answer, whatever the reason (unknown name,
wrong password, locked, no charts left), and an unknown name still costs one
argon2 verify. Five consecutive failures lock an account for 15 minutes.
Sessions are rows: ending one (revoke, lockout, logout) ends it wherever it
runs, because apps poll `session_status`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import clock, codes, passwords, throttle
from .access import charts_of_account, has_access
from .audit import Actor, record
from .dates import parse_dob
from .db import database
from .errors import DomainError, NotAllowed
from .outbox import enqueue
from .practice import get_practice
from .tables import Client, LoginSession, PasswordReset, PortalAccount, StaffUser
from .text import InvalidInput, email_key, fold

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
RESET_VALID = dt.timedelta(hours=1)
MAX_RESET_ATTEMPTS = 5

LOGIN_FAILED = "That didn't work. Check your email and password and try again, or ask the front desk for help."
STAFF_LOGIN_FAILED = "That username and password didn't work, or the account is locked. Ask an administrator if this keeps happening."


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


def _locked(row, now: dt.datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def _check_password(model, row, password: str, actor: Actor, action: str, chart=None) -> bool:
    """Verify with lockout bookkeeping; returns True on success."""
    now = clock.now()
    if row is None:
        passwords.dummy_verify(password)
        record(actor, action, outcome="failed")
        return False
    matched = passwords.verify(row.password_hash, password)
    with database.atomic():
        row = model.get_by_id(row.id)
        if row.locked_until is not None and row.locked_until <= now:
            row.failed_logins = 0
            row.locked_until = None
        if _locked(row, now):
            row.save()
            record(actor, action, outcome="locked")
            return False
        if not matched:
            row.failed_logins += 1
            if row.failed_logins >= MAX_FAILURES:
                row.locked_until = now + LOCKOUT
                record(actor, "lockout", outcome="locked", detail=f"{MAX_FAILURES} failed logins")
                model.update(locked_until=row.locked_until, failed_logins=row.failed_logins).where(model.id == row.id).execute()
                LoginSession.update(ended_at=now, end_reason="lockout").where(
                    (LoginSession.account == row.id if model is PortalAccount else LoginSession.staff == row.id)
                    & LoginSession.ended_at.is_null()
                ).execute()
            else:
                row.save()
            record(actor, action, outcome="failed")
            return False
        row.failed_logins = 0
        if passwords.needs_rehash(row.password_hash):
            row.password_hash = passwords.hash_password(password)
        row.save()
    return True


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
    name = (username or "").strip().lower()[:100]
    staff = StaffUser.get_or_none((StaffUser.username == name) & (StaffUser.active == True)) if name else None  # noqa: E712
    actor = Actor("staff", staff.username if staff else "unknown", source)
    if not _check_password(StaffUser, staff, password, actor, "login"):
        return LoginResult(False, STAFF_LOGIN_FAILED)
    now = clock.now()
    with database.atomic():
        session = LoginSession.create(kind="staff", staff=staff, source=source, created_at=now, last_seen_at=now)
        record(actor, "login")
    return LoginResult(True, session_id=session.id, staff_id=staff.id)


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

    The caller always shows the same answer; nothing here says which part was wrong.
    """
    actor = Actor("client", "anonymous", source)
    try:
        dob = parse_dob(date_of_birth)
    except InvalidInput:
        dob = None
    account = PortalAccount.get_or_none(PortalAccount.email == email_key(email or "")[:254])
    matches = account is not None and dob is not None and any(
        c.last_name_key == fold(last_name) and c.date_of_birth == dob for c in charts_of_account(account)
    )
    if not matches:
        record(actor, "password.reset_request", outcome="no_match")
        return
    now = clock.now()
    code = codes.new_code()
    practice = get_practice()
    with database.atomic():
        PasswordReset.update(consumed_at=now).where(
            (PasswordReset.account == account) & PasswordReset.consumed_at.is_null()
        ).execute()
        reset = PasswordReset.create(
            account=account, code_digest=codes.digest(code, "reset"), created_at=now, expires_at=now + RESET_VALID
        )
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
            },
        )
        record(Actor("client", str(account.id), source), "password.reset_request")


RESET_BAD_CODE = "That reset code can't be used. Reset codes work once, for one hour. Ask for a new one."


def reset_password(typed_code: str, new: str, confirm: str, source: str = "") -> str:
    """Set a new password with an emailed reset code; returns the account's email."""
    try:
        throttle.check(source, "reset_code")
    except throttle.Throttled as exc:
        raise AuthError(exc.message, field="code") from None
    code = codes.normalize(typed_code)
    now = clock.now()
    reset = PasswordReset.get_or_none(PasswordReset.code_digest == codes.digest(code, "reset")) if code else None
    if reset is None or reset.consumed_at is not None or reset.expires_at <= now:
        with database.atomic():
            throttle.note_failure(source, "reset_code")
            record(Actor("client", "anonymous", source), "password.reset", outcome="bad_code")
        raise AuthError(RESET_BAD_CODE, field="code")
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


def add_staff_user(username: str, full_name: str, role: str, password: str, by: Actor | None = None) -> StaffUser:
    from .audit import SYSTEM
    from .text import clean_name

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
    with database.atomic():
        staff = StaffUser.create(
            username=name,
            full_name=clean_name(full_name, "full_name"),
            role=role,
            password_hash=passwords.hash_password(password),
            created_at=clock.now(),
        )
        record(by or SYSTEM, "staff.add", detail=name)
    return staff
