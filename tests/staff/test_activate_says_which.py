"""Activate's confirmation says which of the two will happen (issue 16, friction).

It said "an email with a code… or access at once if they already have a
portal account": staff could not tell the person what to expect.
"""
from __future__ import annotations

from models.chart_owner import revoke_access
from tui.staff.app import StaffApp
from tui.staff.screens.modals import ChooseOwnerScreen, ConfirmActionScreen

from .conftest import SIZE, drive, settle
from .helpers import STAFF, make_chart, registered, signed_in
from .test_chart_owner_flow import _open_chart, _text


async def _activate_body(app, pilot) -> str:
    await pilot.press("ctrl+o")
    await settle(app, pilot)
    await pilot.press("enter")  # Activate Client Portal Access, the only action
    await settle(app, pilot)
    assert isinstance(app.screen, ChooseOwnerScreen)
    await pilot.click("#confirm")
    await settle(app, pilot)
    assert isinstance(app.screen, ConfirmActionScreen)
    body = _text(app.screen.query_one("#dialog-body"))
    await pilot.press("escape")
    await settle(app, pilot)
    return body


def test_activate_names_an_invitation_or_access_at_once(portal, clock):
    login = signed_in()
    new = make_chart(first="Nia", last="New", email="nia@example.com")
    known = registered(make_chart(first="Kai", last="Known", email="kai@example.com"))
    revoke_access(STAFF, known)  # Kai keeps the portal account

    async def scenario():
        for chart, expect, absent in ((new, "with a code", "already has"), (known, "already has a portal account", "code")):
            app = StaffApp(session=login, open_chart=chart.id)
            async with app.run_test(size=SIZE) as pilot:
                await _open_chart(chart, pilot, app)
                body = await _activate_body(app, pilot)
                assert expect in body and absent not in body, body

    drive(scenario)
