"""F-keys in the chart room: typed at once after a tab key, and from every field (issue 16, defects 1 and 2)."""
from __future__ import annotations

from textual import events
from textual.widgets import Input, TabbedContent, TextArea

from tests.bursts import burst
from tui.staff.app import StaffApp

from .conftest import SIZE, drive, settle
from .helpers import make_chart, signed_in


def test_keys_typed_right_after_a_tab_key_reach_its_first_field(portal, clock):
    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.post_message(events.Key("f4", None))  # the Documents tab is not built yet
            burst(app, "Sleep hygiene tips")
            await settle(app, pilot)
            title = app.screen.query_one("#doc-title", Input)
            assert app.focused is title
            assert title.value == "Sleep hygiene tips"

    drive(scenario)


def test_tab_keys_work_from_the_document_body(portal, clock):
    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            tabs = app.screen.query_one("#chart-tabs", TabbedContent)
            for key, tab in (("f6", "billing"), ("f7", "activity"), ("f5", "appointments"), ("f3", "communications")):
                app.screen.query_one("#doc-body", TextArea).focus()
                await pilot.pause()
                await pilot.press(key)
                await settle(app, pilot)
                assert tabs.active == tab, key
                tabs.active = "documents"
                await pilot.pause()

    drive(scenario)


def test_an_opened_chart_has_the_keyboard_in_its_first_tab_and_a_second_enter_presses_nothing(portal, clock):
    from tui.staff.screens.chart_room import ChartRoomScreen
    from tui.staff.screens.modals import EditChartScreen

    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            overview = app.screen.query_one("#overview-tab")
            assert app.focused is overview  # the tab's keys (e, a, c) are live without a Tab first
            await pilot.press("enter")      # the Enter that opened the chart, pressed once more
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)
            await pilot.press("e")
            await settle(app, pilot)
            assert isinstance(app.screen, EditChartScreen)

    drive(scenario)
