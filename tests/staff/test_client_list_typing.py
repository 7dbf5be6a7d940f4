"""Typing a name anywhere on the client list searches every chart; Enter on the only match opens it (issue 16)."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Tabs

from tests.bursts import burst
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen

from .conftest import SIZE, drive, settle
from .helpers import invite, make_chart, signed_in


def test_a_name_typed_on_the_table_in_another_queue_searches_all_and_enter_opens_it(portal, clock):
    login = signed_in()
    expired = make_chart(first="Eve", last="Expired", email="eve@example.com")
    invite(expired)
    clock.advance(days=8)
    brooks = make_chart(first="Blake", last="Brooks", email="blake@example.com")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ClientListScreen)
            await pilot.press("f4")  # the Expired queue
            await settle(app, pilot)
            table = screen.query_one("#clients", DataTable)
            table.focus()
            await pilot.pause()
            assert table.row_count == 1  # Eve, highlighted
            burst(app, "brooks", "\r")  # typed at once, Enter before the search is back
            await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)
            await settle(app, pilot)
            assert screen.query_one("#search", Input).value == "brooks"
            assert screen.query_one("#queues", Tabs).active == "queue-all"
            assert isinstance(app.screen, ChartRoomScreen)
            assert app.screen.chart_id == brooks.id

    drive(scenario)


def test_enter_in_the_search_box_on_one_match_opens_it_and_on_several_goes_to_the_list(portal, clock):
    login = signed_in()
    make_chart(first="Robin", last="Hood", email="robin@example.com")
    make_chart(first="Rory", last="Hood", email="rory@example.com")
    only = make_chart(first="Maid", last="Marian", email="maid@example.com")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = app.screen
            await pilot.press(*"hood")
            await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is screen and app.focused is screen.query_one("#clients")
            await pilot.press(*"marian")  # typed on the table: a new search, in the search box
            await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)
            assert screen.query_one("#search", Input).value == "marian"
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen) and app.screen.chart_id == only.id

    drive(scenario)
