"""What the staff screens will read: the Forms tab, the trend, the schema as migrated."""
from __future__ import annotations

import datetime as dt

from models.db import database
from models.forms.responses import Signature, chart_forms, completed_since, forms_waiting, score_trend, submit
from models.tables import (
    ChartChangeProposal, Form, FormAlert, FormAssignment, FormPackage, FormRecurrence, FormResponse, FormVersion,
)

from .helpers import answer_all, owner_with_library, phq9, send


def test_the_phq9_trend_oldest_first_with_bands(portal, clock):
    client, viewer = owner_with_library()
    totals = [22, 16, 11, 6, 2]
    for total in totals:
        [a] = send(client.id, "phq9")
        values = [min(3, max(0, total - 3 * n)) for n in range(8)] + [0]
        answer_all(viewer, a, phq9(values))
        submit(viewer, a)
        clock.advance(days=14)
    [g] = send(client.id, "gad7")
    answer_all(viewer, g, {f"gad7_{n}": 1 for n in range(1, 8)})
    submit(viewer, g)
    trend = score_trend(client.id, "phq9")
    assert [(p.value, p.band) for p in trend] == [
        (22, "Severe"), (16, "Moderately severe"), (11, "Moderate"), (6, "Mild"), (2, "Minimal"),
    ]
    assert [p.submitted_at for p in trend] == sorted(p.submitted_at for p in trend)
    assert [(p.value, p.band) for p in score_trend(client.id, "gad7")] == [(7, "Mild")]
    recent = completed_since(clock.now() - dt.timedelta(days=15))
    assert [title for _, _, title, _ in recent] == ["GAD-7 Generalized Anxiety Disorder scale", "PHQ-9 Patient Health Questionnaire"]


def test_the_forms_tab_states_and_the_waiting_count(portal, clock):
    client, viewer = owner_with_library()
    [todo, started, done] = send(client.id, "gad7", "phq9", "privacy_notice_ack", due_on=dt.date(2026, 11, 30))
    assert forms_waiting(viewer) == 3
    answer_all(viewer, started, {"phq9_1": 1})
    answer_all(viewer, done, {"received": True})
    submit(viewer, done, Signature("Jamie Rivera", agreed=True))
    states = {l.assignment_id: (l.state, l.answered, l.total, l.due_on) for l in chart_forms(client.id)}
    assert states == {
        todo: ("to_do", 0, 8, dt.date(2026, 11, 30)),
        started: ("in_progress", 1, 10, dt.date(2026, 11, 30)),
        done: ("completed", 1, 1, dt.date(2026, 11, 30)),
    }
    assert forms_waiting(viewer) == 2


def test_the_migration_makes_the_tables_the_models_describe(portal):
    for model in (Form, FormVersion, FormPackage, FormRecurrence, FormAssignment, FormResponse, FormAlert, ChartChangeProposal):
        table = model._meta.table_name
        columns = {c.name for c in database.get_columns(table)}
        assert columns == {f.column_name for f in model._meta.sorted_fields}, table
        indexed = {tuple(i.columns) for i in database.get_indexes(table)}
        for fields, _unique in model._meta.indexes:
            assert tuple(model._meta.fields[f].column_name for f in fields) in indexed, (table, fields)
