"""A risk flag alerts at once, with an email that says nothing clinical, until acknowledged."""
from __future__ import annotations

from models.errors import NotAllowed
from models.roles import assign_clinician

import json

import pytest

from models.audit import verify_chain
from models.auth import add_staff_user
from models.audit import Actor
from models.errors import StateConflict
from models.forms.alerts import acknowledge_alert, alert_queue, chart_alerts
from models.forms.responses import response_for_staff, submit
from models.mail.render import render_parts
from models.practice import update_practice
from models.tables import AuditEvent, FormAlert, OutboxMessage
from models.text import InvalidInput

from ..helpers import STAFF
from ..test_login_and_records import registered
from .helpers import answer_all, owner_with_library, phq9, send
from models.records import ClientViewer


def test_item9_alone_raises_an_alert_and_one_email_with_no_clinical_detail(portal, clock):
    update_practice(name="Maple Grove Counseling", email="office@maplegrove.example")
    client, viewer = owner_with_library()
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([0] * 8 + [1]))
    response = submit(viewer, assignment)

    view = response_for_staff(STAFF, response)
    assert (view.results.scores[0].value, view.results.scores[0].band) == (1, "Minimal")
    assert [f.id for f in view.results.flags] == ["item9"]
    [alert] = chart_alerts(client.id)
    assert alert.open and alert.response_id == response and alert.label.startswith("Item 9")
    [mail] = OutboxMessage.select().where(OutboxMessage.kind == "forms_alert")
    assert mail.to_addr == "office@maplegrove.example" and mail.client_id is None
    parts = render_parts("forms_alert", json.loads(mail.context))
    for text in (parts.subject, parts.text, parts.html, mail.context):
        for word in ("Jamie", "Rivera", client.chart_number, "PHQ", "item", "Item", "self-harm", "dead", "score"):
            assert word not in text, (word, text)


def test_no_flag_no_alert_and_no_practice_address_no_email(portal):
    client, viewer = owner_with_library()
    [calm, risky] = send(client.id, "phq9", "phq9")
    answer_all(viewer, calm, phq9([3] * 8 + [0]))
    submit(viewer, calm)
    assert FormAlert.select().count() == 0
    answer_all(viewer, risky, phq9([0] * 8 + [2]))
    submit(viewer, risky)
    assert FormAlert.select().count() == 1  # the alert stands even with nowhere to email
    assert OutboxMessage.select().where(OutboxMessage.kind == "forms_alert").count() == 0


def test_the_alert_lifecycle_and_its_audit_rows(portal, clock):
    client, viewer = owner_with_library()
    other, other_account = registered(first="Alex", last="Stone", dob="02/02/1990", email="alex@example.com", staff=False)
    other_viewer = ClientViewer(other_account, other.id, "kiosk")
    first_ids = []
    for who, chart in ((viewer, client), (other_viewer, other)):
        [a] = send(chart.id, "phq9")
        answer_all(who, a, phq9([1] * 9))
        submit(who, a)
        first_ids.append(FormAlert.select().order_by(FormAlert.id.desc()).first().id)
        clock.advance(minutes=5)
    assert [a.alert_id for a in alert_queue()] == first_ids  # oldest waiting first

    with pytest.raises(InvalidInput, match="Note is required"):
        acknowledge_alert(STAFF, first_ids[0], "   ")
    with pytest.raises(StateConflict, match="staff member"):
        acknowledge_alert(Actor("client", str(viewer.account_id)), first_ids[0], "seen")
    kim = add_staff_user("drkim", "Dr. Alex Kim", "clinician", "another long staff passphrase")
    clinician = Actor("staff", "drkim", "workstation")
    with pytest.raises(NotAllowed, match="chart's clinician"):   # not (yet) this chart's clinician
        acknowledge_alert(clinician, first_ids[0], "seen")
    assign_clinician(STAFF, client.id, kim.id)
    done = acknowledge_alert(clinician, first_ids[0], "Called the client; safety plan reviewed.\x1b[2J")
    assert (done.open, done.acknowledged_by, done.note) == (False, "Dr. Alex Kim", "Called the client; safety plan reviewed.")
    with pytest.raises(StateConflict, match="already acknowledged"):
        acknowledge_alert(STAFF, first_ids[0], "again")
    queue = alert_queue()
    assert [(a.alert_id, a.open) for a in queue] == [(first_ids[1], True), (first_ids[0], False)]

    ack = AuditEvent.get(AuditEvent.action == "form.alert.ack")
    assert (ack.actor, ack.chart, ack.detail) == ("staff:drkim", client.id, f"alert {first_ids[0]}")
    raised = [e.detail for e in AuditEvent.select().where(AuditEvent.action == "form.alert").order_by(AuditEvent.id)]
    assert len(raised) == 2 and all(d.startswith("alert ") for d in raised)
    assert "safety plan" not in "".join(e.detail for e in AuditEvent.select())
    assert verify_chain().ok
