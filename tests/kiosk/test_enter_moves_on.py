"""Enter moves to the next field as it arrives, and submits from the last (issue 16, defect 10).

Over SSH keys come in bursts: "Rivera<Enter>04/13/2001<Enter>…" arrived
before the focus had moved, so the date went into the last name, and
the Enter in what the person took for the last field only moved on.
"""
from __future__ import annotations

from tests.bursts import burst
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.registered import RegisteredScreen

from .helpers import PASSWORD, invite, kiosk, make_chart, note, registered_chart, settle


async def test_a_burst_with_enter_between_fields_registers(portal):
    code = invite(make_chart())
    app = kiosk(portal, code=code)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "Rivera", "\r", "04/13/2001", "\r", PASSWORD, "\r", PASSWORD, "\r")
        await settle(pilot)
        assert isinstance(app.screen, RegisteredScreen), note(app, "details-error")


async def test_a_burst_with_enter_between_fields_logs_in(portal):
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#login")
        await settle(pilot)
        burst(app, email, "\r", PASSWORD, "\r")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen), note(app, "error")
