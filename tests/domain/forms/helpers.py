"""Builders for the form tests: a library, a registered owner, a form sent."""
from __future__ import annotations

from models.forms.assignments import send_forms
from models.forms.library import sync_builtin_forms
from models.forms.responses import open_form, save_answer
from models.records import ClientViewer
from models.tables import AuditEvent

from ..helpers import STAFF
from ..test_login_and_records import registered


def owner_with_library(**kw):
    """A chart whose owner registered, and the built-in forms loaded: (chart, viewer)."""
    client, account_id = registered(**kw)
    sync_builtin_forms()
    return client, ClientViewer(account_id, client.id, "kiosk")


def send(chart_id: int, *keys: str, **kw) -> list[int]:
    return list(send_forms(STAFF, chart_id, list(keys), **kw).assignment_ids)


def answer_all(viewer, assignment_id: int, answers: dict) -> None:
    open_form(viewer, assignment_id)
    for question_id, value in answers.items():
        save_answer(viewer, assignment_id, question_id, value)


def phq9(values: list[int], difficulty: str | None = None) -> dict:
    found = {f"phq9_{n}": v for n, v in enumerate(values, start=1)}
    if difficulty:
        found["difficulty"] = difficulty
    return found


def audit_details() -> str:
    return "\n".join(e.detail for e in AuditEvent.select())
