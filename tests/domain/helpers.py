"""Small builders for domain tests."""
from __future__ import annotations

import json

from models.chart_owner import activate_access
from models.audit import Actor
from models.auth import add_staff_user
from models.charts import add_contact, create_chart
from models.tables import OutboxMessage

STAFF = Actor("staff", "frontdesk", "workstation")
GOOD_PASSWORD = "correct horse battery staple"


def make_staff():
    """The staff member domain tests act as (made once): an admin, so every rule
    but the roles' is tested on its own (tests/domain/test_roles.py tests the roles)."""
    from models.tables import StaffUser

    existing = StaffUser.get_or_none(StaffUser.username == STAFF.ref)
    return existing or add_staff_user(STAFF.ref, "Fran Desk", "admin", "a long staff passphrase here")


def make_chart(first="Jamie", last="Rivera", dob="04/13/2001", email="jamie@example.com"):
    make_staff()  # charts are made by the front desk or an admin (models/roles.py)
    return create_chart(STAFF, first_name=first, last_name=last, date_of_birth=dob, email=email)


def last_code(kind: str = "invitation") -> str:
    msg = OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc()).first()
    return json.loads(msg.context)["code"]


def invited_chart(**kw):
    make_staff()
    client = make_chart(**kw)
    activate_access(STAFF, client)
    return client, last_code()


def guardian_of(client, email="pat.parent@example.com"):
    return add_contact(STAFF, client, first_name="Pat", last_name="Rivera", relationship="parent", email=email)
