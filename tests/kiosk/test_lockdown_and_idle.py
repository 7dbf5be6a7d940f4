"""No way out of the kiosk; an idle kiosk warns, then signs out and clears every screen."""
from __future__ import annotations

from textual.widgets import Input

from models.chart_owner import revoke_access
from models.tables import LoginSession
from tui.kiosk.app import ENDED_MESSAGE, IDLE_MESSAGE, KioskApp
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.idle import IdleWarningScreen
from tui.kiosk.register import RegisterScreen
from tui.kiosk.welcome import WelcomeScreen

from .helpers import STAFF, kiosk, log_in, note, registered_chart


def all_screens(app):
    return [s for stack in app._screen_stacks.values() for s in stack]


def test_lockdown_is_declared():
    assert KioskApp.ENABLE_COMMAND_PALETTE is False
    keys = {b.key: b for b in KioskApp.BINDINGS}
    for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+p"):
        assert keys[key].priority and keys[key].action == "stay"
    assert not any(b.action in ("quit", "app.quit", "help_quit") for b in KioskApp.BINDINGS)


async def test_quit_keys_leave_the_app_running(portal):
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#register")
        await pilot.pause()
        app.screen.query_one("#code", Input).focus()
        for key in ("ctrl+c", "ctrl+q", "ctrl+p", "ctrl+z", "ctrl+backslash"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running and app.return_code is None
            assert isinstance(app.screen, RegisterScreen), key
        await app.run_action("quit")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, RegisterScreen)


async def test_idle_warns_then_signs_out_and_clears_the_dashboard(portal, clock):
    client, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        assert isinstance(app.screen, DashboardScreen)
        session_id = app.session.session_id

        clock.advance(seconds=app.idle_seconds - app.warning_seconds + 1)
        await pilot.pause(0.3)
        assert isinstance(app.screen, IdleWarningScreen)
        assert "29 seconds" in str(app.screen.query_one("#idle-countdown").render())
        clock.advance(seconds=10)
        await pilot.pause(0.3)
        assert "19 seconds" in str(app.screen.query_one("#idle-countdown").render())

        await pilot.press("space")  # any key keeps the visit going, and does nothing else
        await pilot.pause(0.2)
        assert isinstance(app.screen, DashboardScreen)
        assert LoginSession.get_by_id(session_id).ended_at is None

        clock.advance(seconds=app.idle_seconds - 1)
        await pilot.pause(0.3)
        assert isinstance(app.screen, IdleWarningScreen)
        clock.advance(seconds=2)
        await pilot.pause(0.3)
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert note(app, "welcome-message") == IDLE_MESSAGE
        assert app.session is None
        row = LoginSession.get_by_id(session_id)
        assert row.ended_at is not None and row.end_reason == "idle"
        assert not any(isinstance(s, (DashboardScreen, IdleWarningScreen)) for s in all_screens(app))


async def test_idle_clears_a_half_typed_registration(portal, clock):
    app = kiosk(portal, code="ABCD-EFGH-JKMN-PQRS")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        clock.advance(seconds=app.idle_seconds + 1)
        await pilot.pause(0.3)
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert not any(isinstance(s, RegisterScreen) for s in all_screens(app))


async def test_the_welcome_screen_alone_never_times_out(portal, clock):
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        clock.advance(seconds=app.idle_seconds * 3)
        await pilot.pause(0.3)
        assert app.screen is screen


async def test_a_revoke_by_staff_signs_the_client_out(portal):
    client, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        assert isinstance(app.screen, DashboardScreen)
        revoke_access(STAFF, client)
        await pilot.pause(0.3)
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert note(app, "welcome-message") == ENDED_MESSAGE
        assert app.session is None
        assert not any(isinstance(s, DashboardScreen) for s in all_screens(app))
