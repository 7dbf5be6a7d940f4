"""Demographics answers become proposals staff accept or reject field by field."""
from __future__ import annotations

import pytest

from models.errors import StateConflict
from models.forms.chart_changes import accept_change, proposals, reject_change
from models.forms.responses import submit
from models.tables import AuditEvent, Client, RelatedContact

from ..helpers import STAFF
from .helpers import answer_all, owner_with_library, send

ANSWERS = {
    "first_name": "Jamie", "last_name": "Rivera-Lopez", "date_of_birth": "04/13/2001",
    "email": "jamie.new@example.com", "phone": "(555) 010-4444", "address": "1 Elm St\nSpringfield",
    "emergency_first_name": "Morgan", "emergency_last_name": "Lopez", "emergency_relationship": "Spouse",
    "emergency_phone": "(555) 010-5555",
}


def submitted_demographics():
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "demographics")
    answer_all(viewer, assignment, ANSWERS)
    submit(viewer, assignment)
    return client


def test_only_changed_fields_are_proposed_and_nothing_changes_silently(portal):
    client = submitted_demographics()
    lines = {p.target: p for p in proposals(client.id)}
    assert set(lines) == {"last_name", "email", "phone", "emergency_contact"}  # first name and DOB are unchanged
    assert (lines["last_name"].current, lines["last_name"].proposed) == ("Rivera", "Rivera-Lopez")
    assert lines["emergency_contact"].proposed == "Morgan Lopez · Spouse · (555) 010-5555"
    chart = Client.get_by_id(client.id)
    assert (chart.last_name, chart.email, chart.phone) == ("Rivera", "jamie@example.com", "")
    assert RelatedContact.select().count() == 0


def test_accept_and_reject_field_by_field(portal):
    client = submitted_demographics()
    lines = {p.target: p for p in proposals(client.id)}
    accepted = accept_change(STAFF, lines["last_name"].proposal_id)
    assert (accepted.status, accepted.decided_by) == ("accepted", "Fran Desk")
    rejected = reject_change(STAFF, lines["email"].proposal_id)
    assert rejected.status == "rejected"
    accept_change(STAFF, lines["emergency_contact"].proposal_id)
    chart = Client.get_by_id(client.id)
    assert (chart.last_name, chart.last_name_key, chart.email) == ("Rivera-Lopez", "riveralopez", "jamie@example.com")
    contact = RelatedContact.get(RelatedContact.client == client.id)
    assert (contact.first_name, contact.last_name, contact.phone, contact.relationship) == ("Morgan", "Lopez", "(555) 010-5555", "other")
    assert [p.target for p in proposals(client.id, pending_only=True)] == ["phone"]
    with pytest.raises(StateConflict, match="already accepted"):
        reject_change(STAFF, lines["last_name"].proposal_id)
    actions = [
        (e.action, e.detail) for e in AuditEvent.select()
        .where(AuditEvent.action.startswith("chart.") | AuditEvent.action.startswith("contact."))
        .order_by(AuditEvent.id)
    ]
    assert actions[-5:] == [
        ("chart.proposal.accepted", f"proposal {lines['last_name'].proposal_id} last_name"),
        ("chart.update", "last_name"),
        ("chart.proposal.rejected", f"proposal {lines['email'].proposal_id} email"),
        ("chart.proposal.accepted", f"proposal {lines['emergency_contact'].proposal_id} emergency_contact"),
        ("contact.add", "other"),
    ]
    details = "".join(e.detail for e in AuditEvent.select())
    assert "Rivera-Lopez" not in details and "Morgan" not in details


def test_a_known_emergency_contact_is_not_proposed_again(portal):
    client, viewer = owner_with_library()
    for _ in range(2):
        [assignment] = send(client.id, "demographics")
        answer_all(viewer, assignment, ANSWERS)
        submit(viewer, assignment)
        for line in proposals(client.id, pending_only=True):
            accept_change(STAFF, line.proposal_id)
    # The second response proposes nothing: the chart already holds every answer.
    assert len({p.response_id for p in proposals(client.id)}) == 1 and len(proposals(client.id)) == 4
    assert RelatedContact.select().count() == 1
