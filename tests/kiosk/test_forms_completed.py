"""A completed form read again at the kiosk: Enter (or a click) on it in the
Forms pane shows it as it was asked, with the answers and the signature line
and no score; Escape (or Back) returns to the list. At 80x24, with the keys
alone and with the mouse; an SVG snapshot of the screen."""
from __future__ import annotations

from textual.widgets import DataTable, Input

from models import chart_owner
from models.forms.responses import Signature, open_form, save_answer, submit
from models.practice import update_practice
from models.records import ClientViewer
from models.tables import AuditEvent, PortalAccount
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.forms.completed import CompletedFormScreen

from .forms_helpers import chart_with_forms, kiosk
from .helpers import STAFF, log_in, settle


def completed(*keys: str):
    """A chart whose owner completed the forms `keys` (the consent signed, the PHQ-9 with item 9 above 0)."""
    client, email, ids = chart_with_forms(*keys)
    viewer = ClientViewer(PortalAccount.get(PortalAccount.email == email).id, client.id, "kiosk")
    answers = {
        "consent_to_treatment": {"questions_answered": True},
        "phq9": {f"phq9_{n}": 3 if n < 9 else 2 for n in range(1, 10)} | {"difficulty": "very"},
    }
    for key, assignment in zip(keys, ids):
        open_form(viewer, assignment)
        for question, value in answers[key].items():
            save_answer(viewer, assignment, question, value)
        submit(viewer, assignment, Signature("Jamie Rivera", True) if key == "consent_to_treatment" else None)
    return client, email


async def to_forms_pane(pilot) -> DataTable:
    """Signed in with no form waiting (the dashboard opens on Documents): F7 to Forms."""
    await pilot.press("f7")
    await settle(pilot)
    table = pilot.app.screen.query_one("#forms-table", DataTable)
    assert table.has_focus
    return table


def row_of(table: DataTable, title: str) -> int:
    return next(n for n in range(table.row_count) if str(table.get_row_at(n)[0]).startswith(title))


def shown(app) -> str:
    return str(app.screen.query_one("#completed-text").render())


async def test_a_completed_consent_and_phq9_read_again_with_the_keys(portal, clock):
    _, email = completed("consent_to_treatment", "phq9")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        table = await to_forms_pane(pilot)
        assert [str(table.get_row_at(n)[1]) for n in range(table.row_count)] == ["Done", "Done"]
        table.move_cursor(row=row_of(table, "Consent"))
        await pilot.press("enter")
        await settle(pilot)

        screen = app.screen
        assert isinstance(screen, CompletedFormScreen)
        assert str(screen.query_one("#completed-title").render()) == "Consent to Treatment"
        assert "Completed Fri Nov 20, 2026, 10:00 AM EST. Read only" in str(screen.query_one("#completed-when").render())
        text = shown(app)
        assert "What therapy is\nTherapy is a working relationship" in text  # what was agreed to, as asked
        assert "1. I have read this consent and my questions have been answered.\n   Yes" in text
        assert text.endswith("Signed by Jamie Rivera, the client, Fri Nov 20, 2026, 10:00 AM EST: “I agree”")
        body = screen.query_one("#completed-body")
        assert body.has_focus and body.max_scroll_y > 0  # longer than 24 lines: the keys read on
        await pilot.press("end")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert table.has_focus and table.cursor_row == row_of(table, "Consent")

        table.move_cursor(row=row_of(table, "PHQ-9"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompletedFormScreen)
        text = shown(app)
        assert "Over the last 2 weeks" in text
        assert "9. Thoughts that you would be better off dead" in text and "   2 · More than half the days" in text
        for clinical in ("Severe", "of 27", "Total", "total", "flag", "Risk", "Signed by"):
            assert clinical not in text, clinical  # scores, bands and flags are the clinician's
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert AuditEvent.select().where(AuditEvent.action == "form.response.view").count() == 2


async def test_the_mouse_opens_a_completed_form_and_goes_back(portal, clock):
    _, email = completed("consent_to_treatment")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        table = await to_forms_pane(pilot)
        # A click on the highlighted row chooses it (a click on another row first moves there).
        await pilot.click("#forms-table", offset=(4, 1))
        await settle(pilot)
        assert isinstance(app.screen, CompletedFormScreen)
        await pilot.click("#back")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and table.has_focus


async def test_a_form_no_longer_theirs_is_not_shown(portal, clock):
    client, email = completed("consent_to_treatment")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await to_forms_pane(pilot)
        chart_owner.revoke_access(STAFF, client)  # between the list and the choice
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert str(app.screen.query_one("#forms-note").render()) == "That is not available."
    assert not AuditEvent.select().where(AuditEvent.action == "form.response.view").exists()


def test_completed_form_snapshot(portal, clock, snap_compare, monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)
    update_practice(name="Maple Street Counseling", phone="(555) 010-2000")
    _, email = completed("consent_to_treatment")

    async def to_the_consent(pilot):
        await log_in(pilot, email)
        await to_forms_pane(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(kiosk(portal), terminal_size=(80, 24), run_before=to_the_consent)
