"""The real invitation flow through the mail, and the `portal mail` commands."""
from __future__ import annotations

import json

import pytest

from models.chart_owner import activate_access, resend_invite
from models.audit import Actor
from models.auth import add_staff_user
from models.charts import create_chart
from models.mail.deliver import deliver_all
from models.mail.render import text_part
from models.mail.state import latest_states_for_invitations
from models.practice import update_practice
from models.tables import Invitation, OutboxMessage
from tui.cli import main

from .conftest import enqueue_invitation, free_port, read_maildir

STAFF = Actor("staff", "frontdesk", "workstation")


def test_staff_invite_and_resend_arrive_with_fresh_codes(practice, portal, mail_server, mail_settings):
    update_practice(portal_host="portal.riverside.example", portal_port=2222)
    add_staff_user("frontdesk", "Fran Desk", "front_desk", "a long staff passphrase here")
    client = create_chart(
        STAFF, first_name="Jamie", last_name="Rivera", date_of_birth="04/13/2001", email="jamie@example.com"
    )
    activate_access(STAFF, client)
    first_code = json.loads(OutboxMessage.select().order_by(OutboxMessage.id.desc()).first().context)["code"]
    deliver_all(mail_settings)
    resend_invite(STAFF, client)
    second_code = json.loads(OutboxMessage.select().order_by(OutboxMessage.id.desc()).first().context)["code"]
    deliver_all(mail_settings)

    messages = read_maildir(mail_server.maildir)
    assert len(messages) == 2
    assert len({m["Message-ID"] for m in messages}) == 2
    texts = [text_part(m) for m in messages]
    assert "Fran Desk at Riverside Counseling has invited you" in texts[0]
    assert first_code in texts[0] and second_code in texts[1]
    assert f"ssh -p 2222 register+{second_code}@portal.riverside.example" in texts[1]
    assert "This is a new invitation" in texts[1]

    invitations = list(Invitation.select().order_by(Invitation.id))
    states = latest_states_for_invitations([i.id for i in invitations])
    assert [states[i.id].status for i in invitations] == ["sent", "sent"]
    assert all(states[i.id].label.startswith("Sent Nov 20") for i in invitations)


@pytest.fixture
def cli_env(portal, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    for name in ("PORTAL_DATABASE_URL", "PORTAL_DEMO", "PORTAL_SMTP_HOST", "PORTAL_SMTP_USER", "PORTAL_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_mail_status_says_plainly_when_no_server_is_set_up(practice, cli_env, capsys):
    enqueue_invitation()
    assert main(["mail", "status"]) == 0
    out = capsys.readouterr().out
    assert "queued: 1" in out
    assert "email stays queued" in out and "PORTAL_SMTP_HOST" in out
    assert main(["mail", "deliver"]) == 1
    assert "PORTAL_SMTP_HOST" in capsys.readouterr().out
    assert OutboxMessage.get().status == "queued"


def test_mail_deliver_and_test_with_a_configured_server(practice, cli_env, mail_server, capsys):
    cli_env.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    cli_env.setenv("PORTAL_SMTP_PORT", str(mail_server.port))
    cli_env.setenv("PORTAL_SMTP_SECURITY", "none")
    enqueue_invitation()
    assert main(["mail", "deliver"]) == 0
    assert "sent 1, retrying 0, failed 0" in capsys.readouterr().out

    assert main(["mail", "test", "admin@riverside.example"]) == 0
    out = capsys.readouterr().out
    assert "Sent to admin@riverside.example" in out and "Message-ID: <" in out
    subjects = [str(m["Subject"]) for m in read_maildir(mail_server.maildir)]
    assert "Test message from the Riverside Counseling client portal" in subjects

    assert main(["mail", "status"]) == 0
    assert "sent: 1" in capsys.readouterr().out


def test_mail_test_reports_the_exact_error(practice, cli_env, capsys):
    port = free_port()
    cli_env.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    cli_env.setenv("PORTAL_SMTP_PORT", str(port))
    cli_env.setenv("PORTAL_SMTP_SECURITY", "none")
    assert main(["mail", "test", "admin@riverside.example"]) == 1
    out = capsys.readouterr().out
    assert f"Not sent via 127.0.0.1:{port}" in out and "connection refused" in out

    # A login without a password is refused up front: never a prompt.
    cli_env.setenv("PORTAL_SMTP_USER", "mailer")
    assert main(["mail", "test", "admin@riverside.example"]) == 2
    assert "PORTAL_SMTP_PASSWORD" in capsys.readouterr().out


def test_mail_status_reports_the_delivery_in_force_not_this_shells_settings(practice, cli_env, mail_server, capsys):
    """The demo (or the door's host) delivers with settings this shell lacks:
    status said "No mail server is set up" while mail was going out."""
    import datetime as dt

    from models import clock
    from models.mail import workers
    from models.staff_views import mail_warning

    enqueue_invitation()
    workers.beat("door-host-1", f"127.0.0.1:{mail_server.port} (no encryption, no login)")  # another process's round
    assert main(["mail", "status"]) == 0
    out = capsys.readouterr().out
    assert f"Being delivered now through 127.0.0.1:{mail_server.port}" in out
    assert "No mail server is set up" not in out
    assert mail_warning() == ""  # nor are the staff screens told that mail stays queued

    # A delivery process not heard from for a minute no longer counts.
    with clock.use(clock.FrozenClock(clock.now() + workers.FRESH + dt.timedelta(seconds=1))):
        assert main(["mail", "status"]) == 0
        assert "email stays queued" in capsys.readouterr().out
        assert "No mail server is set up" in mail_warning()


def test_a_delivery_worker_records_its_heartbeat_and_clears_it_on_stop(practice, mail_server, mail_settings):
    from models.mail.deliver import DeliveryWorker
    from models.mail.workers import active_delivery

    with DeliveryWorker(mail_settings, interval=0.05) as worker:
        worker._idle.wait(5)
        worker._idle.clear()
        worker._idle.wait(5)  # a whole round after the first
        live = active_delivery()
        assert live is not None and live.worker == worker.worker_id
        assert f"127.0.0.1:{mail_server.port}" in live.server and "password" not in live.server
    assert active_delivery() is None
