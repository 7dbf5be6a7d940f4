"""An invitation email that will never be sent says so, and why, in the view staff see.

`models.staff_views.invitation_email` is what the Chart Owner box renders.
Mail goes to a real aiosmtpd server (or to a port nothing listens on); time
moves with the frozen clock.
"""
from __future__ import annotations

import datetime as dt

from models.chart_owner import Action, OwnerStatus, activate_access, owner_state
from models.mail.deliver import deliver_due
from models.mail.local_server import LocalMailServer, MaildirHandler, local_smtp_settings
from models.mail.state import delivery_state
from models.staff_views import invitation_email
from models.tables import OutboxMessage
from tests.domain.helpers import STAFF, make_chart, make_staff

from .conftest import enqueue_invitation, free_port


def _invited():
    make_staff()
    client = make_chart()
    activate_access(STAFF, client)
    return client, owner_state(client).invitation


class RefuseAll:
    """Answers every RCPT with `reply`."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply


def test_given_up_after_two_days_says_failed_why_and_what_to_do(practice, portal, clock):
    client, inv = _invited()
    settings = local_smtp_settings(portal, free_port())  # nothing listens: every try is refused

    assert deliver_due(settings).retrying == 1
    email = invitation_email(inv.id)
    assert (email.status, email.failed) == ("retrying", False)
    assert email.label == "Retrying at 10:00 AM — connection refused"  # 30 s on, still 10:00 AM local

    clock.advance(days=2, seconds=1)
    email = invitation_email(inv.id)  # overdue, not yet tried: no past time worded as if to come
    assert email.label == "Retry due since Nov 20, 10:00 AM — connection refused"
    assert not email.failed

    report = deliver_due(settings)
    assert report.failed == 1
    email = invitation_email(inv.id)
    assert email.status == "failed" and email.failed and email.gave_up
    assert email.reason == "connection refused"
    assert email.headline == "Invitation email failed: no server accepted it in 2 days (last error: connection refused)"
    assert "Check the email address" in email.advice and "Resend Invite" in email.advice

    # The code is still formally pending, and Resend stays on the ⋮ menu.
    state = owner_state(client)
    assert state.status is OwnerStatus.INVITED
    assert Action.RESEND in state.actions


def test_the_last_retry_is_named_as_the_last(practice, portal, clock):
    row = enqueue_invitation()
    settings = local_smtp_settings(portal, free_port())
    deliver_due(settings)
    clock.set(row.created_at + dt.timedelta(days=2) - dt.timedelta(seconds=10))
    deliver_due(settings)  # fails before the limit: one more try, after it
    state = delivery_state(OutboxMessage.get_by_id(row.id))
    assert state.status == "retrying"
    assert state.label.startswith("Last try at ")


def test_a_5xx_refusal_shows_the_servers_reply_as_plain_text(practice, portal):
    client, inv = _invited()
    reply = "550 5.1.1 [bold]no such user[/bold] here"
    with LocalMailServer(portal.maildir, handler=RefuseAll(reply)) as server:
        assert deliver_due(local_smtp_settings(portal, server.port)).failed == 1
    email = invitation_email(inv.id)
    assert email.failed and not email.gave_up
    assert email.reason == reply  # markup is kept as text; the widget draws it inert
    assert email.headline == f"Invitation email failed: the mail server refused it ({reply})"
    assert email.advice == "Check the email address, then use ⋮ › Resend Invite."


def test_a_long_reply_is_shortened(practice, portal):
    client, inv = _invited()
    reply = "550 5.7.1 " + "policy " * 60
    with LocalMailServer(portal.maildir, handler=RefuseAll(reply.strip())) as server:
        deliver_due(local_smtp_settings(portal, server.port))
    email = invitation_email(inv.id)
    assert email.reason.startswith("550 5.7.1 policy policy")
    assert len(email.reason) <= 120 and email.reason.endswith("…")


def test_no_failure_words_while_mail_is_on_its_way(practice, portal, mail_server, mail_settings):
    client, inv = _invited()
    assert invitation_email(inv.id).status == "queued"
    deliver_due(mail_settings)
    email = invitation_email(inv.id)
    assert email.status == "sent" and not email.failed and email.headline == email.advice == ""
    assert email.label.startswith("Sent ")
    assert invitation_email(None).status == ""
