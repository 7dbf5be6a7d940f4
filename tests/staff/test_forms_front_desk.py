"""The minimum-necessary rule on screen: a front-desk user sees that a PHQ-9
was completed and when, never its answers, score, trend or risk alert; the
chart's clinician does (models/roles.py refuses, the screens only hide)."""
from __future__ import annotations

import pytest
from textual.widgets import Static

from models.auth import add_staff_user, staff_login
from models.roles import assign_clinician
from models.errors import NotAllowed
from models.forms.staff_views import staff_response
from models.tables import AuditEvent, FormResponse
from tui.shared.line_table import LineTable
from tui.staff.app import StaffApp
from tui.staff.screens.response import ResponseScreen
from tui.staff.screens.work_queue import WorkQueueScreen
from tui.staff.widgets.form_trends import TrendChart
from tui.staff.widgets.forms import FormsTab

from .conftest import drive, settle
from .forms_data import answered, chart_with_owner, phq9
from .helpers import STAFF, signed_in

SMALL = (80, 24)


def _run(login, chart_id: int, checks) -> None:
    async def scenario():
        app = StaffApp(session=login, open_chart=chart_id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            await settle(app, pilot)
            await checks(app, pilot, app.screen.query_one("#forms-tab", FormsTab))

    drive(scenario)


def test_front_desk_sees_a_completed_phq9_but_not_its_answers_score_or_alert(portal, clock):
    login = signed_in("front_desk")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1] * 8 + [2]))     # item 9 above 0: a risk alert

    async def checks(app, pilot, tab):
        forms = tab.query_one("#forms", LineTable)
        assert [str(forms.get_row_at(0)[1])] == ["Completed"]   # that it was completed, and when
        assert not tab.query("#alerts-section") and not tab.query(TrendChart)  # never built for the front desk
        forms.focus()
        await settle(app, pilot)
        assert "answers are for the chart's clinician" in str(tab.query_one("#form-detail", Static).render())
        await pilot.press("enter")                           # open it: not offered, nothing shown
        await settle(app, pilot)
        assert not isinstance(app.screen, ResponseScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "risk alert" not in str(app.screen.query_one("#work-count", Static).render())
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, WorkQueueScreen)
        assert not app.screen.view.alerts and len(app.screen.view.completed) == 1

    _run(login, client.id, checks)
    # The screen only hides what the domain refuses, and the refusal is audited.
    response = FormResponse.get((FormResponse.client == client.id) & (FormResponse.status == "submitted"))
    with pytest.raises(NotAllowed, match="chart's clinician"):
        staff_response(STAFF, response.id)
    refused = AuditEvent.get(AuditEvent.action == "refused.clinical")
    assert (refused.actor, refused.chart) == (f"staff:{STAFF.ref}", client.id)


def test_the_charts_clinician_sees_the_score_and_the_alert(portal, clock):
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1] * 8 + [2]))
    doctor = add_staff_user("drkim", "Dr. Alex Kim", "clinician", "another long staff passphrase")
    assign_clinician(STAFF, client.id, doctor.id)
    login = staff_login("drkim", "another long staff passphrase", "workstation")

    async def checks(app, pilot, tab):
        assert tab.query_one("#alerts-section").display
        forms = tab.query_one("#forms", LineTable)
        forms.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ResponseScreen)
        assert "PHQ-9 total: 10 of 27" in str(app.screen.query_one("#response-results", Static).render())

    _run(login, client.id, checks)
