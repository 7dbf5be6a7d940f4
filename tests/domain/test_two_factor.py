"""Staff two-factor sign-in: enrolment, codes at the step edges with the clock
injected, no replays (also at once), recovery codes once, lockout, the
ticket, the secret encrypted; on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from models import auth, two_factor
from models.audit import SYSTEM, Actor
from models.auth import add_staff_user, staff_login
from models.errors import NotAllowed
from models.tables import StaffRecoveryCode, StaffTwoFactor
from models.text import InvalidInput

from .test_concurrent_limits import burst

PASSWORD = "a long staff passphrase here"
SSH = "ssh:203.0.113.7"


def code_at(secret: str, at: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(at.replace(tzinfo=dt.timezone.utc))


def enrolled(clock) -> tuple[int, str, tuple[str, ...]]:
    """Dana, enrolled over SSH: (staff id, secret, recovery codes)."""
    staff = add_staff_user("dana", "Dana Desk", "front_desk", PASSWORD)
    first = staff_login("dana", PASSWORD, SSH)
    assert (first.ok, first.needs) == (False, "enroll")
    enrolment = two_factor.begin_enrollment(first.ticket)
    done = two_factor.confirm_enrollment(first.ticket, code_at(enrolment.secret, clock.now()), SSH)
    assert done.result.ok and len(done.recovery_codes) == 10
    clock.advance(seconds=30)   # the next sign-in uses a later step
    return staff.id, enrolment.secret, done.recovery_codes


def test_the_setting_decides_who_needs_a_code(portal):
    assert two_factor.required(SSH, "remote") and two_factor.required("web:198.51.100.2", "remote")
    assert not two_factor.required("workstation", "remote") and not two_factor.required("", "remote")
    assert two_factor.required("workstation", "always") and not two_factor.required(SSH, "off")
    add_staff_user("dana", "Dana Desk", "front_desk", PASSWORD)
    assert staff_login("dana", PASSWORD, "workstation").ok   # the default: only remote sessions


def test_enrolment_needs_a_first_good_code_and_keeps_the_secret_encrypted(portal, clock):
    add_staff_user("dana", "Dana Desk", "front_desk", PASSWORD)
    first = staff_login("dana", PASSWORD, SSH)
    enrolment = two_factor.begin_enrollment(first.ticket)
    assert enrolment.uri.startswith("otpauth://totp/") and "secret=" + enrolment.secret in enrolment.uri
    with pytest.raises(InvalidInput):
        two_factor.confirm_enrollment(first.ticket, "000000", SSH)
    stored = StaffTwoFactor.get().secret
    assert enrolment.secret not in stored and stored
    done = two_factor.confirm_enrollment(first.ticket, code_at(enrolment.secret, clock.now()), SSH)
    assert done.result.ok and done.result.session_id
    digests = [r.digest for r in StaffRecoveryCode.select()]
    assert len(digests) == 10 and not set(done.recovery_codes) & set(digests)


def test_codes_one_step_either_side_are_accepted_and_two_steps_are_not(portal, clock):
    staff_id, secret, _ = enrolled(clock)
    now = clock.now()
    for offset, ok in ((-60, False), (-30, True), (30, True), (60, False)):
        clock.set(now + dt.timedelta(minutes=5 * (1 + [-60, -30, 30, 60].index(offset))))
        login = staff_login("dana", PASSWORD, SSH)
        assert login.needs == "code"
        typed = code_at(secret, clock.now() + dt.timedelta(seconds=offset))
        assert two_factor.sign_in_with_code(login.ticket, typed, SSH).ok is ok, offset


def test_a_code_is_accepted_once_even_when_sent_many_times_at_once(portal, clock):
    staff_id, secret, _ = enrolled(clock)
    login = staff_login("dana", PASSWORD, SSH)
    typed = code_at(secret, clock.now())
    results = burst(4, lambda i: two_factor.sign_in_with_code(login.ticket, typed, SSH))  # under the lockout
    assert sum(r.ok for r in results) == 1, results
    again = staff_login("dana", PASSWORD, SSH)
    assert not two_factor.sign_in_with_code(again.ticket, typed, SSH).ok   # a replay within its step


def test_a_recovery_code_works_once(portal, clock):
    staff_id, _, recovery = enrolled(clock)
    login = staff_login("dana", PASSWORD, SSH)
    assert two_factor.sign_in_with_code(login.ticket, recovery[3].upper(), SSH).ok
    assert two_factor.recovery_codes_left(staff_id) == 9
    login = staff_login("dana", PASSWORD, SSH)
    assert not two_factor.sign_in_with_code(login.ticket, recovery[3], SSH).ok


def test_wrong_codes_count_toward_the_lockout_and_a_right_password_does_not_clear_them(portal, clock):
    staff_id, secret, _ = enrolled(clock)
    for _ in range(2):      # the password, right every time, buys no fresh tries at the code
        login = staff_login("dana", PASSWORD, SSH)
        assert not two_factor.sign_in_with_code(login.ticket, "123456", SSH).ok
    login = staff_login("dana", PASSWORD, SSH)
    assert not two_factor.sign_in_with_code(login.ticket, code_at(secret, clock.now()), SSH).ok  # locked by now
    assert not staff_login("dana", PASSWORD, SSH).needs    # the password step itself is refused
    clock.advance(seconds=auth.LOCKOUT.total_seconds() + 31)
    login = staff_login("dana", PASSWORD, SSH)
    assert two_factor.sign_in_with_code(login.ticket, code_at(secret, clock.now()), SSH).ok


def test_a_ticket_is_forged_or_stale_and_refused(portal, clock):
    staff_id, secret, _ = enrolled(clock)
    login = staff_login("dana", PASSWORD, SSH)
    forged = two_factor.Ticket(staff_id, login.ticket.issued, "0" * 64)
    with pytest.raises(NotAllowed):
        two_factor.sign_in_with_code(forged, code_at(secret, clock.now()), SSH)
    clock.advance(seconds=two_factor.TICKET_SECONDS + 1)
    with pytest.raises(NotAllowed, match="sign in again"):
        two_factor.sign_in_with_code(login.ticket, code_at(secret, clock.now()), SSH)


def test_an_admin_resets_a_lost_phone(portal, clock):
    staff_id, _, _ = enrolled(clock)
    with pytest.raises(NotAllowed):
        two_factor.reset_enrollment(Actor("staff", "dana", SSH), staff_id)
    two_factor.reset_enrollment(SYSTEM, staff_id)
    assert staff_login("dana", PASSWORD, SSH).needs == "enroll"
    assert StaffRecoveryCode.select().count() == 0
