"""The staff screens' views of forms: the Forms tab, a response, the work queue and its mark, the library."""
from __future__ import annotations

import datetime as dt

import pytest

from models.audit import Actor
from models.auth import add_staff_user
from models.db import database
from models.errors import NotAllowed
from models.forms.alerts import acknowledge_alert, alert_queue, chart_alerts
from models.forms.assignments import cancel_assignment, start_recurrence
from models.forms.library import retire_form
from models.forms.responses import chart_forms, open_form, submit
from models.forms.staff_views import (
    FIRST_LOOK_DAYS, forms_tab, library_view, parse_due_date, send_choices, staff_draft, staff_response, work_queue,
    work_queue_count,
)
from models.roles import assign_clinician
from models.tables import WorkQueueMark
from models.text import InvalidInput

from ..helpers import STAFF
from .helpers import answer_all, owner_with_library, phq9, send
from .test_forms_chart_changes import ANSWERS


def _phq9(client, viewer, values) -> int:
    [a] = send(client.id, "phq9")
    answer_all(viewer, a, phq9(values))
    return submit(viewer, a)


def test_due_dates_as_typed_with_readable_refusals():
    assert parse_due_date("  ") is None
    assert parse_due_date("12/04/2026") == dt.date(2026, 12, 4)
    assert parse_due_date("2026-12-04") == dt.date(2026, 12, 4)
    for typed, words in (
        ("13/04/2026", "no month 13"),
        ("02/30/2026", "February 2026 has no day 30"),
        ("next week", "MM/DD/YYYY"),
        ("12/4/26", "MM/DD/YYYY"),
    ):
        with pytest.raises(InvalidInput) as caught:
            parse_due_date(typed)
        assert words in caught.value.message and caught.value.field == "due_on", typed


def test_the_forms_tab_in_one_read(portal, clock):
    client, viewer = owner_with_library()
    first = _phq9(client, viewer, [3] * 8 + [2])
    clock.advance(days=14)
    _phq9(client, viewer, [1] * 8 + [0])
    [demo] = send(client.id, "demographics")
    answer_all(viewer, demo, ANSWERS)
    submit(viewer, demo)
    [gad] = send(client.id, "gad7", due_on=dt.date(2026, 12, 20))
    open_form(viewer, gad)
    start_recurrence(STAFF, client.id, "phq9", every_days=14)

    [withdrawn] = send(client.id, "privacy_notice_ack")
    cancel_assignment(STAFF, withdrawn)

    view = forms_tab(STAFF, client.id)
    assert list(view.forms) == chart_forms(client.id)  # the tab's own read lists what the domain's does
    assert view.total == 6
    assert [line.state for line in view.forms][:3] == ["cancelled", "to_do", "in_progress"]  # newest first
    paged = forms_tab(STAFF, client.id, limit=2)
    assert list(paged.forms) == chart_forms(client.id)[:2] and paged.total == 6
    assert view.draft_of(gad) is not None and view.draft_of(demo) is None
    draft = staff_draft(STAFF, view.draft_of(gad))
    assert draft.response.submitted_at is None and draft.response.results is None and draft.flagged == ()
    assert len(draft.response.lines) == 8
    [alert] = view.alerts
    assert alert.response_id == first
    assert list(view.alerts) == [a for a in chart_alerts(client.id) if a.open]
    assert {p.target for p in view.proposals} == {"last_name", "email", "phone", "emergency_contact"}
    [trend] = view.trends  # GAD-7 has no total yet: no trend for it
    assert trend.form_key == "phq9" and trend.maximum == 27
    assert [(p.value, p.band) for p in trend.points] == [(26, "Severe"), (8, "Mild")]
    assert [b.label for b in trend.bands][0] == "Minimal"
    [repeat] = view.recurrences
    assert (repeat.form_key, repeat.every_days) == ("phq9", 14)

    acknowledge_alert(STAFF, alert.alert_id, "Called the client; safety plan reviewed.")
    assert forms_tab(STAFF, client.id).alerts == ()


def test_a_response_for_staff_names_its_flagged_items(portal, clock):
    client, viewer = owner_with_library()
    response = _phq9(client, viewer, [0] * 8 + [1])
    view = staff_response(STAFF, response)
    assert view.flagged == ("phq9_9",)
    assert view.chart.id == client.id
    assert [a.response_id for a in view.alerts] == [response]
    [total] = view.response.results.scores
    assert (total.value, total.band) == (1, "Minimal")


def test_send_choices_and_the_library_with_retired_forms_last(portal):
    owner_with_library()
    choices = send_choices()
    assert [p.key for p in choices.packages] == ["new_client_intake"]
    assert "phq9" in {f.key for f in choices.forms}
    retire_form(STAFF, "telehealth_consent")
    view = library_view()
    assert view.forms[-1].key == "telehealth_consent" and view.forms[-1].retired
    assert not any(f.retired for f in view.forms[:-1])
    assert "telehealth_consent" not in {f.key for f in send_choices().forms}


def test_the_work_queue_alerts_first_then_completed_since_the_last_look(portal, clock):
    client, viewer = owner_with_library()
    old = _phq9(client, viewer, [0] * 9)
    clock.advance(days=FIRST_LOOK_DAYS + 1)
    flagged = _phq9(client, viewer, [1] * 9)
    clock.advance(minutes=5)
    plain = _phq9(client, viewer, [0] * 9)

    before = work_queue_count(STAFF)
    assert (before.alerts, before.completed) == (1, 2)
    assert work_queue_count(STAFF) == before  # counting moves nothing
    first = work_queue(STAFF)
    assert first.first_look
    assert [a.response_id for a in first.alerts] == [flagged]
    assert list(first.alerts) == [a for a in alert_queue() if a.open]  # the queue's own read, as alerts.py lists them
    assert [c.response_id for c in first.completed] == [flagged, plain]  # the one older than 14 days is not new
    assert old not in [c.response_id for c in first.completed]
    assert first.completed[0].client_name == "Jamie Rivera"

    again = work_queue(STAFF)
    assert not again.first_look and again.completed == ()
    assert [a.response_id for a in again.alerts] == [flagged]  # an alert stays until acknowledged
    clock.advance(minutes=1)
    newer = _phq9(client, viewer, [0] * 9)
    assert work_queue_count(STAFF).completed == 1
    assert [c.response_id for c in work_queue(STAFF).completed] == [newer]

    acknowledge_alert(STAFF, again.alerts[0].alert_id, "Spoke with the client.")
    assert work_queue(STAFF).alerts == ()
    assert work_queue_count(STAFF).total == 0


def test_each_staff_member_has_their_own_mark(portal, clock):
    client, viewer = owner_with_library()
    casey = add_staff_user("clinician", "Casey Clinician", "clinician", "amber window gravel lantern")
    add_staff_user("drkim", "Dr. Kim", "clinician", "amber window gravel lantern")
    other, not_theirs = Actor("staff", "clinician", "workstation"), Actor("staff", "drkim", "workstation")
    assign_clinician(STAFF, client.id, casey.id)
    response = _phq9(client, viewer, [0] * 9)
    assert [c.response_id for c in work_queue(STAFF).completed] == [response]
    assert [c.response_id for c in work_queue(other).completed] == [response]
    # Another clinician's chart is not in a clinician's queue, nor in its count (models/roles.py).
    assert work_queue_count(not_theirs).completed == 0 and work_queue(not_theirs).completed == ()
    assert WorkQueueMark.select().count() == 3
    with pytest.raises(NotAllowed):
        work_queue(Actor("client", "1", "kiosk"))


def test_a_long_queue_comes_in_looks_and_a_tie_is_never_split(portal, clock):
    client, viewer = owner_with_library()
    made = []
    for n in range(5):
        made.append(_phq9(client, viewer, [0] * 9))
        if n != 2:
            clock.advance(seconds=1)  # the third and fourth are submitted in the same instant
    first = work_queue(STAFF, limit=3)
    assert [c.response_id for c in first.completed] == made[:4] and first.more_completed
    second = work_queue(STAFF, limit=3)
    assert [c.response_id for c in second.completed] == made[4:] and not second.more_completed


def test_the_migration_makes_the_mark_table(portal):
    columns = {c.name for c in database.get_columns("work_queue_mark")}
    assert columns == {f.column_name for f in WorkQueueMark._meta.sorted_fields}
    assert any(i.unique and i.columns == ["staff_id"] for i in database.get_indexes("work_queue_mark"))
