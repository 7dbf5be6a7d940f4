"""No database query runs on the kiosk's event loop.

Every domain call of the kiosk runs in a worker thread (tui/shared/workers.py).
These tests record the thread of every SQL statement while the kiosk runs a
whole visit, and fail on any statement from the thread that runs the event
loop: a slow database (PostgreSQL 20 ms away) would otherwise freeze the
screen for every query, as the dashboard's pane loads and the session poll
did (0.2-0.5 s each).
"""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable

from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.document import DocumentScreen
from tui.kiosk.registered import RegisteredScreen
from tui.kiosk.welcome import WelcomeScreen

from .helpers import PASSWORD, charge, fill, invite, kiosk, log_in, make_chart, note, settle, share


async def test_a_whole_visit_runs_no_query_on_the_event_loop(portal, clock, loop_queries):
    on_loop, recording = loop_queries
    client = make_chart()
    code = invite(client)
    share(client, "Welcome letter", "Dear Jamie,\n\nWelcome to the practice.")
    charge(client, "150.00", "Intake session")
    clock.set(dt.datetime(2026, 11, 20, 15, 0))

    app = kiosk(portal)  # reads the practice once, before the event loop runs
    recording.set()
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.click("#register")
        await settle(pilot)
        fill(app, code=code)
        await pilot.press("enter")  # the code is checked (and throttled) in a worker
        await settle(pilot)
        fill(app, last_name="Rivera", dob="04/13/2001", password=PASSWORD, confirm=PASSWORD)
        await pilot.click("#create")
        await settle(pilot)
        assert isinstance(app.screen, RegisteredScreen)
        await pilot.press("enter")
        await settle(pilot)

        await log_in(pilot, "jamie@example.com")
        assert isinstance(app.screen, DashboardScreen)
        for key in ("f4", "f5", "f6", "f3"):
            await pilot.press(key)
            await settle(pilot)
        assert "Current balance: $150.00" in str(app.screen.query_one("#balance-amount").render())

        app.screen.query_one("#documents-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DocumentScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f4")
        await settle(pilot)
        await pilot.click("#mode-phone")
        fill(app, preferred_date="11/25/2026", preferred_time="2:30 PM", reason="")
        await pilot.click("#send-request")
        await settle(pilot)
        assert "sent" in note(app, "appointment-notice")

        app.check_session()  # the poll every KIOSK_SESSION_POLL_SECONDS
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen) and app.session is None
    recording.clear()
    assert on_loop == []
