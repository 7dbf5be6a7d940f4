"""Sign-in in a worker with a busy state; generic failure; lockout; the session poll."""
from __future__ import annotations

from textual.widgets import Button, Input, Static

from models.auth import STAFF_LOGIN_FAILED, end_session
from models.tables import AuditEvent, LoginSession, StaffUser
from tests.bursts import burst
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.login import StaffLoginScreen

from .conftest import SIZE, drive, settle
from .helpers import PASSWORD, USERNAME, make_chart, make_staff, signed_in


def _message(app) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


async def _sign_in(app, pilot, username: str, password: str) -> None:
    app.screen.query_one("#username", Input).value = username
    app.screen.query_one("#password", Input).value = password
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")


def test_sign_in_shows_busy_then_opens_the_client_list(portal, clock, monkeypatch):
    import threading

    from models import auth  # the sign-in screen looks staff_login up when it runs

    make_staff()
    gate = threading.Event()
    real_login = auth.staff_login

    def held_login(*args):
        gate.wait(10)  # argon2 is slow in real life: hold the worker until the test looks
        return real_login(*args)

    monkeypatch.setattr(auth, "staff_login", held_login)

    async def scenario():
        app = StaffApp()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            await _sign_in(app, pilot, "nobody", "whatever it is")
            # Busy at once, before the worker answers.
            login = app.screen
            assert login.busy and login.query("#busy")  # the spinner shows
            assert login.query_one("#sign-in", Button).disabled
            assert str(login.query_one("#sign-in", Button).label) == "Checking…"
            gate.set()
            await settle(app, pilot)
            assert not login.busy and not login.query("#busy")
            assert _message(app) == STAFF_LOGIN_FAILED
            assert app.screen.query_one("#password", Input).value == ""
            assert app.screen.query_one("#username", Input).value == "nobody"

            await _sign_in(app, pilot, USERNAME, "wrong password for fran")
            await settle(app, pilot)
            assert _message(app) == STAFF_LOGIN_FAILED  # the same words, whatever was wrong

            await _sign_in(app, pilot, USERNAME.upper(), PASSWORD)
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            assert app.actor.ref == USERNAME and app.actor.source == "workstation"
            assert app.sub_title == "Fran Desk"

            await pilot.press("ctrl+l")  # sign out
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            assert "signed out" in _message(app)
            assert app.session_id is None

    drive(scenario)
    assert LoginSession.select().where(LoginSession.ended_at.is_null()).count() == 0
    assert AuditEvent.select().where(AuditEvent.action == "login", AuditEvent.outcome == "failed").count() == 2


def test_lockout_is_honoured(portal, clock):
    make_staff()

    async def scenario():
        app = StaffApp()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for _ in range(5):
                await _sign_in(app, pilot, USERNAME, "not the password at all")
                await settle(app, pilot)
            await _sign_in(app, pilot, USERNAME, PASSWORD)
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            assert _message(app) == STAFF_LOGIN_FAILED
            clock.advance(minutes=16)
            await _sign_in(app, pilot, USERNAME, PASSWORD)
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(scenario)
    assert StaffUser.get(StaffUser.username == USERNAME).failed_logins == 0


def test_an_ended_session_returns_to_sign_in(portal, clock):
    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)
            app.check_session()
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)  # still alive: nothing happens
            end_session(login.session_id, "admin")  # ended elsewhere
            app.check_session()  # what the 5-second poll calls
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            assert len(app.screen_stack) == 1
            assert "session ended" in _message(app)

    drive(scenario)


def test_a_burst_of_keys_with_tab_fills_each_field(portal, clock):
    """A password manager types "user<Tab>password<Enter>" in one burst."""
    make_staff()

    async def scenario():
        app = StaffApp()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            burst(app, "someone", "\t", "not this", "\x1b[Z", "\t")  # back and forth
            await settle(app, pilot)
            assert app.screen.query_one("#username", Input).value == "someone"
            assert app.screen.query_one("#password", Input).value == "not this"
            app.screen.query_one("#username", Input).value = ""
            app.screen.query_one("#password", Input).value = ""
            app.screen.query_one("#username", Input).focus()
            await settle(app, pilot)
            burst(app, USERNAME, "\t", PASSWORD, "\r")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen), _message(app)

    drive(scenario)
