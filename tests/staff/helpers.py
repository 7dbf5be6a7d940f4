"""Builders for the staff app tests."""
from __future__ import annotations

import json

from models.chart_owner import activate_access
from models.audit import Actor
from models.auth import add_staff_user, staff_login
from models.charts import add_contact, create_chart
from models.tables import OutboxMessage

USERNAME = "fran"
PASSWORD = "a long staff passphrase here"
STAFF = Actor("staff", USERNAME, "workstation")


def make_staff():
    """The front-desk user STAFF names (made once): the front desk makes charts
    and manages portal access (models/roles.py)."""
    from models.tables import StaffUser

    return StaffUser.get_or_none(StaffUser.username == USERNAME) or add_staff_user(USERNAME, "Fran Desk", "front_desk", PASSWORD)


def signed_in(role: str = "front_desk"):
    """A LoginResult for the test staff user (created if needed) in `role`."""
    from models.tables import StaffUser

    make_staff()
    StaffUser.update(role=role).where(StaffUser.username == USERNAME).execute()
    result = staff_login(USERNAME, PASSWORD, "workstation")
    assert result.ok
    return result


def make_chart(first="Jamie", last="Rivera", dob="04/13/2001", email="jamie@example.com"):
    make_staff()
    return create_chart(STAFF, first_name=first, last_name=last, date_of_birth=dob, email=email)


def invite(client):
    make_staff()
    activate_access(STAFF, client)
    return last_code()


def last_code(kind: str = "invitation") -> str:
    msg = OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc()).first()
    return json.loads(msg.context)["code"]


def guardian_of(client, email="pat.guardian@example.com"):
    return add_contact(STAFF, client, first_name="Pat", last_name="Rivera", relationship="guardian", email=email)


CLIENT_PASSWORD = "violet kettle drums at midnight"


def registered(client):
    """Invite the client and register with the emailed code: the owner becomes Active."""
    from models.registration import register

    code = invite(client)
    register(code, client.last_name, client.date_of_birth.strftime("%m/%d/%Y"), CLIENT_PASSWORD, CLIENT_PASSWORD, "kiosk")
    return client
