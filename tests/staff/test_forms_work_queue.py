"""The work queue (alerts first, then forms completed since the last look) and the forms library."""
from __future__ import annotations

from textual.widgets import DataTable, Static

from models.forms.library import form_by_key
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.forms_library import FormsLibraryScreen
from tui.staff.screens.modals import ConfirmActionScreen
from tui.staff.screens.work_queue import WorkQueueScreen

from .conftest import drive, settle
from .forms_data import answered, chart_with_owner, gad7, phq9
from .helpers import make_chart, signed_in

SMALL = (80, 24)


def _rows(table: DataTable) -> list[tuple[str, ...]]:
    return [tuple(str(c) for c in table.get_row_at(n)) for n in range(table.row_count)]


def test_alerts_first_then_completed_since_the_last_look(portal, clock):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    other, other_viewer = chart_with_owner(first="Sam", last="Okafor", dob="02/02/1990", email="sam@example.com")
    answered(other_viewer, "gad7", gad7([1] * 7))
    clock.advance(minutes=5)
    answered(viewer, "phq9", phq9([0] * 8 + [1]))  # flagged, and completed

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            count = str(app.screen.query_one("#work-count", Static).render())
            assert "1 risk alert, 2 completed forms" in count and "F5" in count
            await pilot.press("f5")
            await settle(app, pilot)
            queue = app.screen
            assert isinstance(queue, WorkQueueScreen)
            rows = _rows(queue.query_one("#queue", DataTable))
            assert [(r[0], r[1]) for r in rows] == [
                ("⚠ Risk alert", "Jamie Rivera"), ("Completed", "Sam Okafor"), ("Completed", "Jamie Rivera"),
            ]
            assert "Item 9" in str(queue.query_one("#queue-detail", Static).render())
            await pilot.press("enter")  # the alert's chart, on its Forms tab
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen) and app.screen.chart_id == client.id
            assert app.screen.query_one("#chart-tabs").active == "forms"
            assert app.screen.focused is app.screen.query_one("#alerts")  # the tab's keys are live at once
            await pilot.press("escape")
            await settle(app, pilot)
            assert len(_rows(queue.query_one("#queue", DataTable))) == 3  # what was shown this visit stays
            await pilot.press("escape")
            await settle(app, pilot)

            # Looked: only the alert waits now; a new completion shows on the next look, alone.
            assert "1 risk alert" in str(app.screen.query_one("#work-count", Static).render())
            assert "completed" not in str(app.screen.query_one("#work-count", Static).render())
            clock.advance(minutes=1)
            answered(other_viewer, "phq9", phq9([0] * 9))
            await pilot.press("f5")
            await settle(app, pilot)
            rows = _rows(app.screen.query_one("#queue", DataTable))
            assert [(r[0], r[1], r[2]) for r in rows] == [
                ("⚠ Risk alert", "Jamie Rivera", "PHQ-9 Patient Healt…"),  # cut to fit 80 columns; the line below says it whole
                ("Completed", "Sam Okafor", "PHQ-9 Patient Healt…"),
            ]
            assert "since your last look" in str(app.screen.query_one("#queue-info", Static).render())

    drive(scenario)


def test_the_library_lists_versions_and_retires_a_form_after_asking(portal, clock):
    login = signed_in("admin")
    chart_with_owner()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            library = app.screen
            assert isinstance(library, FormsLibraryScreen)
            table = library.query_one("#library", DataTable)
            rows = _rows(table)
            assert ("Consent to Treatment", "Form", "Built in", "v1", "In use") in rows
            assert ("PHQ-9 Patient Health Questionn…", "Questionnaire", "Built in", "v1", "In use") in rows  # fits 80 columns
            assert "New client intake" in str(library.query_one("#packages", Static).render())
            table.move_cursor(row=[r[0] for r in rows].index("PHQ-9 Patient Health Questionn…"))
            await settle(app, pilot)
            assert str(library.query_one("#library-detail", Static).render()) == (
                "PHQ-9 Patient Health Questionnaire · version 1 · questionnaire, built in · in use"
            )
            table.move_cursor(row=[r[0] for r in rows].index("Telehealth consent"))
            await pilot.press("x")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            await pilot.press("escape")  # cancelled: nothing retired
            await settle(app, pilot)
            assert form_by_key("telehealth_consent").retired_at is None
            await pilot.press("x")
            await settle(app, pilot)
            app.screen.query_one("#confirm").press()
            await settle(app, pilot)
            assert _rows(table)[-1][0] == "Telehealth consent" and _rows(table)[-1][-1] == "Retired"

    drive(scenario)
    assert form_by_key("telehealth_consent").retired_at is not None


def test_an_empty_queue_says_so(portal, clock):
    login = signed_in("admin")
    make_chart()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert "nothing new" in str(app.screen.query_one("#work-count", Static).render())
            await pilot.press("f5")
            await settle(app, pilot)
            assert _rows(app.screen.query_one("#queue", DataTable)) == [("Nothing new", "", "", "")]

    drive(scenario)
