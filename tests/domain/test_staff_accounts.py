"""Staff accounts: who may manage them, the last admin, deactivation ending
sessions, one-time temporary passwords, unlocking; on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest

from models import auth
from models.audit import SYSTEM, Actor
from models.auth import add_staff_user, session_status, staff_login
from models.errors import NotAllowed, StateConflict
from models.staff_accounts import (
    StaffLine,
    change_own_password, change_role, deactivate, reactivate, reset_password, set_email, staff_by_username, staff_list,
    unlock,
)
from models.tables import AuditEvent, StaffUser
from models.text import InvalidInput

from .test_concurrent_limits import burst

PASSWORD = "a long staff passphrase here"
ADMIN = Actor("staff", "ada", "workstation")
DESK = Actor("staff", "dana", "workstation")


def people():
    ada = add_staff_user("ada", "Ada Admin", "admin", PASSWORD)
    dana = add_staff_user("dana", "Dana Desk", "front_desk", PASSWORD)
    return ada.id, dana.id


def test_only_an_admin_or_the_cli_manages_staff_and_a_refusal_is_audited(portal):
    ada, dana = people()
    with pytest.raises(NotAllowed, match="Only an administrator"):
        change_role(DESK, dana, "admin")
    refused = AuditEvent.get(AuditEvent.action == "staff.role")
    assert (refused.actor, refused.outcome) == ("staff:dana", "refused")
    assert StaffUser.get_by_id(dana).role == "front_desk"
    assert [l.username for l in staff_list(ADMIN)] == ["ada", "dana"]
    assert change_role(SYSTEM, dana, "clinician").role == "clinician"


def test_the_last_active_admin_is_neither_demoted_nor_deactivated(portal):
    ada, dana = people()
    with pytest.raises(StateConflict, match="last active administrator"):
        change_role(ADMIN, ada, "front_desk")
    with pytest.raises(StateConflict, match="last active administrator"):
        deactivate(SYSTEM, ada)
    change_role(ADMIN, dana, "admin")
    deactivate(ADMIN, ada)           # now there is another
    assert not StaffUser.get_by_id(ada).active


def test_two_admins_demoting_each_other_at_once_leave_one(portal):
    ada, dana = people()
    change_role(SYSTEM, dana, "admin")
    pairs = [(ADMIN, dana), (DESK, ada)] * 6

    results = burst(len(pairs), lambda i: change_role(pairs[i][0], pairs[i][1], "front_desk"))
    admins = StaffUser.select().where((StaffUser.role == "admin") & (StaffUser.active == True)).count()  # noqa: E712
    assert admins == 1, results
    # Each try is done, refused as the last admin, or refused because its actor was demoted first.
    assert all(isinstance(r, (StaffLine, StateConflict, NotAllowed)) for r in results), results


def test_deactivating_ends_open_sessions_and_sign_in(portal):
    ada, dana = people()
    session = staff_login("dana", PASSWORD, "workstation")
    assert session_status(session.session_id).alive
    assert deactivate(ADMIN, dana) == 1
    assert session_status(session.session_id) == auth.SessionStatus(False, "deactivated")
    assert not staff_login("dana", PASSWORD).ok
    assert staff_by_username("dana").active is False
    reactivate(ADMIN, dana)
    assert staff_login("dana", PASSWORD).ok


def test_a_role_change_ends_open_sessions_at_once(portal):
    ada, dana = people()
    session = staff_login("dana", PASSWORD, "workstation")
    change_role(ADMIN, dana, "front_desk")   # the same role: nothing changes, nothing ends
    assert session_status(session.session_id).alive
    assert change_role(ADMIN, dana, "clinician").role == "clinician"
    assert session_status(session.session_id) == auth.SessionStatus(False, "role_changed")
    event = AuditEvent.select().where(AuditEvent.action == "staff.role").order_by(AuditEvent.id.desc()).get()
    assert event.detail == "dana front_desk -> clinician; 1 open session(s) ended"
    again = staff_login("dana", PASSWORD, "workstation")
    assert again.ok and session_status(again.session_id).alive


def test_a_reset_gives_a_one_time_password_that_must_be_changed(portal, clock):
    ada, dana = people()
    temporary = reset_password(ADMIN, dana)
    assert len(temporary) == 24 and temporary.count("-") == 4
    assert not staff_login("dana", PASSWORD).ok
    first = staff_login("dana", temporary, "workstation")
    assert first.ok and first.must_change_password
    assert staff_by_username("dana").last_login_at == clock.now()
    with pytest.raises(InvalidInput):
        change_own_password(dana, "short", "short")
    change_own_password(dana, "violet kettle drums at midnight", "violet kettle drums at midnight")
    assert not staff_login("dana", temporary).ok
    again = staff_login("dana", "violet kettle drums at midnight")
    assert again.ok and not again.must_change_password
    assert "violet" not in " ".join(e.detail for e in AuditEvent.select())


def test_an_admin_lifts_a_staff_lock(portal, clock):
    ada, dana = people()
    for _ in range(auth.MAX_FAILURES):
        staff_login("dana", "wrong wrong wrong wrong")
    line = staff_by_username("dana")
    assert line.locked(clock.now()) and not staff_login("dana", PASSWORD).ok
    with pytest.raises(NotAllowed):
        unlock(DESK, dana)
    assert unlock(ADMIN, dana)
    assert staff_login("dana", PASSWORD).ok
    assert not staff_by_username("dana").locked(clock.now() + dt.timedelta(seconds=1))


def test_an_admin_adds_a_staff_user_who_chooses_a_password_at_the_first_sign_in(portal):
    from models.staff_accounts import add_staff_account

    people()
    with pytest.raises(NotAllowed):
        add_staff_account(DESK, "sam", "Sam Lee", "clinician")
    line, temporary = add_staff_account(ADMIN, "Sam", "Sam Lee", "clinician")
    assert (line.username, line.role_name, line.must_change_password) == ("sam", "Clinician", True)
    assert staff_login("sam", temporary).must_change_password
    with pytest.raises(InvalidInput, match="taken"):
        add_staff_account(ADMIN, "sam", "Sam Again", "clinician")


def test_an_email_on_file_is_optional_checked_and_set_only_by_an_admin(portal):
    ada, dana = people()
    assert staff_by_username("dana").email == ""
    with pytest.raises(InvalidInput, match="does not look like an email"):
        set_email(ADMIN, dana, "dana at clinic\r\nBcc: x@y.z")
    with pytest.raises(NotAllowed, match="Only an administrator"):
        set_email(DESK, dana, "dana@clinic.example")
    assert set_email(ADMIN, dana, " dana@Clinic.Example ").email == "dana@clinic.example"
    assert [l.email for l in staff_list(ADMIN)] == ["", "dana@clinic.example"]
    assert set_email(SYSTEM, dana, "").email == ""
    rows = [(e.actor, e.outcome, e.detail) for e in AuditEvent.select().where(AuditEvent.action == "staff.email").order_by(AuditEvent.id)]
    assert rows == [("staff:dana", "refused", ""), ("staff:ada", "ok", "dana set"), ("system:portal", "ok", "dana cleared")]
    with pytest.raises(InvalidInput, match="email"):
        add_staff_user("eve", "Eve Example", "clinician", PASSWORD, email="not-an-address")
    assert not StaffUser.select().where(StaffUser.username == "eve").exists()
