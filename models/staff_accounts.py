"""Staff accounts: who may manage them, and the rules that keep a practice
able to sign in.

- Only an active admin (or the `portal staff` CLI on the server, as SYSTEM)
  manages staff (models/roles.py, "staff_admin"); every refusal is a clear
  message and an audit row.
- The last active admin can be neither deactivated nor demoted, even when two
  admins act on each other at once: the active admins' rows are locked before
  they are counted (SQLite's IMMEDIATE transactions take turns already).
- Deactivating ends the person's open sessions at once (the apps poll
  `session_status`); their name stays on everything they did.
- A reset gives a one-time temporary password that must be changed at the
  next sign-in: the admin passes it on but never learns the new password.
- An email on file is optional: a risk alert on a chart goes to its
  clinician's (models/forms/alerts.py), else to the practice's address.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from . import clock, passwords
from .audit import Actor, record
from .auth import unlock_staff_user
from .db import database, lock_rows
from .errors import NotAllowed, NotFound, StateConflict
from .roles import require
from .tables import LoginSession, StaffTwoFactor, StaffUser
from .text import InvalidInput, clean_email
from .two_factor import is_enrolled

ROLES = {"admin": "Administrator", "clinician": "Clinician", "front_desk": "Front desk"}
# Temporary passwords: five groups of four from an alphabet without look-alikes
# (~100 bits), easy to read out over the phone.
TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LAST_ADMIN = "{name} is the last active administrator: make another administrator first."


@dataclass(frozen=True)
class StaffLine:
    staff_id: int
    username: str
    full_name: str
    role: str
    active: bool
    last_login_at: dt.datetime | None
    failed_logins: int
    locked_until: dt.datetime | None
    must_change_password: bool
    two_factor: bool = False
    email: str = ""

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


def _line(s: StaffUser, two_factor: bool | None = None) -> StaffLine:
    """`two_factor` given when a list has read it for everyone at once."""
    if two_factor is None:
        two_factor = is_enrolled(s.id)
    return StaffLine(s.id, s.username, s.full_name, s.role, s.active, s.last_login_at,
                     s.failed_logins, s.locked_until, s.must_change_password, two_factor, s.email or "")


def _target(staff_id: int) -> StaffUser:
    staff = StaffUser.get_or_none(StaffUser.id == staff_id)
    if staff is None:
        raise NotFound("There is no such staff user.")
    return staff


def _keep_an_admin(by: Actor, target: StaffUser, *, demoting: bool = True) -> None:
    """Refuse a change that would leave no active admin; call inside the transaction.

    The admins' rows and the target's are locked in one statement, in id
    order (so simultaneous changes neither deadlock nor both pass), then
    counted, and the actor is checked again under the lock: an admin demoted
    a moment ago by another admin no longer acts as one."""
    admin = (StaffUser.role == "admin") & (StaffUser.active == True)  # noqa: E712
    rows = list(lock_rows(StaffUser.select(StaffUser.id, StaffUser.username, StaffUser.role, StaffUser.active)
                          .where(admin | (StaffUser.id == target.id)).order_by(StaffUser.id)))
    admins = [r for r in rows if r.role == "admin" and r.active]
    if by.kind == "staff" and by.ref not in {a.username for a in admins}:
        raise NotAllowed("Only an administrator can manage staff accounts.")
    if demoting and target.id in {a.id for a in admins} and len(admins) <= 1:
        raise StateConflict(LAST_ADMIN.format(name=target.full_name))


def staff_by_username(username: str) -> StaffLine:
    staff = StaffUser.get_or_none(StaffUser.username == (username or "").strip().lower())
    if staff is None:
        raise NotFound(f"There is no staff user {username!r}.")
    return _line(staff)


def staff_list(by: Actor) -> list[StaffLine]:
    require(by, "staff_admin", action="staff.list")
    enrolled = {row.staff_id for row in StaffTwoFactor.select(StaffTwoFactor.staff).where(StaffTwoFactor.confirmed_at.is_null(False))}
    return [_line(s, s.id in enrolled) for s in StaffUser.select().order_by(StaffUser.active.desc(), StaffUser.full_name)]


def change_role(by: Actor, staff_id: int, role: str) -> StaffLine:
    """A new role, in effect at once: the domain asks the role on every call, and
    the user's open sessions end (the screens they have open were built for the
    old role; they sign in again to screens built for the new one)."""
    if role not in ROLES:
        raise InvalidInput("role", f"Role is one of: {', '.join(ROLES)}.")
    require(by, "staff_admin", action="staff.role")
    with database.atomic():
        target = _target(staff_id)
        if target.role == role:
            return _line(target)
        _keep_an_admin(by, target, demoting=role != "admin")
        StaffUser.update(role=role).where(StaffUser.id == target.id).execute()
        ended = _end_sessions(target.id, "role_changed")
        record(by, "staff.role", detail=f"{target.username} {target.role} -> {role}; {ended} open session(s) ended")
    return _line(_target(staff_id))


def _end_sessions(staff_id: int, reason: str) -> int:
    """End a staff user's open sessions (each app sees it at its next session poll)."""
    return (
        LoginSession.update(ended_at=clock.now(), end_reason=reason)
        .where((LoginSession.staff == staff_id) & LoginSession.ended_at.is_null())
        .execute()
    )


def deactivate(by: Actor, staff_id: int) -> int:
    """Deactivate a staff user and end their open sessions; returns how many ended."""
    require(by, "staff_admin", action="staff.deactivate")
    now = clock.now()
    with database.atomic():
        target = _target(staff_id)
        if not target.active:
            return 0
        _keep_an_admin(by, target)
        StaffUser.update(active=False, deactivated_at=now).where(StaffUser.id == target.id).execute()
        ended = _end_sessions(target.id, "deactivated")
        record(by, "staff.deactivate", detail=f"{target.username}; {ended} open session(s) ended")
    return ended


def reactivate(by: Actor, staff_id: int) -> StaffLine:
    require(by, "staff_admin", action="staff.reactivate")
    with database.atomic():
        target = _target(staff_id)
        StaffUser.update(active=True, deactivated_at=None).where(StaffUser.id == target.id).execute()
        record(by, "staff.reactivate", detail=target.username)
    return _line(_target(staff_id))


def new_temporary_password() -> str:
    return "-".join("".join(secrets.choice(TEMP_ALPHABET) for _ in range(4)) for _ in range(5))


def add_staff_account(by: Actor, username: str, full_name: str, role: str, email: str = "") -> tuple[StaffLine, str]:
    """A new staff user with a temporary password (returned once, to pass on),
    to be replaced at the first sign-in: the admin never knows their password."""
    from .auth import add_staff_user

    require(by, "staff_admin", action="staff.add")
    temporary = new_temporary_password()
    with database.atomic():
        staff = add_staff_user(username, full_name, role, temporary, by=by, email=email)
        StaffUser.update(must_change_password=True).where(StaffUser.id == staff.id).execute()
    return _line(_target(staff.id)), temporary


def reset_password(by: Actor, staff_id: int) -> str:
    """Set a one-time temporary password (returned once, to be passed on) that
    must be changed at the next sign-in; the lock, if any, is lifted."""
    require(by, "staff_admin", action="staff.reset")
    temporary = new_temporary_password()
    digest = passwords.hash_password(temporary)
    with database.atomic():
        target = _target(staff_id)
        StaffUser.update(password_hash=digest, must_change_password=True, failed_logins=0, locked_until=None).where(
            StaffUser.id == target.id
        ).execute()
        record(by, "staff.reset", detail=target.username)
    return temporary


def set_email(by: Actor, staff_id: int, email: str) -> StaffLine:
    """Put a staff user's email on file, change it, or clear it (""); audited
    (the address stays out of the audit detail, as every address does)."""
    email = clean_email(email, required=False)
    require(by, "staff_admin", action="staff.email")
    with database.atomic():
        target = _target(staff_id)
        StaffUser.update(email=email).where(StaffUser.id == target.id).execute()
        record(by, "staff.email", detail=f"{target.username} {'set' if email else 'cleared'}")
    return _line(_target(staff_id))


def unlock(by: Actor, staff_id: int) -> bool:
    require(by, "staff_admin", action="staff.unlock")
    _target(staff_id)
    return unlock_staff_user(by, staff_id)


def change_own_password(staff_id: int, new: str, confirm: str, source: str = "") -> None:
    """A signed-in staff user's new password (after a reset, or by choice)."""
    staff = _target(staff_id)
    verdict = passwords.check_policy(new, confirm, personal=(staff.username, staff.full_name))
    if not verdict.ok:
        raise InvalidInput("password", verdict.reason)
    with database.atomic():
        StaffUser.update(password_hash=passwords.hash_password(new), must_change_password=False).where(
            StaffUser.id == staff.id
        ).execute()
        record(Actor("staff", staff.username, source), "password.change")

