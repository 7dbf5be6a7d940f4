"""Forms sent with a new chart's invitation: one email that says forms wait, and
a refusal of any part stores nothing."""
from __future__ import annotations

import json

import pytest

from models.chart_owner import activate_access, resend_invite, revoke_access
from models.errors import StateConflict
from models.forms.library import retire_form, sync_builtin_forms
from models.mail.render import render_parts
from models.new_chart import open_new_chart, package_choices
from models.tables import Client, FormAssignment, OutboxMessage
from models.text import InvalidInput

from ..helpers import STAFF, make_chart, make_staff
from .helpers import owner_with_library

VALUES = {"first_name": "Jamie", "last_name": "Rivera", "date_of_birth": "04/05/1990", "email": "jamie@example.com", "phone": ""}
FORMS_LINE = "There are also forms for you to complete"


def mails(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.select().where(OutboxMessage.kind == kind))


def test_a_new_chart_with_the_intake_package_makes_one_email_that_says_forms_wait(portal):
    make_staff()
    sync_builtin_forms()
    [choice] = package_choices()
    made = open_new_chart(STAFF, VALUES, invite=True, package_key=choice.key)
    assert made.forms_sent == choice.form_count == 5 and made.invited
    assert FormAssignment.select().where(FormAssignment.client == made.chart_id).count() == 5
    [invitation] = mails("invitation")
    assert mails("forms_due") == []
    parts = render_parts("invitation", json.loads(invitation.context))
    assert FORMS_LINE in parts.text and FORMS_LINE in parts.html
    for word in ("PHQ", "GAD", "Consent", "Demographics", "intake"):
        assert word not in parts.text and word not in parts.html


def test_an_invitation_without_forms_says_nothing_of_them_and_a_resend_says_it_again(portal):
    make_staff()
    sync_builtin_forms()
    made = open_new_chart(STAFF, VALUES, invite=True)
    [first] = mails("invitation")
    assert FORMS_LINE not in render_parts("invitation", json.loads(first.context)).text
    from models.forms.assignments import send_package

    send_package(STAFF, made.chart_id, "new_client_intake")
    resend_invite(STAFF, made.chart_id)
    latest = OutboxMessage.select().where(OutboxMessage.kind == "invitation").order_by(OutboxMessage.id.desc()).first()
    assert FORMS_LINE in render_parts("invitation", json.loads(latest.context)).text


def test_access_granted_to_an_existing_account_says_forms_wait(portal):
    client, _ = owner_with_library()          # jamie@example.com has an account already
    open_new_chart(STAFF, VALUES | {"first_name": "Sam", "email": client.email}, invite=True, package_key="new_client_intake")
    [granted] = mails("access_granted")
    assert "forms for you to complete" in render_parts("access_granted", json.loads(granted.context)).text


@pytest.mark.parametrize("breaks", ["email", "retired"])
def test_a_refused_part_stores_no_chart_no_forms_no_email(portal, breaks):
    make_staff()
    sync_builtin_forms()
    values = dict(VALUES)
    if breaks == "email":
        values["email"] = ""
    else:
        retire_form(STAFF, "gad7")
    with pytest.raises((InvalidInput, StateConflict)):
        open_new_chart(STAFF, values, invite=True, package_key="new_client_intake")
    assert Client.select().count() == 0
    assert FormAssignment.select().count() == 0 and OutboxMessage.select().count() == 0


def test_old_queued_invitations_without_the_forms_key_still_render(portal):
    """Messages queued before this change have no forms_waiting in their context."""
    make_staff()
    client = make_chart()
    activate_access(STAFF, client)
    revoke_access(STAFF, client)
    [invitation] = mails("invitation")
    context = json.loads(invitation.context)
    context.pop("forms_waiting")
    assert "Your invitation code" in render_parts("invitation", context).text
