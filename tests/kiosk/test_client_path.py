"""The whole client path at the kiosk, from an invitation code to log-out."""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, TabbedContent

from models.tables import AppointmentRequest, Document, LoginSession
from tui.kiosk.app import LOGGED_OUT
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.document import DocumentScreen
from tui.kiosk.login import LoginScreen
from tui.kiosk.register import RegisterScreen
from tui.kiosk.registered import RegisteredScreen
from tui.kiosk.welcome import WelcomeScreen

from .helpers import PASSWORD, charge, fill, invite, kiosk, make_chart, note, settle, share


async def test_register_log_in_use_the_dashboard_and_log_out(portal):
    client = make_chart()
    code = invite(client)
    doc = share(client, "Welcome letter", "Dear Jamie,\n\nWelcome to the practice.")
    charge(client, "150.00", "Intake session")
    charge(client, "50.00", "Card payment", kind="payment")

    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.click("#register")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)

        fill(app, code=code.lower().replace("-", " "))
        await pilot.press("enter")
        await settle(pilot)
        last_name = app.screen.query_one("#last-name")
        assert last_name.has_focus

        await pilot.press(*"rivera", "enter")
        await pilot.press(*"04/13/2001")
        assert str(app.screen.query_one("#dob-readable").render()) == "= April 13, 2001"
        fill(app, password=PASSWORD, confirm=PASSWORD)
        await pilot.click("#create")
        await settle(pilot)

        assert isinstance(app.screen, RegisteredScreen)
        assert "jamie@example.com" in str(app.screen.query_one("#done-email").render())
        await pilot.press("enter")
        await pilot.pause()

        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#email").value == "jamie@example.com"
        assert app.screen.query_one("#password").has_focus
        fill(app, password=PASSWORD)
        await pilot.press("enter")
        await settle(pilot)

        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None and app.session.chart_id == client.id
        table = app.screen.query_one("#documents-table", DataTable)
        assert table.row_count == 1
        assert [str(c) for c in table.get_row_at(0)][::2] == ["Welcome letter", "New"]

        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        assert "Welcome to the practice." in str(app.screen.query_one("#doc-text").render())
        assert Document.get_by_id(doc.id).opened_at is not None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert str(app.screen.query_one("#documents-table", DataTable).get_row_at(0)[2]) == "Opened"

        app.screen.query_one(TabbedContent).active = "appointments"
        await settle(pilot)
        await pilot.click("#mode-video")
        fill(app, preferred_date="11/25/2026", preferred_time="2:30 pm", reason="Follow-up")
        await pilot.click("#send-request")
        await settle(pilot)
        req = AppointmentRequest.get()
        assert (req.mode, req.preferred_at, req.reason) == ("video", dt.datetime(2026, 11, 25, 19, 30), "Follow-up")
        requests = app.screen.query_one("#requests-table", DataTable)
        assert requests.row_count == 1
        assert str(requests.get_row_at(0)[2]) == "Pending"
        assert "sent" in note(app, "appointment-notice")

        app.screen.query_one(TabbedContent).active = "balance"
        await settle(pilot)
        assert str(app.screen.query_one("#balance-amount").render()) == "Current balance: $100.00"
        assert app.screen.query_one("#ledger-table", DataTable).row_count == 2

        session_id = app.session.session_id
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session is None
        assert LOGGED_OUT in note(app, "welcome-message")
        assert LoginSession.get_by_id(session_id).ended_at is not None
        assert not any(isinstance(s, DashboardScreen) for stack in app._screen_stacks.values() for s in stack)
