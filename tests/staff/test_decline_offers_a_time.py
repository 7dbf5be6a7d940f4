"""Declining an appointment request can offer another time (issue 16, expected and absent)."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Static

from models.records import ClientViewer, request_appointment
from models.tables import AppointmentRequest, PortalAccount
from tui.staff.app import StaffApp
from tui.staff.screens.modals import DecideRequestScreen

from .conftest import SIZE, drive, settle
from .helpers import make_chart, registered, signed_in


def test_decline_with_another_time(portal, clock):
    login = signed_in()
    client = registered(make_chart())
    account = PortalAccount.get(PortalAccount.email == "jamie@example.com")
    request_appointment(ClientViewer(account.id, client.id), mode="video", preferred_at=clock.now() + dt.timedelta(days=3), reason="Check-in")

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("f5")
            await settle(app, pilot)
            await pilot.press("x")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, DecideRequestScreen)
            form.query_one("#message", Input).value = "That day is full."
            form.query_one("#offer-date", Input).value = "12/03/2026"
            form.query_one("#offer-time", Input).value = ""  # half an offer: said, nothing sent
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "time like 2:30 PM" in str(form.query_one("#message-error", Static).render())
            assert AppointmentRequest.get().status == "pending"
            form.query_one("#offer-time", Input).value = "10:00 AM"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert not isinstance(app.screen, DecideRequestScreen)

    drive(scenario)
    req = AppointmentRequest.get()
    assert req.status == "declined"
    assert req.practice_message.startswith("That day is full. We can offer Thu Dec 3, 2026, 10:00 AM EST instead")
