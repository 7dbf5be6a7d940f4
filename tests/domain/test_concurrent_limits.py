"""Every limit holds under a burst of simultaneous tries, on SQLite and PostgreSQL.

Each test starts many threads at one barrier, each with its own database
connection, and asserts that exactly the limit was answered: not one more,
and the counter ends equal to what was answered.
"""
from __future__ import annotations

import threading
from collections import Counter

from models import chart_owner, auth, codes, throttle
from models.db import database
from models.registration import LOCKED, MAX_MATCH_FAILURES, RegistrationError, check_code, register
from models.tables import AuditEvent, Invitation, OutboxMessage, PasswordReset, PortalAccount, StaffUser

from .helpers import GOOD_PASSWORD, STAFF, invited_chart, last_code, make_staff
from .test_login_and_records import registered

BURST = 24


def burst(n: int, attempt) -> list:
    """Run attempt(i) in n threads released together; returns their results."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        with database.connection_context():
            barrier.wait()
            try:
                results[i] = attempt(i)
            except Exception as exc:  # noqa: BLE001 - the result under test
                results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def outcomes(action: str) -> Counter:
    return Counter(e.outcome for e in AuditEvent.select().where(AuditEvent.action == action))


def test_identity_tries_on_one_invitation(portal):
    client, code = invited_chart()

    def wrong_dob(i: int):
        return register(code, "Rivera", "01/01/1990", GOOD_PASSWORD, GOOD_PASSWORD, source=f"ssh:198.51.100.{i}")

    results = burst(BURST, wrong_dob)
    assert all(isinstance(r, RegistrationError) for r in results), results
    compared = [r for r in results if r.field == "identity" or r.locked]
    assert len(compared) == MAX_MATCH_FAILURES
    assert sum(r.message == LOCKED for r in results) == 1
    inv = Invitation.get(Invitation.client == client.id)
    assert inv.failed_matches == MAX_MATCH_FAILURES and inv.locked_at is not None
    assert outcomes("register") == {"no_match": MAX_MATCH_FAILURES - 1, "locked": 1, "bad_code": BURST - MAX_MATCH_FAILURES}


def test_login_failures_per_account(portal):
    registered()

    def wrong(i: int):
        return auth.client_login("jamie@example.com", f"wrong password number {i}", source=f"ssh:198.51.100.{i}")

    results = burst(BURST, wrong)
    assert not any(r.ok for r in results)
    assert {r.message for r in results} == {auth.LOGIN_FAILED}
    account = PortalAccount.get()
    assert account.failed_logins == auth.MAX_FAILURES and account.locked_until is not None
    assert outcomes("login") == {"failed": auth.MAX_FAILURES, "locked": BURST - auth.MAX_FAILURES}
    assert outcomes("lockout") == {"locked": 1}
    assert OutboxMessage.select().where(OutboxMessage.kind == "account_locked").count() == 1


def test_staff_login_failures(portal):
    make_staff()

    def wrong(i: int):
        return auth.staff_login("frontdesk", f"wrong password number {i}")

    results = burst(BURST, wrong)
    assert not any(r.ok for r in results)
    staff = StaffUser.get()
    assert staff.failed_logins == auth.MAX_FAILURES
    assert outcomes("login") == {"failed": auth.MAX_FAILURES, "locked": BURST - auth.MAX_FAILURES}


def test_refused_codes_per_source(portal):
    invited_chart()

    def guess(i: int):
        return check_code(codes.new_code(), source="ssh:203.0.113.9")

    results = burst(BURST, guess)
    assert results.count(False) == throttle.LIMIT
    assert sum(isinstance(r, throttle.Throttled) for r in results) == BURST - throttle.LIMIT
    assert outcomes("register.code") == {"refused": throttle.LIMIT}


def test_refused_codes_per_source_at_registration(portal):
    invited_chart()

    def guess(i: int):
        return register(codes.new_code(), "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, source="kiosk")

    results = burst(BURST, guess)
    assert outcomes("register") == {"bad_code": throttle.LIMIT}
    assert sum("Too many codes" in r.message for r in results) == BURST - throttle.LIMIT


def test_refused_reset_codes_per_source(portal):
    registered()

    def guess(i: int):
        return auth.reset_password(codes.new_code(), GOOD_PASSWORD + "!", GOOD_PASSWORD + "!", source="kiosk")

    results = burst(BURST, guess)
    assert outcomes("password.reset") == {"bad_code": throttle.LIMIT}
    assert sum("Too many codes" in r.message for r in results) == BURST - throttle.LIMIT


def test_a_good_code_does_not_use_up_a_try(portal):
    _, code = invited_chart()
    for _ in range(throttle.LIMIT + 5):
        assert check_code(code, source="kiosk")
    for _ in range(throttle.LIMIT):
        assert not check_code(codes.new_code(), source="kiosk")


def test_reset_emails_per_account(portal):
    registered()

    def ask(i: int):
        return auth._request_password_reset("jamie@example.com", "Rivera", "04/13/2001", f"ssh:198.51.100.{i}")

    burst(BURST, ask)
    assert PasswordReset.select().count() == auth.RESETS_PER_ACCOUNT
    assert OutboxMessage.select().where(OutboxMessage.kind == "password_reset").count() == auth.RESETS_PER_ACCOUNT
    assert outcomes("password.reset_request") == {"ok": auth.RESETS_PER_ACCOUNT, "throttled": BURST - auth.RESETS_PER_ACCOUNT}


def test_reset_requests_per_source(portal):
    registered()
    limit = throttle.LIMITS["reset_request"]

    def ask(i: int):
        return auth._request_password_reset(f"stranger{i}@example.com", "Rivera", "04/13/2001", "ssh:203.0.113.9")

    burst(BURST, ask)
    assert outcomes("password.reset_request") == {"no_match": limit, "throttled": BURST - limit}


def test_registration_with_an_existing_account_is_a_counted_login(portal, clock):
    """A parent adding a second child types the account's password: the same
    count, lockout and audit as the login screen, and one message."""
    from .helpers import guardian_of, make_chart

    make_staff()
    older = make_chart(first="Ava", last="Stone", dob="01/02/2015", email="")
    younger = make_chart(first="Ben", last="Stone", dob="03/04/2017", email="")
    chart_owner.activate_access(STAFF, older, contact_id=guardian_of(older, "mom@example.com").id)
    first = last_code()
    chart_owner.activate_access(STAFF, younger, contact_id=guardian_of(younger, "mom@example.com").id)
    second = last_code()
    register(first, "Stone", "01/02/2015", GOOD_PASSWORD, GOOD_PASSWORD)

    def wrong(i: int):
        return register(second, "Stone", "03/04/2017", f"wrong guess number {i}", "", source=f"ssh:198.51.100.{i}")

    results = burst(BURST, wrong)
    assert {r.message for r in results} == {auth.LOGIN_FAILED}
    assert outcomes("register.existing_account") == {"failed": auth.MAX_FAILURES, "locked": BURST - auth.MAX_FAILURES}
    assert not auth.client_login("mom@example.com", GOOD_PASSWORD).ok  # locked for new sign-ins too
    with_right = None
    try:
        register(second, "Stone", "03/04/2017", GOOD_PASSWORD, "")
    except RegistrationError as exc:
        with_right = exc.message
    assert with_right == auth.LOGIN_FAILED
    clock.advance(minutes=15, seconds=1)
    assert register(second, "Stone", "03/04/2017", GOOD_PASSWORD, "").existing_account
