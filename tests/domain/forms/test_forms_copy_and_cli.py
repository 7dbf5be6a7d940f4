"""`portal db copy` carries the forms; `portal forms sync` loads the library once."""
from __future__ import annotations

import subprocess
import sys

import pytest

from models import db
from models.audit import verify_chain
from models.forms.chart_changes import proposals
from models.forms.responses import response_for_staff, submit
from models.forms.assignments import send_forms
from models.tables import ALL_TABLES, FormAlert
from models.transfer import copy_database
from tests.pg import drop_schema, fresh_schema

from ..helpers import STAFF
from .helpers import answer_all, owner_with_library, phq9, send


@pytest.fixture
def database_url():
    return ""  # the source is SQLite


def test_copy_carries_forms_responses_alerts_and_proposals(portal):
    client, viewer = owner_with_library()
    [phq, demo, consent] = send(client.id, "phq9", "demographics", "consent_to_treatment")
    answer_all(viewer, phq, phq9([2] * 9))
    response = submit(viewer, phq)
    answer_all(viewer, demo, {"first_name": "Jamie", "last_name": "Rivera", "date_of_birth": "04/13/2001",
                              "phone": "555 0100", "emergency_first_name": "Morgan", "emergency_last_name": "Lopez",
                              "emergency_relationship": "Spouse", "emergency_phone": "555 0101"})
    submit(viewer, demo)
    answer_all(viewer, consent, {"questions_answered": True})  # a draft, copied too
    counts = {m._meta.table_name: m.select().count() for m in ALL_TABLES}
    assert counts["form_alert"] == 1 and counts["chart_change_proposal"] == 2 and counts["form_response"] == 3
    url = fresh_schema("portal_forms_copy_test")
    try:
        report = copy_database(db.database.obj, url)
        assert report.counts == counts
        view = response_for_staff(STAFF, response)
        assert (view.results.scores[0].value, view.results.scores[0].band) == (18, "Moderately severe")
        assert len(proposals(client.id)) == 2 and FormAlert.select().count() == 1
        more = send_forms(STAFF, client.id, ["gad7"]).assignment_ids  # fresh ids after the copy
        assert more[0] > phq
        assert verify_chain().ok
        db.database.obj.close()
    finally:
        drop_schema("portal_forms_copy_test")


def test_cli_forms_sync_is_idempotent(tmp_path):
    env = {"PORTAL_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "PORTAL_CONFIG": str(tmp_path / "none.toml")}
    first = subprocess.run([sys.executable, "-m", "tui", "forms", "sync"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "Published phq9 v1" in first.stdout and "7 published, 0 unchanged." in first.stdout
    again = subprocess.run([sys.executable, "-m", "tui", "forms", "sync"], env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.strip() == "0 published, 7 unchanged."
    due = subprocess.run([sys.executable, "-m", "tui", "forms", "due"], env=env, capture_output=True, text=True)
    assert due.returncode == 0 and due.stdout.strip() == "0 repeating forms sent."
