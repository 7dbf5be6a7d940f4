"""Staff over SSH: the first sign-in sets up an authenticator (QR, key, a first
code, recovery codes shown once); later sign-ins ask for the code."""
from __future__ import annotations

import datetime as dt

import pyotp
from textual.widgets import Input, Static

from models.tables import StaffRecoveryCode, StaffTwoFactor
from tui.staff.app import StaffApp
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.login import StaffLoginScreen
from tui.staff.screens.two_factor import CodeScreen, SetUpTwoFactorScreen

from .conftest import SIZE, drive, settle
from .helpers import PASSWORD, USERNAME, make_staff

SSH = "ssh:203.0.113.5"


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _password(app, pilot) -> None:
    app.screen.query_one("#username", Input).value = USERNAME
    app.screen.query_one("#password", Input).value = PASSWORD
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(app, pilot)


def test_first_sign_in_over_ssh_sets_up_two_factor_then_asks_for_codes(portal, clock):
    make_staff()
    seen: dict[str, str] = {}

    async def set_up():
        app = StaffApp(source=SSH)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await _password(app, pilot)
            setup = app.screen
            assert isinstance(setup, SetUpTwoFactorScreen)
            assert "▀" in _text(setup, "#qr") or "▄" in _text(setup, "#qr")
            secret = _text(setup, "#secret").removeprefix("Key: ").replace(" ", "")
            seen["secret"] = secret
            await pilot.press(*"000000", "enter")
            await settle(app, pilot)
            assert "didn't match" in _text(setup, "#setup-error")
            code = pyotp.TOTP(secret).at(clock.now().replace(tzinfo=dt.timezone.utc))
            await pilot.press(*code, "enter")
            await settle(app, pilot)
            recovery = _text(setup, "#recovery")
            assert "shown only now" in recovery and recovery.count("-") >= 20
            await pilot.press("enter")            # "I have saved these codes" has the focus
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(set_up)
    assert StaffTwoFactor.get().confirmed_at is not None and StaffRecoveryCode.select().count() == 10
    clock.advance(seconds=60)

    async def sign_in_again():
        app = StaffApp(source=SSH)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await _password(app, pilot)
            assert isinstance(app.screen, CodeScreen)
            await pilot.press(*"111111", "enter")
            await settle(app, pilot)
            assert "didn't work" in _text(app.screen, "#code-error")
            assert app.screen.query_one("#code", Input).value == ""
            code = pyotp.TOTP(seen["secret"]).at(clock.now().replace(tzinfo=dt.timezone.utc))
            await pilot.press(*code, "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(sign_in_again)


def test_back_from_the_code_returns_to_an_empty_sign_in_form(portal, clock):
    make_staff()

    async def scenario():
        app = StaffApp(source=SSH)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await _password(app, pilot)
            assert isinstance(app.screen, SetUpTwoFactorScreen)
            await pilot.press("escape")
            await settle(app, pilot)
            assert isinstance(app.screen, StaffLoginScreen)
            assert app.screen.query_one("#username", Input).value == ""

    drive(scenario)


def test_at_the_workstation_no_code_is_asked_by_default(portal, clock):
    make_staff()

    async def scenario():
        app = StaffApp(source="workstation")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await _password(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

    drive(scenario)
