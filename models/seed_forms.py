"""The demo's forms: the built-in library with a sample fillable PDF, Jordan Avery's intake package sent with
the invitation, and Riley Brooks' six months of PHQ-9 and GAD-7.

Made through the domain functions with the clock moved back, like the rest of
the demo (models/seed.py), so the history has real responses, scores, alerts
and audit rows: the staff Forms tab shows a trend, and the work queue an alert.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, ContextManager

from .audit import Actor
from .forms.alerts import acknowledge_alert, chart_alerts
from .forms.assignments import send_forms, send_package, start_recurrence
from .forms.library import sync_builtin_forms
from .forms.pdf_forms import import_sample_pdf
from .forms.responses import open_form, save_answer, submit
from .records import ClientViewer

HISTORY_WEEKS = 26          # six months, every two weeks
PHQ9_ITEMS = [f"phq9_{i}" for i in range(1, 9)]   # item 9 is set on its own
GAD7_ITEMS = [f"gad7_{i}" for i in range(1, 8)]


def sync_library() -> None:
    """The built-in forms, and the sample fillable PDF as an uploaded form."""
    sync_builtin_forms()
    import_sample_pdf()


def send_intake_with_invitation(desk: Actor, chart_id: int, sent_on: dt.date) -> None:
    """Before the invitation: its email then says forms are waiting (one email)."""
    send_package(desk, chart_id, "new_client_intake", due_on=sent_on + dt.timedelta(days=14), notify=False)


def _spread(total: int, items: list[str]) -> dict[str, int]:
    """`total` points over the items, as evenly as a person's answers would be."""
    answers = {item: 0 for item in items}
    for i in range(total):
        answers[items[i % len(items)]] = min(3, answers[items[i % len(items)]] + 1)
    return answers


def _answer(viewer: ClientViewer, assignment_id: int, answers: dict[str, object]) -> int:
    open_form(viewer, assignment_id)
    for question, value in answers.items():
        save_answer(viewer, assignment_id, question, value)
    return submit(viewer, assignment_id)


def questionnaire_history(at: Callable[[float], ContextManager], desk: Actor, doctor: Actor,
                          chart_id: int, account_id: int) -> None:
    """A PHQ-9 and a GAD-7 every two weeks for six months, improving; one item-9
    alert acknowledged long ago and one still open; a PHQ-9 recurrence going on."""
    viewer = ClientViewer(account_id, chart_id, "seed")
    points = HISTORY_WEEKS // 2
    for n in range(points):
        days_ago = 7 * HISTORY_WEEKS - 14 * n
        progress = n / (points - 1)
        phq = round(17 - 11 * progress)          # moderately severe -> mild
        gad = round(14 - 9 * progress)           # moderate -> mild
        item9 = 1 if n in (2, points - 3) else 0
        with at(days_ago):
            sent = send_forms(desk, chart_id, ["phq9", "gad7"], notify=False)
            phq9, gad7 = sent.assignment_ids
        with at(days_ago - 1):
            _answer(viewer, phq9, _spread(phq - item9, PHQ9_ITEMS) | {"phq9_9": item9, "difficulty": "somewhat"})
            _answer(viewer, gad7, _spread(gad, GAD7_ITEMS) | {"difficulty": "somewhat"})
        if n == 2:
            with at(days_ago - 2):
                for alert in chart_alerts(chart_id):
                    if alert.open:
                        acknowledge_alert(doctor, alert.alert_id, "Called the client the same day; safety plan reviewed, no current intent.")
    with at(0):
        start_recurrence(doctor, chart_id, "phq9", every_days=14)
