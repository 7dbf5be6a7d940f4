"""Typing on the Welcome screen is typing the login's email (issue 16, defect 11)."""
from __future__ import annotations

from textual.widgets import Input

from tests.bursts import burst
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.login import LoginScreen
from tui.kiosk.welcome import WelcomeScreen

from .helpers import PASSWORD, kiosk, note, registered_chart, settle


async def test_an_email_typed_on_welcome_lands_whole_in_the_login_form(portal):
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        burst(app, "ivy.f.lee@example.com")  # i, f and l were keys of their own
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        email = app.screen.query_one("#email", Input)
        assert email.value == "ivy.f.lee@example.com"
        assert app.focused is email
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"jo")  # a second visit to the form starts afresh
        await settle(pilot)
        assert app.screen.query_one("#email", Input).value == "jo"


async def test_a_password_manager_burst_on_welcome_logs_in(portal):
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        burst(app, email, "\t", PASSWORD, "\r")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen), note(app, "error")
