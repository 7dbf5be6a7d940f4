"""A temporary password is changed before anything opens; a deactivated
staff member's open session, or one whose role changed, ends within a poll."""
from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from models.audit import SYSTEM
from models.auth import staff_login
from models.staff_accounts import change_role, deactivate, reset_password
from tui.staff.app import StaffApp
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.login import StaffLoginScreen
from tui.staff.screens.new_password import NewPasswordScreen

from .conftest import SIZE, drive, settle
from .helpers import USERNAME, make_staff

NEW = "violet kettle drums at midnight"


def test_a_temporary_password_must_be_replaced_before_the_client_list(portal, clock):
    staff = make_staff()
    temporary = reset_password(SYSTEM, staff.id)

    async def scenario():
        app = StaffApp()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.screen.query_one("#username", Input).value = USERNAME
            app.screen.query_one("#password", Input).value = temporary
            app.screen.query_one("#password", Input).focus()
            await pilot.press("enter")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, NewPasswordScreen)
            await pilot.press(*"too short", "enter", *"too short", "enter")
            await settle(app, pilot)
            assert "15" in str(form.query_one("#new-password-message", Static).render())
            assert isinstance(app.screen, NewPasswordScreen)
            form.query_one("#new-password", Input).value = NEW
            form.query_one("#confirm-password", Input).value = NEW
            form.query_one("#confirm-password", Input).focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(scenario)
    assert staff_login(USERNAME, NEW).ok and not staff_login(USERNAME, NEW).must_change_password
    assert not staff_login(USERNAME, temporary).ok


def test_escape_from_the_new_password_signs_out(portal, clock):
    staff = make_staff()
    temporary = reset_password(SYSTEM, staff.id)
    login = staff_login(USERNAME, temporary, "workstation")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, NewPasswordScreen)
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)

    drive(scenario)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda staff_id: deactivate(SYSTEM, staff_id), "deactivated"),
        (lambda staff_id: change_role(SYSTEM, staff_id, "clinician"), "changed your role"),
    ],
    ids=["deactivated", "role changed"],
)
def test_an_open_session_ends_at_the_next_poll_when_the_account_changes(portal, clock, change, words):
    staff = make_staff()
    login = staff_login(USERNAME, "a long staff passphrase here", "workstation")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            change(staff.id)
            app.check_session()          # what the poll timer does every few seconds
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            assert words in str(app.screen.query_one("#login-message", Static).render())

    drive(scenario)
