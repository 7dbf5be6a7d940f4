"""Builders for the staff forms tests: a chart whose owner answers forms."""
from __future__ import annotations

from models.forms.assignments import send_forms
from models.forms.library import sync_builtin_forms
from models.forms.responses import Signature, open_form, save_answer, submit
from models.records import ClientViewer
from models.tables import ChartAccess

from .helpers import STAFF, make_chart, registered

DEMOGRAPHICS = {
    "first_name": "Jamie", "last_name": "Rivera-Lopez", "date_of_birth": "04/13/2001",
    "email": "jamie.new@example.com", "phone": "(555) 010-4444",
    "emergency_first_name": "Morgan", "emergency_last_name": "Lopez", "emergency_relationship": "Spouse",
    "emergency_phone": "(555) 010-5555",
}


def chart_with_owner(**kw):
    """A chart whose owner registered, with the built-in library: (client, viewer)."""
    client = registered(make_chart(**kw))
    sync_builtin_forms()
    access = ChartAccess.get((ChartAccess.client == client.id) & ChartAccess.ended_at.is_null())
    return client, ClientViewer(access.account_id, client.id, "kiosk")


def answered(viewer, form_key: str, answers: dict, signature: Signature | None = None) -> int:
    """Send `form_key`, answer it and submit: the response's id."""
    [assignment] = send_forms(STAFF, viewer.chart_id, [form_key]).assignment_ids
    open_form(viewer, assignment)
    for question_id, value in answers.items():
        save_answer(viewer, assignment, question_id, value)
    return submit(viewer, assignment, signature)


def phq9(values: list[int]) -> dict:
    return {f"phq9_{n}": v for n, v in enumerate(values, start=1)}


def gad7(values: list[int]) -> dict:
    return {f"gad7_{n}": v for n, v in enumerate(values, start=1)}
