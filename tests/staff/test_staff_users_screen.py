"""Staff users (F9, admins only): add with a temporary password shown once,
deactivate with a confirmation; a front-desk user never reaches the screen."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from models.auth import add_staff_user, staff_login
from models.tables import StaffUser
from tui.staff.app import StaffApp
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.modals import ConfirmActionScreen
from tui.staff.screens.staff_users import AddStaffScreen, StaffUsersScreen

from .conftest import SIZE, drive, settle
from .helpers import PASSWORD, USERNAME, make_staff


def _cells(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_an_admin_adds_and_deactivates_staff(portal, clock):
    add_staff_user("ada", "Ada Admin", "admin", PASSWORD)
    make_staff()
    login = staff_login("ada", PASSWORD, "workstation")
    shown: dict[str, str] = {}

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("f9")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffUsersScreen)
            assert [row[0] for row in _cells(app)] == ["ada", USERNAME]
            await pilot.press("a")
            await settle(app, pilot)
            assert isinstance(app.screen, AddStaffScreen)
            app.screen.query_one("#username", Input).value = "sam"
            app.screen.query_one("#full_name", Input).value = "Sam Lee"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            body = str(app.screen.query_one("#dialog-body", Static).render())
            shown["temporary"] = body.split("Temporary password: ")[1].split()[0]
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffUsersScreen)
            rows = _cells(app)
            sam = next(r for r in rows if r[0] == "sam")
            assert sam[2] == "Front desk" and "new password due" in sam[3]
            # Deactivate Sam: the cursor on Sam's row, d, confirm.
            app.screen.query_one(DataTable).move_cursor(row=[r[0] for r in rows].index("sam"))
            await pilot.press("d")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            await pilot.click("#confirm")
            await settle(app, pilot)
            assert next(r for r in _cells(app) if r[0] == "sam")[3] == "Deactivated"
            # A new temporary password for the front desk user, shown once.
            app.screen.query_one(DataTable).move_cursor(row=[r[0] for r in _cells(app)].index(USERNAME))
            await pilot.press("p")
            await settle(app, pilot)
            await pilot.click("#confirm")
            await settle(app, pilot)
            body = str(app.screen.query_one("#dialog-body", Static).render())
            shown["reset"] = body.split(f"Temporary password for Fran Desk: ")[1].split()[0]
            await pilot.press("enter")
            await settle(app, pilot)
            assert "new password due" in next(r for r in _cells(app) if r[0] == USERNAME)[3]

    drive(scenario)
    assert not StaffUser.get(StaffUser.username == "sam").active
    assert not staff_login("sam", shown["temporary"]).ok
    assert staff_login(USERNAME, shown["reset"]).must_change_password


def test_front_desk_has_no_staff_key(portal, clock):
    make_staff()
    login = staff_login(USERNAME, PASSWORD, "workstation")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f9")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(scenario)
