"""SVG snapshots at 80x24 of a questionnaire's question screen and its review
page (update with --snapshot-update, and look at them)."""
from __future__ import annotations

from textual.widgets import Input

from models.practice import update_practice

from .forms_helpers import chart_with_forms, kiosk, open_form_row
from .helpers import log_in, settle


def _phq9(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)
    update_practice(name="Maple Street Counseling", phone="(555) 010-2000")
    _, email, _ = chart_with_forms("phq9")
    return email


def test_question_snapshot(portal, snap_compare, monkeypatch):
    email = _phq9(monkeypatch)

    async def to_question_4(pilot):
        await log_in(pilot, email)
        await open_form_row(pilot, "PHQ-9")
        await pilot.press("2", "1", "3")
        await settle(pilot)

    assert snap_compare(kiosk(portal), terminal_size=(80, 24), run_before=to_question_4)


def test_review_snapshot(portal, snap_compare, monkeypatch):
    email = _phq9(monkeypatch)

    async def to_review(pilot):
        await log_in(pilot, email)
        await open_form_row(pilot, "PHQ-9")
        await pilot.press(*"2131211121")
        await settle(pilot)

    assert snap_compare(kiosk(portal), terminal_size=(80, 24), run_before=to_review)
