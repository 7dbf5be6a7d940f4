"""Logins, lockout, sessions, and scoping of every client read."""
import pytest

from models import chart_owner, auth
from models.errors import NotAllowed
from models.records import (
    ClientViewer,
    add_ledger_entry,
    balance_cents,
    cancel_request,
    client_documents,
    client_requests,
    client_statement,
    decide_request,
    open_document,
    parse_amount,
    request_appointment,
    share_document,
)
from models.registration import register
from models.tables import AuditEvent
from models.text import InvalidInput

from .helpers import GOOD_PASSWORD, STAFF, invited_chart, last_code, make_chart


def registered(first="Jamie", last="Rivera", dob="04/13/2001", email="jamie@example.com", staff=True):
    if staff:
        client, code = invited_chart(first=first, last=last, dob=dob, email=email)
    else:
        client = make_chart(first=first, last=last, dob=dob, email=email)
        chart_owner.activate_access(STAFF, client)
        code = last_code()
    done = register(code, last, dob, GOOD_PASSWORD, GOOD_PASSWORD)
    return client, done.account_id


def test_unknown_email_and_wrong_password_look_the_same(portal):
    registered()
    unknown = auth.client_login("nobody@example.com", GOOD_PASSWORD)
    wrong = auth.client_login("jamie@example.com", "wrong password entirely")
    assert not unknown.ok and not wrong.ok
    assert unknown.message == wrong.message == auth.LOGIN_FAILED


def test_five_failures_lock_for_fifteen_minutes(portal, clock):
    registered()
    for _ in range(5):
        assert not auth.client_login("jamie@example.com", "wrong password entirely").ok
    locked = auth.client_login("jamie@example.com", GOOD_PASSWORD)
    assert not locked.ok and locked.message == auth.LOGIN_FAILED
    clock.advance(minutes=14, seconds=59)
    assert not auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    clock.advance(seconds=2)
    assert auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    assert AuditEvent.select().where(AuditEvent.action == "lockout").count() == 1


def test_success_resets_the_failure_count(portal):
    registered()
    for _ in range(4):
        auth.client_login("jamie@example.com", "wrong password entirely")
    assert auth.client_login("JAMIE@example.com", GOOD_PASSWORD).ok
    for _ in range(4):
        auth.client_login("jamie@example.com", "wrong password entirely")
    assert auth.client_login("jamie@example.com", GOOD_PASSWORD).ok


def test_staff_login_and_lockout(portal, clock):
    from .helpers import make_staff

    make_staff()
    assert auth.staff_login("FrontDesk", "a long staff passphrase here").ok
    for _ in range(5):
        assert not auth.staff_login("frontdesk", "nope").ok
    assert not auth.staff_login("frontdesk", "a long staff passphrase here").ok
    assert auth.staff_login("ghost", "x").message == auth.STAFF_LOGIN_FAILED


def test_rehash_when_parameters_change(portal):
    import argon2

    from models import passwords
    from models.tables import PortalAccount

    _, account_id = registered()
    old_hash = PortalAccount.get_by_id(account_id).password_hash
    passwords.use_hasher(argon2.PasswordHasher(time_cost=1, memory_cost=16, parallelism=2, hash_len=16, salt_len=16))
    assert auth.client_login("jamie@example.com", GOOD_PASSWORD).ok
    new_hash = PortalAccount.get_by_id(account_id).password_hash
    assert new_hash != old_hash and "m=16" in new_hash


def test_client_cannot_read_another_chart(portal):
    a, account_a = registered()
    b, _ = registered(first="Sam", last="Lee", dob="02/02/1990", email="sam@example.com", staff=False)
    doc_b = share_document(STAFF, b, "Sam's plan", "private")
    add_ledger_entry(STAFF, b, kind="charge", amount="90", description="Session")
    sneaky = ClientViewer(account_a, b.id)
    for call in (
        lambda: client_documents(sneaky),
        lambda: client_requests(sneaky),
        lambda: client_statement(sneaky),
        lambda: request_appointment(sneaky, mode="video", preferred_at=__import__("models.clock", fromlist=["now"]).now().replace(year=2027), reason="x"),
    ):
        with pytest.raises(NotAllowed):
            call()
    own = ClientViewer(account_a, a.id)
    with pytest.raises(NotAllowed):
        open_document(own, doc_b.id)  # right chart, wrong document
    with pytest.raises(NotAllowed):
        auth.select_chart(auth.client_login("jamie@example.com", GOOD_PASSWORD).session_id, b.id)


def test_documents_requests_and_balance(portal, clock):
    import datetime as dt

    client, account = registered()
    viewer = ClientViewer(account, client.id, "kiosk")
    doc = share_document(STAFF, client, "Welcome packet", "Hello")
    assert open_document(viewer, doc.id).opened_at == clock.now()
    req = request_appointment(viewer, mode="video", preferred_at=clock.now() + dt.timedelta(days=2), reason="Follow-up")
    assert [r.status for r in client_requests(viewer)] == ["pending"]
    decide_request(STAFF, req, approve=True, message="See you Tuesday")
    assert client_requests(viewer)[0].practice_message == "See you Tuesday"
    req2 = request_appointment(viewer, mode="phone", preferred_at=clock.now() + dt.timedelta(days=3), reason="")
    assert cancel_request(viewer, req2.id).status == "cancelled"
    add_ledger_entry(STAFF, client, kind="charge", amount="$150.00", description="Intake")
    add_ledger_entry(STAFF, client, kind="payment", amount="40.5", description="Copay")
    assert balance_cents(client.id) == 10950
    assert client_statement(viewer).balance_cents == 10950
    actions = {e.action for e in AuditEvent.select().where(AuditEvent.actor == f"client:{account}")}
    assert {"document.view", "appointment.request", "balance.view"} <= actions


@pytest.mark.parametrize("typed", ["", "-5", "0", "abc", "1e3", "12.345", "100000.01", "NaN"])
def test_bad_amounts_are_refused(typed):
    with pytest.raises(InvalidInput):
        parse_amount(typed)


def test_password_change_and_reset(portal, clock):
    client, account = registered()
    with pytest.raises(auth.AuthError):
        auth.change_password(account, "wrong current one", "a brand new passphrase ok", "a brand new passphrase ok")
    auth.change_password(account, GOOD_PASSWORD, "a brand new passphrase ok", "a brand new passphrase ok")
    assert auth.client_login("jamie@example.com", "a brand new passphrase ok").ok
    auth.request_password_reset("jamie@example.com", "Rivera", "04/13/2001")
    code = last_code("password_reset")
    auth.request_password_reset("nobody@example.com", "Rivera", "04/13/2001")  # silently nothing
    email = auth.reset_password(code, "third passphrase for sure", "third passphrase for sure")
    assert email == "jamie@example.com"
    assert auth.client_login(email, "third passphrase for sure").ok
    with pytest.raises(auth.AuthError):
        auth.reset_password(code, "fourth passphrase for sure", "fourth passphrase for sure")


def test_reset_code_expires_after_an_hour(portal, clock):
    registered()
    auth.request_password_reset("jamie@example.com", "Rivera", "04/13/2001")
    code = last_code("password_reset")
    clock.advance(hours=1, seconds=1)
    with pytest.raises(auth.AuthError):
        auth.reset_password(code, "third passphrase for sure", "third passphrase for sure")
