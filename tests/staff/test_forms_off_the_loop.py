"""No query of the forms screens runs on the event loop (see test_off_the_loop.py for why)."""
from __future__ import annotations

from tui.staff.app import StaffApp
from tui.staff.screens.form_dialogs import SendFormsScreen
from tui.staff.screens.response import ResponseScreen

from .conftest import drive, settle
from .forms_data import DEMOGRAPHICS, answered, chart_with_owner, gad7, phq9
from .helpers import signed_in


def test_the_forms_screens_query_only_in_workers(portal, clock, loop_queries):
    on_loop, recording = loop_queries
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1] * 9))
    answered(viewer, "gad7", gad7([2] * 7))
    answered(viewer, "demographics", DEMOGRAPHICS)

    async def scenario():
        app = StaffApp(session=login)
        recording.set()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("f5")           # the work queue
            await settle(app, pilot)
            await pilot.press("enter")        # the alert's chart, on its Forms tab
            await settle(app, pilot)
            tab = app.screen.query_one("#forms-tab")
            await pilot.press("s")
            await settle(app, pilot)
            assert isinstance(app.screen, SendFormsScreen)
            await pilot.press("escape")
            await settle(app, pilot)
            tab.query_one("#forms").focus()
            await pilot.press("enter")        # the newest completed response
            await settle(app, pilot)
            assert isinstance(app.screen, ResponseScreen)
            await pilot.press("escape")
            tab.query_one("#proposals").focus()
            await pilot.press("y")            # accept a proposed change
            await settle(app, pilot)
            await pilot.press("escape", "escape")
            await settle(app, pilot)
            await pilot.press("f6")           # the library
            await settle(app, pilot)
        recording.clear()

    drive(scenario)
    assert on_loop == []
