"""A chart tab with FIRST_VIEW_WAIT (the Forms tab): the garbage collector waits
from the key that opens the tab until its first view is on screen, then comes
back on; a pause that turned it off is the only one that turns it on again."""
from __future__ import annotations

import gc

import pytest

from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.widgets import chart_tab
from tui.staff.widgets.chart_tab import _CollectorPause
from tui.staff.widgets.forms import FormsTab

from .conftest import drive, settle
from .forms_data import answered, chart_with_owner, phq9
from .helpers import signed_in

SMALL = (80, 24)


@pytest.fixture
def collecting():
    """The collector on for the test, and on again after it, whatever the test did."""
    was = gc.isenabled()
    gc.enable()
    yield
    _CollectorPause.holders, _CollectorPause.turned_off = 0, False
    (gc.enable if was else gc.disable)()


def test_the_collector_waits_for_the_forms_tab_then_comes_back(portal, clock, collecting, monkeypatch):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1] * 9))
    while_drawn = []
    draw = FormsTab.draw

    def watched_draw(tab, view):
        while_drawn.append(gc.isenabled())
        return draw(tab, view)

    monkeypatch.setattr(FormsTab, "draw", watched_draw)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert gc.isenabled()
            await pilot.press("f8")  # the tab is built in the key's handler: the collector waits from there
            await settle(app, pilot)
            tab = app.screen.query_one("#forms-tab", FormsTab)
            assert tab.view is not None and tab.query("#sent-section")
            assert while_drawn == [False]  # off while the first view was drawn
            assert gc.isenabled() and _CollectorPause.holders == 0  # on again once it is on screen

    drive(scenario)


def test_a_tab_closed_before_its_view_gives_the_collector_back(portal, clock, collecting, monkeypatch):
    monkeypatch.setattr(chart_tab, "COLLECTOR_WAIT", 0.05)
    login = signed_in("admin")
    client, _ = chart_with_owner()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await app.push_screen(ChartRoomScreen(client.id, tab="forms"))
            assert not gc.isenabled()
            app.pop_screen()  # before its first view: no frame will show it
            await pilot.pause(0.2)  # the app's timer (COLLECTOR_WAIT) gives it back
            assert gc.isenabled() and _CollectorPause.holders == 0

    drive(scenario)


def test_pauses_are_counted_and_leave_a_collector_they_did_not_turn_off(collecting):
    _CollectorPause.hold()
    _CollectorPause.hold()
    assert not gc.isenabled()
    _CollectorPause.release()
    assert not gc.isenabled()  # the other tab's frame is not painted yet
    _CollectorPause.release()
    assert gc.isenabled()
    gc.disable()  # someone else's pause (tui.startup's while an app is built)
    _CollectorPause.hold()
    _CollectorPause.release()
    assert not gc.isenabled()
