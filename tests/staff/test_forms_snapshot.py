"""SVG snapshots at 80x24: the staff result view of a flagged PHQ-9, and the chart's Forms tab."""
from __future__ import annotations

from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.response import ResponseScreen

from .conftest import settle
from .forms_data import answered, chart_with_owner, gad7, phq9
from .helpers import signed_in


def test_staff_result_of_a_flagged_phq9(portal, clock, snap_compare):
    login = signed_in("admin")
    _, viewer = chart_with_owner()
    response = answered(viewer, "phq9", phq9([2, 2, 1, 2, 1, 1, 1, 0, 1]))

    async def open_result(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        await app.push_screen(ResponseScreen(response))
        await settle(app, pilot)

    assert snap_compare(StaffApp(session=login), terminal_size=(80, 24), run_before=open_result)


def test_staff_forms_tab_with_an_alert_and_a_trend(portal, clock, snap_compare):
    """The Forms tab's tables (LineTable) at 80x24: the open alert first, with the keyboard on it."""
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1, 1, 1, 1, 0, 0, 0, 0, 0]))
    clock.advance(days=14)
    answered(viewer, "gad7", gad7([1, 2, 1, 1, 0, 0, 1]))
    clock.advance(days=14)
    answered(viewer, "phq9", phq9([2, 2, 1, 2, 1, 1, 1, 0, 1]))

    async def open_forms(pilot) -> None:
        app = pilot.app
        await settle(app, pilot)
        await app.push_screen(ChartRoomScreen(client.id, tab="forms"))
        await settle(app, pilot)

    assert snap_compare(StaffApp(session=login), terminal_size=(80, 24), run_before=open_forms)
