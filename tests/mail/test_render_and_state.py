"""Templates for every kind, and the delivery state staff see."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from models.mail.deliver import deliver_all, deliver_due
from models.mail.local_server import local_smtp_settings
from models.mail.compose import build_message
from models.mail.render import KINDS, RenderError, render_parts
from models.mail.state import delivery_state, latest_states_for_invitations, outbox_counts
from models.timefmt import long_datetime, short_datetime
from models.tables import ChartAccess, Client, Invitation, OutboxMessage
from tests.query_counter import count_queries

from .conftest import CODE, enqueue_invitation, free_port, invitation_context

BASE = {
    "practice_name": "Riverside Counseling",
    "practice_phone": "(555) 010-2000",
    "to_name": "Maria Lopez",
}
CONTEXTS = {
    "invitation": invitation_context(),
    "access_granted": BASE | {"client_name": "Sam Lopez", "granted_by": "Alex Kim", "ssh_host": "h.example", "ssh_port": 2222},
    "access_revoked": BASE | {"client_name": "Sam Lopez"},
    "ownership_changed": BASE | {"client_name": "Sam Lopez"},
    "password_changed": BASE | {"changed_at": "2026-11-20T15:00:00", "time_zone": "America/New_York"},
    "password_reset": BASE
    | {"code": CODE, "expires_at": "2026-11-20T16:00:00", "time_zone": "America/New_York", "ssh_host": "h.example", "ssh_port": 2222},
    "account_locked": BASE | {"locked_until": "2026-11-20T15:15:00", "time_zone": "America/New_York"},
    "test": BASE,
    "forms_due": BASE | {"ssh_host": "h.example", "ssh_port": 2222}, "forms_alert": BASE,
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_text_html_and_subject(kind):
    parts = render_parts(kind, CONTEXTS[kind])
    assert parts.subject and "\n" not in parts.subject
    assert parts.text.startswith("Hello Maria Lopez,\n")
    assert parts.text.endswith("Riverside Counseling\n(555) 010-2000\n")
    assert "{{" not in parts.text and "{%" not in parts.text
    assert parts.html.startswith("<!DOCTYPE html>")
    assert f"<title>{parts.subject}</title>" in parts.html
    assert "Hello Maria Lopez," in parts.html
    if "code" in CONTEXTS[kind]:
        assert CODE in parts.text and CODE in parts.html
    for line in parts.text.splitlines():
        assert len(line) <= 78, line


def test_a_missing_field_is_an_error_not_a_blank():
    context = dict(CONTEXTS["invitation"])
    del context["invited_by"]
    with pytest.raises(RenderError, match="invited_by"):
        render_parts("invitation", context)
    with pytest.raises(RenderError):
        render_parts("no_such_kind", BASE)


def test_invitation_wording_for_the_client_and_for_a_parent():
    own = render_parts("invitation", invitation_context(relationship="self")).text
    assert "set up your\nclient portal account" in own
    assert "Confirm your last name and date of birth" in own
    parent = render_parts("invitation", invitation_context()).text
    assert "portal access for Sam Lopez" in parent
    assert "Confirm Sam Lopez's last name" in parent


def test_without_a_phone_the_wording_still_reads():
    parts = render_parts("access_revoked", CONTEXTS["access_revoked"] | {"practice_phone": ""})
    assert "please give our office a call." in parts.text
    assert parts.text.endswith("Warm regards,\nRiverside Counseling\n")


def test_times_in_the_practice_zone():
    assert long_datetime("2026-11-27T20:00:00", "America/New_York") == "Friday, November 27, 2026 at 3:00 PM EST"
    assert long_datetime(dt.datetime(2026, 7, 4, 16, 5), "America/Los_Angeles") == "Saturday, July 4, 2026 at 9:05 AM PDT"
    assert short_datetime(dt.datetime(2026, 11, 27, 5, 0), "America/New_York") == "Nov 27, 12:00 AM"


def test_message_ids_are_unique_and_use_the_sender_domain(portal):
    kwargs = dict(to_addr="a@example.com", to_name="A", from_addr="desk@clinic.example", from_name="Clinic")
    one = build_message("invitation", CONTEXTS["invitation"], **kwargs)
    two = build_message("invitation", CONTEXTS["invitation"], **kwargs)
    assert one["Message-ID"] != two["Message-ID"]
    assert one["Message-ID"].endswith("@clinic.example>")
    with pytest.raises(RenderError):
        build_message("invitation", CONTEXTS["invitation"], **(kwargs | {"to_addr": "not an address"}))


# --- delivery state -------------------------------------------------------------


def _invitation(n: int) -> Invitation:
    now = dt.datetime(2026, 11, 20, 15, 0)
    client = Client.create(
        chart_number=f"C{n}", first_name="Sam", last_name="Lopez", first_name_key="sam", last_name_key="lopez",
        date_of_birth=dt.date(2010, 1, 1), created_at=now,
    )
    access = ChartAccess.create(client=client, owner_name="Maria", relationship="parent", email="m@example.com", started_at=now)
    return Invitation.create(
        access=access, client=client, email="m@example.com", code_digest=f"d{n}", sent_at=now,
        expires_at=now + dt.timedelta(days=7),
    )


def test_state_labels(practice, portal, mail_server, mail_settings, clock):
    queued = enqueue_invitation(to_addr="q@example.com")
    assert delivery_state(queued, settings=mail_settings).label == "Queued"
    assert delivery_state(queued, settings=portal).label == "Queued — mail server not set up"

    deliver_all(mail_settings)
    sent = OutboxMessage.get_by_id(queued.id)
    state = delivery_state(sent)
    assert state.status == "sent" and state.delivered
    assert state.label == "Sent Nov 20, 10:00 AM"

    down = local_smtp_settings(portal, free_port())
    retry = enqueue_invitation(to_addr="r@example.com")
    deliver_due(down)
    state = delivery_state(OutboxMessage.get_by_id(retry.id))
    assert state.status == "retrying" and state.problem
    assert state.label == "Retrying at 10:00 AM — connection refused"
    assert state.next_attempt_at == clock.now() + dt.timedelta(seconds=30)

    OutboxMessage.update(status="failed", last_error="550 5.1.1 mailbox unavailable").where(
        OutboxMessage.id == retry.id
    ).execute()
    assert delivery_state(OutboxMessage.get_by_id(retry.id)).label == "Failed — 550 5.1.1 mailbox unavailable"

    counts = outbox_counts()
    assert counts["sent"] == 1 and counts["failed"] == 1 and counts["queued"] == 0


def test_latest_states_for_invitations_in_constant_queries(practice, portal, mail_server, mail_settings):
    invitations = [_invitation(n) for n in range(30)]
    for inv in invitations:
        enqueue_invitation(to_addr=f"first{inv.id}@example.com", invitation=inv)
    deliver_all(mail_settings)
    # A newer message (a resend) for the first ten.
    for inv in invitations[:10]:
        enqueue_invitation(to_addr=f"second{inv.id}@example.com", invitation=inv)

    ids = [inv.id for inv in invitations] + [999_999]
    with count_queries() as small:
        latest_states_for_invitations(ids[:5], time_zone="America/New_York", settings=mail_settings)
    with count_queries() as big:
        states = latest_states_for_invitations(ids, time_zone="America/New_York", settings=mail_settings)
    assert small.count == big.count == 1

    assert set(states) == {inv.id for inv in invitations}
    assert all(states[inv.id].status == "queued" for inv in invitations[:10])
    assert all(states[inv.id].to_addr.startswith("second") for inv in invitations[:10])
    assert all(states[inv.id].status == "sent" for inv in invitations[10:])
    assert latest_states_for_invitations([]) == {}


def test_demo_without_its_server_says_so(portal):
    from models.mail.state import mail_readiness

    assert "demo" in mail_readiness(replace(portal, demo=True))
    assert mail_readiness(local_smtp_settings(portal, 2525)) == ""
