"""Registration at the kiosk with every password length the policy allows.

Passwords of 73 to 128 characters showed "Something went wrong on our side"
(zxcvbn raised past 72). The password is pasted, as a password manager
would: the fields must take all 128 characters, and 129 gets "Too long".
"""
from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from models.passwords import MAX_LENGTH
from models.tables import PortalAccount
from tests.domain.test_password_lengths import ACCEPTED, passphrase
from tui.kiosk.register import RegisterScreen

from .helpers import fill, invite, kiosk, make_chart, note, settle


async def paste_password(pilot, password: str) -> None:
    for field in ("#password", "#confirm"):
        pilot.app.screen.query_one(field, Input).focus()
        await pilot.pause()
        pilot.app.post_message(events.Paste(password))
        await pilot.pause()
        assert pilot.app.screen.query_one(field, Input).value == password  # nothing cut off


@pytest.mark.parametrize("length", [*ACCEPTED, MAX_LENGTH + 1])
async def test_registering_with_a_password_of_each_length(portal, length):
    from tui.kiosk.registered import RegisteredScreen

    app = kiosk(portal, code=invite(make_chart()))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        fill(app, last_name="Rivera", dob="04/13/2001")
        await paste_password(pilot, passphrase(length))
        await pilot.press("enter")  # in the last field
        await settle(pilot)
        if length <= MAX_LENGTH:
            assert isinstance(app.screen, RegisteredScreen), note(app, "details-error")
            assert PortalAccount.select().count() == 1
        else:
            assert isinstance(app.screen, RegisterScreen)
            assert note(app, "details-error").startswith("Too long")
            assert PortalAccount.select().count() == 0
