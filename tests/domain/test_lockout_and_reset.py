"""A lockout blocks new sign-ins only, tells the owner, and staff can lift it;
forgot-password takes the same time whatever matched."""
from __future__ import annotations

import json
import time

from models import auth, pacing
from models.audit import Actor
from models.tables import AuditEvent, LoginSession, OutboxMessage, PortalAccount, StaffUser

from .helpers import GOOD_PASSWORD, make_staff
from .test_login_and_records import registered

WRONG = "wrong password entirely"


def test_a_lockout_does_not_end_open_sessions(portal, clock):
    registered()
    open_session = auth.client_login("jamie@example.com", GOOD_PASSWORD)
    for _ in range(auth.MAX_FAILURES):
        auth.client_login("jamie@example.com", WRONG, source="ssh:203.0.113.9")
    assert not auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    assert auth.session_status(open_session.session_id).alive
    assert LoginSession.get_by_id(open_session.session_id).ended_at is None


def test_a_staff_lockout_does_not_sign_the_front_desk_out(portal, clock):
    make_staff()
    at_desk = auth.staff_login("frontdesk", "a long staff passphrase here")
    for _ in range(auth.MAX_FAILURES):
        auth.staff_login("frontdesk", WRONG, source="ssh:203.0.113.9")
    assert auth.session_status(at_desk.session_id).alive


def test_the_owner_is_told_by_email_once(portal, clock):
    registered()
    for _ in range(auth.MAX_FAILURES + 3):
        auth.client_login("jamie@example.com", WRONG)
    mails = list(OutboxMessage.select().where(OutboxMessage.kind == "account_locked"))
    assert len(mails) == 1
    assert mails[0].to_addr == "jamie@example.com"
    context = json.loads(mails[0].context)
    assert context["locked_until"] == (clock.now() + auth.LOCKOUT).isoformat()
    # a second lockout after the first has passed is a second email
    clock.advance(minutes=16)
    for _ in range(auth.MAX_FAILURES):
        auth.client_login("jamie@example.com", WRONG)
    assert OutboxMessage.select().where(OutboxMessage.kind == "account_locked").count() == 2


def test_staff_can_lift_a_client_lock(portal, clock):
    registered()
    for _ in range(auth.MAX_FAILURES):
        auth.client_login("jamie@example.com", WRONG)
    account = PortalAccount.get()
    desk = Actor("staff", "frontdesk", "workstation")
    assert auth.unlock_client_account(desk, account.id)
    assert auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    assert not auth.unlock_client_account(desk, account.id)  # nothing left to lift
    unlocks = list(AuditEvent.select().where(AuditEvent.action == "unlock"))
    assert [(e.actor, e.detail) for e in unlocks] == [("staff:frontdesk", f"client account {account.id}")]


def test_an_admin_can_lift_a_staff_lock(portal, clock):
    staff = make_staff()
    for _ in range(auth.MAX_FAILURES):
        auth.staff_login("frontdesk", WRONG)
    assert auth.unlock_staff_user(Actor("staff", "admin", "workstation"), staff.id)
    assert auth.staff_login("frontdesk", "a long staff passphrase here").ok
    assert StaffUser.get_by_id(staff.id).failed_logins == 0


def test_a_lock_that_was_claimed_but_never_finished_still_expires(portal, clock):
    """An attempt that dies after taking the last try leaves a normal 15-minute lock."""
    registered()
    account = PortalAccount.get()
    for _ in range(auth.MAX_FAILURES):
        assert auth.claim_attempt(PortalAccount, account.id, clock.now()) is not None
    assert not auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    clock.advance(minutes=15, seconds=1)
    assert auth.client_login("jamie@example.com", GOOD_PASSWORD).ok


class ShiftedClock:
    """Real monotonic time, plus whatever the pace 'slept' (instantly)."""

    def __init__(self) -> None:
        self.slept = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.slept

    def sleep(self, seconds: float) -> None:
        self.slept += seconds


def test_forgot_password_takes_the_floor_whatever_matched(portal, clock, monkeypatch):
    registered()
    cases = {
        "match": ("jamie@example.com", "Rivera", "04/13/2001"),
        "known email, wrong date of birth": ("jamie@example.com", "Rivera", "01/01/1990"),
        "unknown email": ("nobody@example.com", "Rivera", "04/13/2001"),
        "not a date": ("jamie@example.com", "Rivera", "tomorrow"),
    }
    totals, work = {}, {}
    for name, args in cases.items():
        fake = ShiftedClock()
        monkeypatch.setattr(auth, "RESET_PACE", pacing.Pace(0.4, monotonic=fake.monotonic, sleep=fake.sleep))
        start = fake.monotonic()
        auth.request_password_reset(*args, source=f"kiosk-{name}")
        totals[name] = fake.monotonic() - start
        work[name] = totals[name] - fake.slept
    print("\nforgot-password work before the pace, ms: " + ", ".join(f"{k} {v * 1000:.1f}" for k, v in work.items()))
    for name, total in totals.items():
        assert abs(total - 0.4) < 0.005, (name, total)
    assert OutboxMessage.select().where(OutboxMessage.kind == "password_reset").count() == 1


def test_the_pace_holds_when_the_work_raises():
    fake = ShiftedClock()
    pace = pacing.Pace(0.25, monotonic=fake.monotonic, sleep=fake.sleep)
    start = fake.monotonic()
    try:
        with pace.floor():
            raise RuntimeError("database went away")
    except RuntimeError:
        pass
    assert abs(fake.monotonic() - start - 0.25) < 0.005
