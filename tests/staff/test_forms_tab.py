"""The chart room's Forms tab: a result read-only, alerts acknowledged, the trend, proposals, sending."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Button, Input, Static

from models.forms.assignments import send_forms
from models.forms.responses import Signature
from models.forms.staff_views import work_queue_count
from models.tables import Client, FormAlert, FormAssignment, FormRecurrence
from tui.shared.line_table import LineTable
from tui.staff.app import StaffApp
from tui.staff.screens.form_dialogs import AcknowledgeAlertScreen, RepeatFormScreen, SendFormsScreen
from tui.staff.screens.modals import ConfirmActionScreen
from tui.staff.screens.response import ResponseScreen
from tui.staff.widgets.form_trends import TrendChart
from tui.staff.widgets.forms import FormsTab

from .conftest import drive, settle
from .forms_data import DEMOGRAPHICS, answered, chart_with_owner, phq9
from .helpers import STAFF, signed_in

SMALL = (80, 24)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _error(screen, name: str) -> str:
    widget = screen.query_one(f"#{name}-error", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


async def _forms_tab(app, pilot) -> FormsTab:
    await settle(app, pilot)
    await pilot.press("f8")
    await settle(app, pilot)
    return app.screen.query_one("#forms-tab", FormsTab)


def _cells(table: LineTable, column: int) -> list[str]:
    return [str(table.get_row_at(n)[column]) for n in range(table.row_count)]


def test_a_flagged_phq9_shows_score_band_flag_and_signature(portal, clock):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([1] * 8 + [2]))
    clock.advance(hours=1)
    answered(viewer, "consent_to_treatment", {"questions_answered": True}, Signature("Jamie Rivera", True))

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            forms = tab.query_one("#forms", LineTable)
            assert _cells(forms, 1) == ["Completed", "Completed"]  # newest first: the consent, then the PHQ-9
            forms.focus()
            forms.move_cursor(row=1)
            await settle(app, pilot)
            assert _text(tab, "#form-detail") == "PHQ-9 Patient Health Questionnaire · completed · Enter opens it"
            await pilot.press("enter")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ResponseScreen)
            results = _text(screen, "#response-results")
            assert "PHQ-9 total: 10 of 27 · Moderate" in results
            assert "⚠ Risk flag: Item 9" in results
            answers = _text(screen, "#response-answers")
            assert "Over the last 2 weeks" in answers  # the item group's stem, as asked
            assert "⚠ 9. Thoughts that you would be better off dead" in answers
            assert "2 · More than half the days" in answers
            assert "  1. Little interest or pleasure" in answers  # not flagged: no mark
            assert "acknowledge it in the Forms tab" in _text(screen, "#response-alerts")
            assert "this form asks for none" in _text(screen, "#response-signature")
            await pilot.press("escape")
            await settle(app, pilot)
            forms.move_cursor(row=0)
            forms.focus()
            await pilot.press("enter")
            await settle(app, pilot)
            signature = _text(app.screen, "#response-signature")
            assert "Signed by Jamie Rivera, the client, I agree" in signature
            assert "from kiosk · SHA-256" in signature

    drive(scenario)


def test_acknowledging_needs_a_note_and_clears_the_alert(portal, clock):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([0] * 8 + [1]))

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            assert tab.query_one("#alerts-section").display
            assert app.screen.focused is tab.query_one("#alerts")  # the alert comes first
            await pilot.press("a")
            await settle(app, pilot)
            dialog = app.screen
            assert isinstance(dialog, AcknowledgeAlertScreen)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert _error(dialog, "note") == "Note is required."
            assert app.screen is dialog
            assert FormAlert.get().acknowledged_at is None
            await pilot.press(*"Called; safety plan reviewed", "enter")
            await settle(app, pilot)
            assert not isinstance(app.screen, AcknowledgeAlertScreen)
            assert not tab.query_one("#alerts-section").display

    drive(scenario)
    alert = FormAlert.get()
    assert alert.note == "Called; safety plan reviewed" and alert.acknowledged_by.username == "fran"
    assert work_queue_count(STAFF).alerts == 0


def test_the_trend_of_several_phq9_totals_with_dates_and_bands(portal, clock):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    for values in ([3] * 8 + [0], [2] * 8 + [0], [1] * 8 + [0], [0] * 9):
        answered(viewer, "phq9", phq9(values))
        clock.advance(days=14)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            chart = tab.query_one(TrendChart)
            lines = str(chart.render()).splitlines()
            assert lines[0] == "PHQ-9 Patient Health Questionnaire: total over time (0-27)"
            # 4 cells a total, as high as the total on the questionnaire's whole range
            assert lines[1] == "▇▇▇▇▅▅▅▅▃▃▃▃▁▁▁▁"
            words = "\n".join(lines[2:])
            assert "11/20/26 24 Severe · 12/04/26 16 Moderately severe · 12/18/26 8 Mild · 01/01/27 0 Minimal" in words
            assert "Bands: 0-4 Minimal, 5-9 Mild, 10-14 Moderate, 15-19 Moderately severe, 20-27 Severe" in words
            assert "GAD-7" not in str(chart.render())  # no GAD-7 answered: no trend drawn for it
            # Each bar takes its band's colour: the severe total's is not the minimal one's.
            spans = chart.render().spans
            assert len({str(span.style) for span in spans if span.start >= len(lines[0]) + 1}) == 4

    drive(scenario)


def test_proposed_changes_change_the_chart_only_when_accepted(portal, clock):
    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "demographics", DEMOGRAPHICS)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            table = tab.query_one("#proposals", LineTable)
            assert _cells(table, 0) == ["Last name", "Email", "Phone", "Emergency contact"]
            assert [str(c) for c in table.get_row_at(0)] == ["Last name", "Rivera", "Rivera-Lopez"]
            table.focus()
            await pilot.press("n")  # reject the last name
            await settle(app, pilot)
            assert Client.get_by_id(client.id).last_name == "Rivera"
            assert _cells(table, 0) == ["Email", "Phone", "Emergency contact"]
            await pilot.press("down", "y")  # accept the phone
            await settle(app, pilot)
            assert Client.get_by_id(client.id).phone == "(555) 010-4444"
            assert Client.get_by_id(client.id).email == "jamie@example.com"
            assert _cells(table, 0) == ["Email", "Emergency contact"]
            assert "Rivera" in _text(app.screen, "#chart-header")
            await pilot.press("down")  # the table cuts a long value; the line below shows it whole
            assert _text(tab, "#proposal-detail") == "Emergency contact: — → Morgan Lopez · Spouse · (555) 010-5555"

    drive(scenario)


def test_send_a_package_with_a_due_date_and_refuse_a_bad_one(portal, clock):
    login = signed_in("admin")
    client, _ = chart_with_owner()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            await pilot.press("s")
            await settle(app, pilot)
            dialog = app.screen
            assert isinstance(dialog, SendFormsScreen)
            assert dialog.keys[0] == "package:new_client_intake"
            due = dialog.query_one("#due_on", Input)
            for typed, words in (
                ("02/30/2027", "February 2027 has no day 30"),
                ("13/01/2027", "no month 13"),
                ("11/19/2026", "cannot be in the past"),
            ):
                due.value = typed
                await pilot.press("ctrl+s")
                await settle(app, pilot)
                assert words in _error(dialog, "due_on"), typed
                assert app.screen is dialog
            assert FormAssignment.select().count() == 0
            due.value = "12/01/2026"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is not dialog
            forms = tab.query_one("#forms", LineTable)
            assert _cells(forms, 1) == ["To do"] * 5
            assert _cells(forms, 3) == ["12/01/2026"] * 5

    drive(scenario)
    assert {a.due_on for a in FormAssignment.select()} == {dt.date(2026, 12, 1)}
    assert FormAssignment.select().count() == 5


def test_a_long_history_is_listed_a_page_at_a_time(portal, clock):
    login = signed_in("admin")
    client, _ = chart_with_owner()
    send_forms(STAFF, client.id, ["gad7"] * 55)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            forms = tab.query_one("#forms", LineTable)
            assert forms.row_count == 50
            assert _text(tab, "#forms-more") == "The newest 50 of 55 forms sent · M lists 5 more"
            assert app.screen.focused is forms
            await pilot.press("m")
            await settle(app, pilot)
            assert forms.row_count == 55 and not tab.query_one("#forms-more").display

    drive(scenario)


def test_repeat_a_phq9_then_stop_it_and_withdraw_a_form_after_asking(portal, clock):
    login = signed_in("admin")
    client, _ = chart_with_owner()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            tab = await _forms_tab(app, pilot)
            await pilot.press("r")
            await settle(app, pilot)
            dialog = app.screen
            assert isinstance(dialog, RepeatFormScreen)
            dialog.query_one("#every_days", Input).value = "0"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "1 to 366 days" in _error(dialog, "every_days")
            dialog.query_one("#every_days", Input).value = "14"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert app.screen is not dialog
            assert "repeats every 14 days · next 12/04/2026" in _text(tab, "#repeats")
            assert _cells(tab.query_one("#forms", LineTable), 1) == ["To do"]

            await pilot.press("r")  # now: stop repeating, after asking
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            app.screen.query_one("#confirm", Button).press()
            await settle(app, pilot)
            assert not tab.query_one("#repeats").display
            assert FormRecurrence.get().stopped_at is not None

            tab.query_one("#forms", LineTable).focus()
            await pilot.press("x")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            await pilot.press("escape")  # not withdrawn
            await settle(app, pilot)
            assert FormAssignment.get().status == "open"
            await pilot.press("x")
            await settle(app, pilot)
            app.screen.query_one("#confirm", Button).press()
            await settle(app, pilot)
            assert _cells(tab.query_one("#forms", LineTable), 1) == ["Withdrawn"]

    drive(scenario)
    assert FormAssignment.get().status == "cancelled"


def test_a_slow_read_shows_reading_then_the_tab_whole(portal, clock, monkeypatch):
    """The screen waits for the first view (FIRST_VIEW_WAIT) only so long: a read that takes
    longer shows "Reading the chart's forms…" until it comes, then every section at once."""
    import threading

    login = signed_in("admin")
    client, viewer = chart_with_owner()
    answered(viewer, "phq9", phq9([0] * 8 + [1]))
    gate = threading.Event()
    read = FormsTab.read

    def slow_read(tab, chart_id):
        gate.wait(10)  # released by the test once it has seen the tab before its view
        return read(tab, chart_id)

    monkeypatch.setattr(FormsTab, "read", slow_read)
    monkeypatch.setattr(FormsTab, "FIRST_VIEW_WAIT", 0.001)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f8")
            for _ in range(5):
                await pilot.pause()
            tab = app.screen.query_one("#forms-tab", FormsTab)
            assert _text(tab, "#forms-reading") == "Reading the chart's forms…"
            assert not tab.query("#sent-section") and app.screen.focused is tab
            gate.set()
            await settle(app, pilot)
            assert not tab.query("#forms-reading")
            assert tab.query_one("#alerts-section").display and tab.query_one(TrendChart).display
            assert app.screen.focused is tab.query_one("#alerts")  # the keyboard moves in with the view

    drive(scenario)
