"""What the client's form screens show: due dates in words, a questionnaire's
steps, answers kept when a screen closes."""
from __future__ import annotations

import datetime as dt

from models.chart_owner import revoke_access
from models.forms.client_views import (
    capacity_words,
    due_words,
    forms_list,
    keep_answers,
    questionnaire_steps,
    stored_as_typed,
)
from models.forms.library import form_by_key, latest_version
from models.forms.definitions import load_definition
from models.forms.responses import open_form, save_answer

from ..helpers import STAFF
from .helpers import owner_with_library, send


def test_due_dates_in_words():
    today = dt.date(2026, 12, 6)
    assert due_words(None, today) == ("No due date", False)
    assert due_words(today, today) == ("Due today", False)
    assert due_words(dt.date(2026, 12, 10), today) == ("Due Dec 10, 2026", False)
    assert due_words(dt.date(2026, 12, 1), today) == ("Overdue: was due Dec 1, 2026", True)


def test_the_phq9_one_item_to_a_screen(portal):
    owner_with_library()
    steps = questionnaire_steps(load_definition(latest_version(form_by_key("phq9")).definition))
    assert [s.heading for s in steps] == [f"Question {n} of 9" for n in range(1, 10)] + ["Last question"]
    assert steps[3].stem.startswith("Over the last 2 weeks")
    assert steps[-1].stem == "" and "difficult" in steps[-1].question.label


def test_forms_list_words_each_state(portal, clock):
    client, viewer = owner_with_library()
    clock.set(dt.datetime(2026, 12, 1, 15, 0))
    late, started = send(client.id, "phq9", "gad7", due_on=dt.date(2026, 12, 3))
    open_form(viewer, started)
    save_answer(viewer, started, "gad7_1", 2)
    clock.set(dt.datetime(2026, 12, 6, 15, 0))
    listed = forms_list(viewer)
    assert [(r.title[:5], r.when, r.overdue) for r in listed.to_do] == [("PHQ-9", "Overdue: was due Dec 3, 2026", True)]
    assert [(r.kind, r.progress) for r in listed.in_progress] == [("questionnaire", "1 of 8 answered")]
    assert listed.waiting == 2


def test_keep_answers_saves_what_it_can_and_nothing_for_a_former_owner(portal):
    client, viewer = owner_with_library()
    (assignment,) = send(client.id, "demographics")
    open_form(viewer, assignment)
    kept = keep_answers(viewer, assignment, (("first_name", "Jamie"), ("date_of_birth", "13/40/2001")))
    assert kept == 1  # the date is not valid: left out, nothing raised
    revoke_access(STAFF, client)
    assert keep_answers(viewer, assignment, (("last_name", "Rivera"),)) == 0


def test_capacity_and_answers_back_in_their_fields():
    assert capacity_words("guardian") == "You are signing as the client's legal guardian."
    assert "cannot sign" in capacity_words("")
    from models.forms.definitions import Question

    assert stored_as_typed(Question("d", "date", "Date"), "2026-12-10") == "12/10/2026"
    assert stored_as_typed(Question("t", "short_text", "Name"), None) == ""
