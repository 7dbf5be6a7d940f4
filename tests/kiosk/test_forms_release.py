"""A Release of Information at the kiosk, every widget by keyboard, with no
database query on the event loop (the forms' calls all run in workers)."""
from __future__ import annotations

import datetime as dt
import json

from models.tables import FormResponse
from tui.kiosk.forms.form_page import FormPageScreen
from tui.kiosk.forms.review import ReviewScreen
from tui.kiosk.forms.thank_you import ThankYouScreen

from .forms_helpers import chart_with_forms, choices_text, kiosk, open_form_row
from .helpers import log_in, settle


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_a_release_of_information_by_keyboard_runs_no_query_on_the_loop(portal, clock, loop_queries):
    on_loop, recording = loop_queries
    clock.set(dt.datetime(2026, 12, 1, 15, 0))
    client, email, (assignment,) = chart_with_forms("release_of_information")
    app = kiosk(portal)
    recording.set()
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await settle(pilot)
        await open_form_row(pilot, "Release")
        assert isinstance(app.screen, FormPageScreen)
        await pilot.press(*"Dr. Lee, Family Medicine", "tab", "tab")   # the contact is optional
        assert app.screen.query_one("#q-information").has_focus
        await pilot.press("space", "down", "down", "space")             # two ticked
        assert choices_text(app, "#q-information").splitlines()[:3] == [
            "[x] Dates of attendance", "[ ] Diagnosis", "[x] Treatment plan and summary"]
        await pilot.press("tab", "tab", "enter", "tab", "tab")          # purpose: Coordinating my care
        assert choices_text(app, "#q-purpose").startswith("(•) Coordinating my care\n( ) At my request")
        await pilot.press(*"11/31/2026", "enter")                       # no such day
        await settle(pilot)
        assert "day does not exist" in text(app, "#err-expires_on")
        assert app.screen.query_one("#q-expires_on").size.width >= len("12/10/2026") + 1  # and the cursor
        await pilot.press("shift+tab", "ctrl+u", *"12/10/2026", "enter")
        await settle(pilot)
        assert text(app, "#err-expires_on") == ""
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        shown = {l.question_id: l.shown for l in app.screen.lines}
        assert shown["information"] == "Dates of attendance, Treatment plan and summary"
        assert shown["expires_on"] == "12/10/2026"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Jamie Rivera", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ThankYouScreen)
    recording.clear()
    assert on_loop == []
    response = FormResponse.get((FormResponse.assignment == assignment) & (FormResponse.status == "submitted"))
    answers = json.loads(response.answers)
    assert (answers["information"], answers["purpose"]) == (["attendance", "treatment_summary"], "continuity_of_care")
    assert answers["expires_on"] == "2026-12-10" and response.signed_capacity == "self"
