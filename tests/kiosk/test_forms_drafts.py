"""A form's draft at the kiosk: saved as the client goes, kept through an idle
log-out and resumed; a revoked owner stopped mid-form; keys typed in a burst."""
from __future__ import annotations

import datetime as dt
import json

from textual.widgets import DataTable

from models.chart_owner import revoke_access
from models.forms.assignments import send_forms
from models.forms.responses import chart_drafts
from models.tables import FormResponse
from tui.kiosk.app import IDLE_MESSAGE
from tui.kiosk.forms.filling import STOPPED
from tui.kiosk.forms.form_page import FormPageScreen
from tui.kiosk.forms.question import QuestionScreen
from tui.kiosk.welcome import WelcomeScreen

from ..bursts import burst
from .forms_helpers import chart_with_forms, kiosk, open_form_row
from .helpers import STAFF, log_in, note, settle


def draft_answers(assignment_id: int) -> dict:
    draft = FormResponse.get((FormResponse.assignment == assignment_id) & (FormResponse.status == "draft"))
    return json.loads(draft.answers or "{}")


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def idle_out(pilot) -> None:
    """After the caller moved the clock past the idle limit: the kiosk signs out."""
    app = pilot.app
    await pilot.pause(0.3)
    await pilot.pause()
    await settle(pilot)
    assert isinstance(app.screen, WelcomeScreen)
    assert note(app, "welcome-message") == IDLE_MESSAGE


async def test_a_questionnaire_draft_survives_an_idle_log_out_and_resumes(portal, clock):
    client, email, (assignment,) = chart_with_forms("phq9")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await open_form_row(pilot, "PHQ-9")
        await pilot.press("2", "3", "1")
        await settle(pilot)
        # saved as given: a killed process would leave this much
        assert draft_answers(assignment) == {"phq9_1": 1, "phq9_2": 2, "phq9_3": 0}

        clock.advance(seconds=app.idle_seconds + 1)
        await idle_out(pilot)

        await log_in(pilot, email)
        table = app.screen.query_one("#forms-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)][1] == "Started: 3 of 10 answered"
        await pilot.pause()
        await open_form_row(pilot, "PHQ-9")
        assert isinstance(app.screen, QuestionScreen)
        assert text(app, "#question-number") == "Question 4 of 9"
        await pilot.press("backspace")
        assert text(app, "#question-number") == "Question 3 of 9"
        assert app.screen.query_one("#question-choices").value == 0


async def test_a_form_page_keeps_the_field_being_typed_through_an_idle_log_out(portal, clock):
    client, email, (assignment,) = chart_with_forms("demographics")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await open_form_row(pilot, "Demographics")
        await pilot.press(*"Jamie", "tab", *"Rive")     # the last name not given yet (no Enter, no Tab)
        await settle(pilot)
        assert draft_answers(assignment) == {"first_name": "Jamie"}

        clock.advance(seconds=app.idle_seconds + 1)
        await idle_out(pilot)
        assert draft_answers(assignment) == {"first_name": "Jamie", "last_name": "Rive"}

        await log_in(pilot, email)
        await open_form_row(pilot, "Demographics")
        assert isinstance(app.screen, FormPageScreen)
        assert app.screen.query_one("#q-first_name").value == "Jamie"
        assert app.screen.query_one("#q-last_name").value == "Rive"
        assert app.screen.query_one("#q-preferred_name").has_focus  # the first unanswered


async def test_a_revoked_owner_is_stopped_mid_form_and_the_draft_kept_for_staff(portal):
    client, email, (assignment,) = chart_with_forms("phq9")
    app = kiosk(portal)  # the session poll would end the visit too; here the save finds the revoke
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await open_form_row(pilot, "PHQ-9")
        await pilot.press("2")
        await settle(pilot)
        revoke_access(STAFF, client)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert note(app, "welcome-message") == STOPPED
        assert app.session is None
    assert [a for _, a, _ in chart_drafts(client.id)] == [assignment]
    assert draft_answers(assignment) == {"phq9_1": 1}


async def test_digits_typed_in_a_burst_with_enter_reach_the_questions_in_order(portal):
    client, email, (assignment,) = chart_with_forms("phq9")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        app.screen.query_one("#forms-table", DataTable).focus()
        burst(app, "\r", "2", "1", "3", "4")
        await settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert text(app, "#question-number") == "Question 5 of 9"
        assert draft_answers(assignment) == {"phq9_1": 1, "phq9_2": 0, "phq9_3": 2, "phq9_4": 3}


async def test_a_dropped_connection_keeps_the_field_being_typed(portal):
    client, email, (assignment,) = chart_with_forms("demographics")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await open_form_row(pilot, "Demographics")
        await pilot.press(*"Jamie", "tab", *"Riv")      # the last name not given yet
        await settle(pilot)
        await app.hang_up()                              # what SIGHUP from the SSH door runs
    assert draft_answers(assignment) == {"first_name": "Jamie", "last_name": "Riv"}


async def test_a_form_in_progress_and_a_due_date_fit_80_columns(portal, clock):
    """Every column on screen: the title gives way to the status and the date."""
    client, email, _ = chart_with_forms("phq9")
    send_forms(STAFF, client.id, ["gad7"], due_on=clock.now().date() + dt.timedelta(days=30))
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await open_form_row(pilot, "PHQ-9")
        await pilot.press("2")
        await pilot.press("escape")  # save and leave
        await settle(pilot)
        table = app.screen.query_one("#forms-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]
        assert any(r[1] == "Started: 1 of 10 answered" for r in rows) and any(r[2].startswith("Due ") for r in rows)
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width
