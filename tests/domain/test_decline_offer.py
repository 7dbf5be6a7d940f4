"""A decline may offer another time: in the future, within a year, only with a decline."""
from __future__ import annotations

import datetime as dt

import pytest

from models.records import ClientViewer, decide_request, request_appointment
from models.registration import register
from models.tables import AppointmentRequest, AuditEvent, PortalAccount
from models.text import InvalidInput

from .helpers import GOOD_PASSWORD, STAFF, invited_chart


def test_the_offer_rules(portal, clock):
    client, code = invited_chart()
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, "kiosk")
    viewer = ClientViewer(PortalAccount.get().id, client.id)
    req = request_appointment(viewer, mode="phone", preferred_at=clock.now() + dt.timedelta(days=2), reason="")
    for approve, offer in (
        (False, clock.now() - dt.timedelta(minutes=1)),
        (False, clock.now() + dt.timedelta(days=400)),
        (True, clock.now() + dt.timedelta(days=3)),
    ):
        with pytest.raises(InvalidInput):
            decide_request(STAFF, req.id, approve=approve, offer=offer)
    assert AppointmentRequest.get_by_id(req.id).status == "pending"
    decide_request(STAFF, req.id, approve=False, offer=clock.now() + dt.timedelta(days=3))
    answer = AppointmentRequest.get_by_id(req.id).practice_message
    assert answer.startswith("We can offer ") and "instead" in answer
    assert AuditEvent.select().where(AuditEvent.detail.endswith("another time offered")).exists()
