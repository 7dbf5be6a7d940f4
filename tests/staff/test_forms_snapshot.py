"""SVG snapshot of the staff result view: a flagged PHQ-9 at 80x24."""
from __future__ import annotations

from tui.staff.app import StaffApp
from tui.staff.screens.response import ResponseScreen

from .conftest import settle
from .forms_data import answered, chart_with_owner, phq9
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
