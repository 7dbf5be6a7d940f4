"""Staff users (F9, admins only): add with a temporary password shown once,
deactivate with a confirmation; a front-desk user never reaches the screen."""
from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Button, DataTable, Input, Static

from models.auth import add_staff_user, staff_login
from models.tables import AuditEvent, StaffUser
from tui.staff.app import StaffApp
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.modals import ConfirmActionScreen
from tui.staff.screens.staff_users import AddStaffScreen, StaffEmailScreen, StaffUsersScreen
from tui.staff.screens.temporary_password import TemporaryPasswordScreen

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
            await _staff_users(app, pilot)
            assert [row[0] for row in _cells(app)] == ["ada", USERNAME]
            await pilot.press("a")
            await settle(app, pilot)
            assert isinstance(app.screen, AddStaffScreen)
            _fits(app.screen)
            app.screen.query_one("#username", Input).value = "sam"
            app.screen.query_one("#full_name", Input).value = "Sam Lee"
            app.screen.query_one("#email", Input).value = "sam.lee@"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "does not look like an email" in str(app.screen.query_one("#email-error", Static).render())
            app.screen.query_one("#email", Input).value = "sam.lee@Example.org"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            shown["temporary"] = _temporary_password_shown_once(app, "Sam Lee")
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
            shown["reset"] = _temporary_password_shown_once(app, "Fran Desk")
            await pilot.press("enter")
            await settle(app, pilot)
            assert "new password due" in next(r for r in _cells(app) if r[0] == USERNAME)[3]

    drive(scenario)
    assert StaffUser.get(StaffUser.username == "sam").email == "sam.lee@example.org"
    assert not StaffUser.get(StaffUser.username == "sam").active
    assert not staff_login("sam", shown["temporary"]).ok
    assert staff_login(USERNAME, shown["reset"]).must_change_password


async def _staff_users(app, pilot, username: str = "") -> None:
    """F9 from the client list, the cursor on `username`'s row if given."""
    await settle(app, pilot)
    await pilot.press("f9")
    await settle(app, pilot)
    assert isinstance(app.screen, StaffUsersScreen)
    if username:
        app.screen.query_one(DataTable).move_cursor(row=[r[0] for r in _cells(app)].index(username))
        await settle(app, pilot)


def _fits(screen) -> None:
    """Every button and field of a dialog is on screen whole at 80x24."""
    for widget in (*screen.query(Button), *screen.query(Input)):
        assert Region(0, 0, 80, 24).contains_region(widget.region), (widget.id, widget.region)


def _temporary_password_shown_once(app, name: str) -> str:
    """The one-time password dialog: the password, that it is not shown again, and only Done."""
    screen = app.screen
    assert isinstance(screen, TemporaryPasswordScreen)
    words = " ".join(str(s.render()) for s in screen.query(Static))
    assert f"Temporary password for {name}" in words and "will not be shown again" in words
    assert [b.id for b in screen.query(Button)] == ["done"] and app.focused is screen.query_one("#done")
    _fits(screen)
    return str(screen.query_one("#temporary-password", Static).render()).strip()


def test_an_admin_puts_a_staff_email_on_file_and_clears_it(portal, clock):
    add_staff_user("ada", "Ada Admin", "admin", PASSWORD)
    add_staff_user("drlee", "Dr. Lee", "clinician", PASSWORD)
    login = staff_login("ada", PASSWORD, "workstation")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=(80, 24)) as pilot:
            await _staff_users(app, pilot, "drlee")
            line = str(app.screen.query_one("#staff-email", Static).render())
            assert "Dr. Lee: no email on file" in line and "go to the practice" in line
            await pilot.press("m")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffEmailScreen)
            _fits(app.screen)
            app.screen.query_one("#email", Input).value = "lee@clinic.example"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffUsersScreen)
            assert "lee@clinic.example (risk alerts on their charts come here)" in str(app.screen.query_one("#staff-email", Static).render())
            assert StaffUser.get(StaffUser.username == "drlee").email == "lee@clinic.example"
            await pilot.press("m")
            await settle(app, pilot)
            assert app.screen.query_one("#email", Input).value == "lee@clinic.example"
            app.screen.query_one("#email", Input).value = ""
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "no email on file" in str(app.screen.query_one("#staff-email", Static).render())

    drive(scenario)
    assert StaffUser.get(StaffUser.username == "drlee").email == ""
    assert AuditEvent.select().where(AuditEvent.action == "staff.email").count() == 2


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
