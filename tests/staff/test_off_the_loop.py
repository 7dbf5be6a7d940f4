"""No database query runs on the staff app's event loop.

Every domain call of the staff app runs in a worker thread
(tui/shared/workers.py). This test records the thread of every SQL statement
while a person signs in, searches, opens a chart, resends an invitation,
works every tab and waits through the polls, and fails on any statement
from the thread that runs the event loop: with PostgreSQL 20 ms away, the
chart read in ChartRoomScreen.__init__, the Chart Owner box's refresh and
the session poll each froze every keystroke.
"""
from __future__ import annotations


from textual.widgets import DataTable, Input, TextArea

from models.records import ClientViewer, request_appointment
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.modals import ConfirmActionScreen, ContactFormScreen, DecideRequestScreen, OwnerActionsMenu
from tui.staff.widgets.chart_owner import ChartOwnerBox

from .conftest import SIZE, drive, settle
from .helpers import PASSWORD, USERNAME, guardian_of, invite, make_chart, make_staff, registered


def test_a_whole_shift_runs_no_query_on_the_event_loop(portal, clock, loop_queries):
    import datetime as dt

    on_loop, recording = loop_queries
    make_staff()
    client = make_chart(last="Quartermaine")
    guardian_of(client)
    invite(client)
    other = registered(make_chart(first="Ada", last="Quill", email="ada@example.com"))
    request_appointment(
        ClientViewer(_account_of(other), other.id),
        mode="video",
        preferred_at=clock.now() + dt.timedelta(days=3),
        reason="Check-in",
    )
    clock.advance(days=8)  # the invitation has expired: Resend is offered

    async def scenario():
        app = StaffApp()
        recording.set()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.screen.query_one("#username", Input).value = USERNAME
            app.screen.query_one("#password", Input).value = PASSWORD
            app.screen.query_one("#password", Input).focus()
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)

            await pilot.press(*"quartermaine")
            await settle(app, pilot, delay=0.3)  # the search's debounce
            await pilot.press("enter")  # the only match: Enter opens it
            await settle(app, pilot)
            room = app.screen
            assert isinstance(room, ChartRoomScreen)
            assert "Quartermaine" in str(room.query_one("#chart-header").render())

            await pilot.press("f3")
            await settle(app, pilot)
            await pilot.press("ctrl+o")
            await settle(app, pilot)
            assert isinstance(app.screen, OwnerActionsMenu)
            menu = app.screen.query_one("#owner-actions")
            ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
            for _ in range(ids.index("resend")):
                await pilot.press("down")
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            await pilot.press("tab", "enter")  # confirmations open on Cancel
            await settle(app, pilot)
            box = room.query_one("#owner-box", ChartOwnerBox)
            assert "Invited" in str(box.query_one("#owner-tag").render())
            box.refresh_state()  # what the 3 s refresh calls
            app.check_session()  # what the session poll calls
            await settle(app, pilot)

            await pilot.press("f2")
            await settle(app, pilot)
            await pilot.press("a")
            await settle(app, pilot)
            assert isinstance(app.screen, ContactFormScreen)
            form = app.screen
            for name, value in (("first_name", "Sam"), ("last_name", "Quartermaine"), ("email", "sam@example.com")):
                form.query_one(f"#{name}", Input).value = value
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)

            await pilot.press("f4")
            await settle(app, pilot)
            room.query_one("#doc-title", Input).value = "Plan"
            room.query_one("#doc-body", TextArea).text = "Week one."
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert room.query_one("#document-list", DataTable).row_count == 1

            await pilot.press("f6")
            await settle(app, pilot)
            room.query_one("#amount", Input).value = "80.00"
            room.query_one("#description", Input).value = "Session"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "$80.00" in str(room.query_one("#balance").render())
            await pilot.press("f7")
            await settle(app, pilot)

            await pilot.press("escape")  # back to the list, then the other chart's request
            await settle(app, pilot)
            await app.push_screen(ChartRoomScreen(other.id, tab="appointments"))
            await settle(app, pilot)
            await pilot.press("f5")
            await settle(app, pilot)
            await pilot.press("y")
            await settle(app, pilot)
            assert isinstance(app.screen, DecideRequestScreen)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)

            app.action_sign_out()
            await settle(app, pilot)
            recording.clear()

    drive(scenario)
    assert on_loop == []


def _account_of(client) -> int:
    from models.chart_owner import current_access

    return current_access(client).account_id
