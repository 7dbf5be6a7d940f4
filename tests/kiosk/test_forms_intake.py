"""The "New client intake" package at the kiosk: demographics on one page
(its answers become proposals for staff), the consent signed with the
signer's capacity, and a parent signing for a minor's chart."""
from __future__ import annotations

from textual.widgets import DataTable

from models.forms.assignments import send_forms
from models.forms.library import sync_builtin_forms
from models.forms.responses import FormResponse
from models.registration import register
from models.tables import ChartChangeProposal
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.forms.form_page import FormPageScreen
from tui.kiosk.forms.review import ReviewScreen
from tui.kiosk.forms.signature import SignatureScreen
from tui.kiosk.forms.thank_you import ThankYouScreen

from .forms_helpers import chart_with_forms, choices_text, kiosk, open_form_row
from .helpers import PASSWORD, STAFF, guardian, invite, log_in, make_chart, settle


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def type_in(pilot, *values: str) -> None:
    """Type each value into the focused field and Tab on (a value of "" skips the field)."""
    for value in values:
        await pilot.press(*value, "tab")
    await settle(pilot)


async def sign(pilot, name: str) -> None:
    app = pilot.app
    assert isinstance(app.screen, SignatureScreen)
    await pilot.press(*name, "enter")      # the name, then "I agree"
    await pilot.press("enter")             # ticks it; Sign and submit has the focus
    assert choices_text(app, "#agree") == "[x] I agree"
    await pilot.press("enter")
    await settle(pilot)


async def test_intake_package_demographics_then_consent(portal):
    client, email, ids = chart_with_forms(package="new_client_intake")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await settle(pilot)
        table = app.screen.query_one("#forms-table", DataTable)
        assert table.row_count == 5

        await open_form_row(pilot, "Demographics")
        assert isinstance(app.screen, FormPageScreen)
        assert app.screen.query_one("#q-first_name").has_focus  # the first unanswered question
        # first, last, preferred (skipped), a date of birth with the month and day swapped
        await type_in(pilot, "Jamie", "Rivera", "", "13/04/2001")
        assert "no month 13" in text(app, "#err-date_of_birth")
        await pilot.press("shift+tab", "ctrl+u", *"04/13/2001", "tab")
        await settle(pilot)
        assert text(app, "#err-date_of_birth") == ""
        await type_in(pilot, "", "555 010 3000", "", "Sam", "Rivera", "Sibling", "555-010-4000")
        await pilot.press("ctrl+r")
        await settle(pilot)

        assert isinstance(app.screen, ReviewScreen)
        shown = {l.question_id: l.shown for l in app.screen.lines}
        assert shown["date_of_birth"] == "04/13/2001" and shown["preferred_name"] == "(no answer)"
        assert shown["emergency_first_name"] == "Sam"
        await pilot.press("enter")             # Submit has the focus: no signature on this form
        await settle(pilot)
        assert isinstance(app.screen, ThankYouScreen)
        await pilot.press("enter")
        await settle(pilot)

        await open_form_row(pilot, "Consent")
        assert isinstance(app.screen, FormPageScreen)
        assert app.screen.query_one("#q-questions_answered").has_focus
        await pilot.press("enter")             # (•) Yes
        assert choices_text(app, "#q-questions_answered") == "(•) Yes\n( ) No"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert str(app.screen.query_one("#submit").label) == "Continue to sign"
        await pilot.press("enter")
        await settle(pilot)
        assert text(app, "#capacity") == "You are signing as the client."
        await sign(pilot, "Jamie Rivera")
        assert isinstance(app.screen, ThankYouScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Forms (3)" in str(app.screen.query_one("#tabs").get_tab("forms").label)

    targets = {p.target for p in ChartChangeProposal.select().where(ChartChangeProposal.client == client.id)}
    assert {"phone", "emergency_contact"} <= targets and "first_name" not in targets
    consent = FormResponse.get((FormResponse.assignment == ids[1]) & (FormResponse.status == "submitted"))
    assert (consent.signed_name, consent.signed_capacity, consent.signed_source) == ("Jamie Rivera", "self", "kiosk")


async def test_a_parent_signs_the_consent_of_the_minor_chart_they_picked(portal):
    child = make_chart(first="Ava", last="Parent", dob="05/05/2015", email="")
    code = invite(child, contact_id=guardian(child).id)
    register(code, "Parent", "05/05/2015", PASSWORD, PASSWORD)
    sync_builtin_forms()
    (assignment,) = send_forms(STAFF, child.id, ["consent_to_treatment"]).assignment_ids
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "pat.parent@example.com")
        await settle(pilot)
        await open_form_row(pilot, "Consent")
        await pilot.press("enter", "ctrl+r")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert text(app, "#capacity") == "You are signing as a parent of the client."
        await pilot.press("enter", "enter", "enter")  # no name typed; "I agree"; Sign and submit
        await settle(pilot)
        assert isinstance(app.screen, SignatureScreen)
        assert "name" in text(app, "#submit-note").lower()
        assert app.screen.query_one("#full-name").has_focus  # where the refusal points
        await pilot.press(*"Pat Parent")
        await pilot.click("#submit")
        await settle(pilot)
        assert isinstance(app.screen, ThankYouScreen)
    consent = FormResponse.get((FormResponse.assignment == assignment) & (FormResponse.status == "submitted"))
    assert (consent.client_id, consent.signed_capacity) == (child.id, "parent")
