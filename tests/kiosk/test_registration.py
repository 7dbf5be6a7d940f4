"""Registration at the kiosk: bad codes, the identity lock, password reasons."""
from __future__ import annotations

import pytest
from textual.widgets import Button, ContentSwitcher, Input

from models.chart_owner import resend_invite
from models.registration import LOCKED, bad_code_message
from models.tables import Invitation, PortalAccount
from tui.kiosk.register import RegisterScreen

from .helpers import PASSWORD, STAFF, fill, invite, kiosk, make_chart, note, settle


def step(app) -> str:
    return app.screen.query_one("#steps", ContentSwitcher).current


async def test_expired_replaced_and_unknown_codes_get_the_same_message(portal, clock):
    old = make_chart(first="Olive", last="Old", email="olive@example.com")
    expired = invite(old)
    clock.advance(days=7, seconds=1)
    renewed = make_chart(first="Rene", last="Sent", email="rene@example.com")
    replaced = invite(renewed)
    resend_invite(STAFF, renewed)
    unknown = "ABCD-EFGH-JKMN-PQRS"

    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#register")
        await settle(pilot)
        messages = []
        for code in (expired, replaced, unknown, "not a code"):
            fill(app, code=code)
            await pilot.press("enter")
            await settle(pilot)
            assert step(app) == "step-code"
            messages.append(note(app, "code-error"))
            assert app.screen.query_one("#code", Input).value == code  # what they typed stays
        assert set(messages) == {bad_code_message()}
        assert "front desk" in messages[0]


async def test_a_prefilled_code_opens_at_the_details_step(portal):
    code = invite(make_chart())
    app = kiosk(portal, code=code)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert step(app) == "step-details"
        assert app.screen.query_one("#last-name", Input).has_focus


async def test_three_wrong_dates_of_birth_lock_the_invitation(portal):
    client = make_chart()
    code = invite(client)
    app = kiosk(portal, code=code)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        seen = []
        for wrong in ("04/14/2001", "2001-04-15", "04/16/2001"):
            fill(app, last_name="Rivera", dob=wrong, password=PASSWORD, confirm=PASSWORD)
            # Enter in the last field: a button ignores clicks for 0.2 s after a press.
            app.screen.query_one("#confirm", Input).focus()
            await pilot.press("enter")
            await settle(pilot)
            seen.append(note(app, "details-error"))
            assert app.screen.query_one("#last-name", Input).value == "Rivera"
            assert app.screen.query_one("#dob", Input).value == wrong
        assert "2 more times" in seen[0] and "1 more time." in seen[1]
        assert seen[2] == LOCKED
        assert app.screen.query_one("#create", Button).disabled
        assert Invitation.get().locked_at is not None
        assert PortalAccount.select().count() == 0
        # Even the right answer is refused now.
        fill(app, dob="04/13/2001")
        app.screen.submit()
        await settle(pilot)
        assert PortalAccount.select().count() == 0


async def test_an_error_about_a_field_goes_once_that_field_is_edited(portal):
    app = kiosk(portal, code=invite(make_chart()))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        fill(app, last_name="Rivera", dob="13/45/2001", password=PASSWORD, confirm=PASSWORD)
        await pilot.click("#create")
        await settle(pilot)
        error = app.screen.query_one("#details-error")
        assert "MM/DD/YYYY" in note(app, "details-error") and error.has_class("shown")
        app.screen.query_one("#last-name", Input).focus()
        await pilot.press("x", "backspace")  # another field: the reason stays
        await settle(pilot)
        assert error.has_class("shown")
        app.screen.query_one("#dob", Input).focus()
        await pilot.press("backspace")  # the date itself: it goes
        await settle(pilot)
        assert not error.has_class("shown") and note(app, "details-error") == ""


@pytest.mark.parametrize(
    ("password", "confirm", "reason"),
    [
        ("short one", "short one", "Too short"),
        (PASSWORD, PASSWORD + "!", "do not match"),
        ("qwertyuiopasdfgh", "qwertyuiopasdfgh", "Too common or easy to guess"),
        ("rivera forever and always", "rivera forever and always", "contains your name"),
    ],
    ids=["too-short", "mismatch", "common", "contains-name"],
)
async def test_each_password_rule_gives_its_reason(portal, password, confirm, reason):
    code = invite(make_chart())
    app = kiosk(portal, code=code)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert "15 to 128 characters" in str(app.screen.query_one("#rules").render())  # shown up front
        fill(app, last_name="Rivera", dob="04/13/2001", password=password, confirm=confirm)
        await pilot.click("#create")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert reason in note(app, "details-error")
        assert app.screen.query_one("#last-name", Input).value == "Rivera"
        assert app.screen.query_one("#dob", Input).value == "04/13/2001"
        assert app.screen.query_one("#password", Input).value == ""
        assert app.screen.query_one("#password", Input).has_focus
        assert Invitation.get().failed_matches == 0


async def test_too_many_bad_codes_from_the_kiosk_says_so_and_keeps_running(portal):
    from models import throttle
    from tui.kiosk.register import RegisterScreen

    from .helpers import kiosk, note, settle

    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#register")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        # Enter in the code field: a button ignores clicks for 0.2 s after a
        # press, so clicking in a fast loop would test the timing, not the limit.
        for _ in range(throttle.LIMIT + 1):
            field = app.screen.query_one("#code")
            field.value = "AAAA-BBBB-CCCC-DDDD"
            field.focus()
            await pilot.press("enter")
            await settle(pilot)
        assert app.is_running
        assert "Too many codes" in note(app, "code-error")
