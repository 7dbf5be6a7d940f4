"""Delivery from the outbox to a real SMTP server on 127.0.0.1."""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter


from models.db import database
from models.mail.deliver import DeliveryWorker, backoff, claim, deliver_all, deliver_due
from models.mail.local_server import LocalMailServer, MaildirHandler, local_smtp_settings
from models.mail.render import text_part, html_part
from models.tables import OutboxMessage

from .conftest import CODE, enqueue_invitation, free_port, read_maildir


def test_invitation_arrives_with_both_parts_and_headers(practice, mail_server, mail_settings):
    first = enqueue_invitation()
    report = deliver_all(mail_settings)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)

    [msg] = read_maildir(mail_server.maildir)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert str(msg["From"]) == "Riverside Counseling <frontdesk@riverside.example>"
    assert str(msg["To"]) == "Maria Lopez <maria@example.com>"
    assert str(msg["Subject"]) == "Your invitation to the Riverside Counseling client portal"
    assert msg["X-RcptTo"] == "maria@example.com"

    text, html = text_part(msg), html_part(msg)
    for body in (text, html):
        assert "Alex Kim" in body
        assert CODE in body
        assert f"ssh -p 2222 register+{CODE}@portal.riverside.example" in body
        assert "Friday, November 27, 2026 at 3:00 PM EST" in body
        assert "I have an invitation code" in body
    assert "<" not in text  # the text part is plain text, not HTML

    row = OutboxMessage.get_by_id(first.id)
    assert row.status == "sent" and row.attempts == 1
    assert row.sent_at == dt.datetime(2026, 11, 20, 15, 0)
    assert row.message_id == msg["Message-ID"].strip()

    # A resend is a new message with its own Message-ID.
    second = enqueue_invitation(is_resend=True)
    deliver_all(mail_settings)
    messages = read_maildir(mail_server.maildir)
    assert len(messages) == 2
    ids = {m["Message-ID"].strip() for m in messages}
    assert len(ids) == 2
    assert OutboxMessage.get_by_id(second.id).message_id in ids
    resent = next(m for m in messages if m["Message-ID"].strip() == OutboxMessage.get_by_id(second.id).message_id)
    assert str(resent["Subject"]).startswith("A new invitation")
    assert "no longer works" in text_part(resent)


def test_server_down_retries_with_backoff_then_delivers_once(practice, portal, clock):
    port = free_port()  # nothing listens here yet
    settings = local_smtp_settings(portal, port)
    rows = [enqueue_invitation(to_addr=f"person{i}@example.com") for i in range(3)]

    report = deliver_due(settings)
    assert report.retrying == 3 and report.sent == 0
    for row in rows:
        row = OutboxMessage.get_by_id(row.id)
        assert row.status == "retrying"
        assert row.attempts == 1
        assert row.last_error == "connection refused"
        assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=30)

    # Not due yet: nothing is tried.
    clock.advance(seconds=29)
    assert deliver_due(settings).claimed == 0

    clock.advance(seconds=1)
    assert deliver_due(settings).retrying == 3
    row = OutboxMessage.get_by_id(rows[0].id)
    assert row.attempts == 2
    assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=60)

    server = LocalMailServer(portal.maildir, port=port).start()
    try:
        clock.advance(seconds=59)
        assert deliver_due(settings).claimed == 0
        clock.advance(seconds=1)
        report = deliver_all(settings)
        assert report.sent == 3
        clock.advance(hours=2)
        assert deliver_all(settings).claimed == 0
    finally:
        server.stop()

    messages = read_maildir(portal.maildir)
    assert sorted(m["X-RcptTo"] for m in messages) == [f"person{i}@example.com" for i in range(3)]
    assert {r.status for r in OutboxMessage.select()} == {"sent"}
    assert [r.attempts for r in OutboxMessage.select()] == [3, 3, 3]


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [backoff(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert backoff(40).total_seconds() == 3600


class RefuseSome:
    """Accepts mail, but answers `reply` to RCPT for addresses starting with `nobody`."""

    def __init__(self, maildir, reply="550 5.1.1 mailbox unavailable"):
        self.store = MaildirHandler(maildir)
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.store.handle_DATA(server, session, envelope)


def test_recipient_refused_with_5xx_fails_with_the_reply(practice, portal):
    with LocalMailServer(portal.maildir, handler=RefuseSome(portal.maildir)) as server:
        settings = local_smtp_settings(portal, server.port)
        bad = enqueue_invitation(to_addr="nobody@example.com")
        good = enqueue_invitation(to_addr="maria@example.com")
        report = deliver_all(settings)
    assert (report.sent, report.failed, report.retrying) == (1, 1, 0)
    bad = OutboxMessage.get_by_id(bad.id)
    assert bad.status == "failed"
    assert bad.last_error == "550 5.1.1 mailbox unavailable"
    assert "code" not in json.loads(bad.context)  # it will never be sent: the code is dropped
    assert OutboxMessage.get_by_id(good.id).status == "sent"
    assert [m["X-RcptTo"] for m in read_maildir(portal.maildir)] == ["maria@example.com"]


def test_recipient_refused_with_4xx_is_retried(practice, portal, clock):
    handler = RefuseSome(portal.maildir, reply="451 4.3.0 try again later")
    with LocalMailServer(portal.maildir, handler=handler) as server:
        settings = local_smtp_settings(portal, server.port)
        row = enqueue_invitation(to_addr="nobody@example.com")
        assert deliver_all(settings).retrying == 1
        row = OutboxMessage.get_by_id(row.id)
        assert row.status == "retrying"
        assert row.last_error == "451 4.3.0 try again later"
        assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
        assert json.loads(row.context)["code"] == CODE  # still needed for the next try


def test_gives_up_after_two_days(practice, portal, clock):
    settings = local_smtp_settings(portal, free_port())
    row = enqueue_invitation()
    for _ in range(200):
        deliver_due(settings)
        row = OutboxMessage.get_by_id(row.id)
        if row.status == "failed":
            break
        clock.set(row.next_attempt_at)
    assert row.status == "failed"
    assert row.last_error.startswith("gave up after")
    assert row.last_error.endswith("connection refused")
    assert clock.now() - row.created_at >= dt.timedelta(days=2)


def test_two_workers_deliver_each_message_exactly_once(practice, portal, mail_server, mail_settings):
    for i in range(50):
        enqueue_invitation(to_addr=f"client{i:02d}@example.com", to_name=f"Client {i}")
    reports = {}
    errors = []
    start = threading.Barrier(2)

    def work(name):
        try:
            with database.connection_context():
                start.wait()
                total = 0
                while True:
                    report = deliver_due(mail_settings, worker=name, limit=5)
                    total += report.sent
                    if report.claimed == 0:
                        break
                reports[name] = total
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(reports.values()) == 50
    assert all(n > 0 for n in reports.values()), reports  # both took part

    messages = read_maildir(mail_server.maildir)
    per_rcpt = Counter(m["X-RcptTo"] for m in messages)
    assert len(per_rcpt) == 50 and set(per_rcpt.values()) == {1}
    assert len({m["Message-ID"] for m in messages}) == 50
    assert {r.status for r in OutboxMessage.select()} == {"sent"}
    assert {r.attempts for r in OutboxMessage.select()} == {1}


def test_claims_never_overlap(practice, portal, clock):
    for i in range(10):
        enqueue_invitation(to_addr=f"c{i}@example.com")
    _, first, _ = claim("a", 6)
    _, second, _ = claim("b", 6)
    assert len(first) == 6 and len(second) == 4
    assert not {r.id for r in first} & {r.id for r in second}
    _, third, _ = claim("c", 6)
    assert third == []


def test_stuck_sending_rows_are_reclaimed_after_ten_minutes(practice, portal, mail_server, mail_settings, clock):
    row = enqueue_invitation()
    token, rows, _ = claim("dead-worker", 10)  # claimed, then the worker "dies"
    assert [r.id for r in rows] == [row.id]
    clock.advance(minutes=9)
    assert deliver_due(mail_settings).claimed == 0
    clock.advance(minutes=1, seconds=1)
    report = deliver_due(mail_settings)
    assert report.reclaimed == 1 and report.sent == 1
    assert OutboxMessage.get_by_id(row.id).status == "sent"
    assert len(read_maildir(mail_server.maildir)) == 1


def test_unconfigured_mail_stays_queued_and_says_why(practice, portal):
    row = enqueue_invitation()
    report = deliver_due(portal)  # the portal fixture's settings: no SMTP host, not the demo
    assert report.claimed == 0
    assert "PORTAL_SMTP_HOST" in report.skipped and "stays queued" in report.skipped
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "queued" and row.attempts == 0


def test_delivery_worker_runs_in_the_background(practice, portal, mail_server, mail_settings):
    rows = [enqueue_invitation(to_addr=f"w{i}@example.com") for i in range(3)]
    worker = DeliveryWorker(mail_settings, interval=0.05).start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            if all(OutboxMessage.get_by_id(r.id).status == "sent" for r in rows):
                break
            worker.wake()
            deadline.wait(0.02)
    finally:
        worker.stop()
    assert not worker.running
    assert [OutboxMessage.get_by_id(r.id).status for r in rows] == ["sent"] * 3
    assert worker.last_error == ""
    assert len(read_maildir(mail_server.maildir)) == 3


def test_lanes_send_batches_side_by_side_each_message_once(practice, portal, mail_server, mail_settings):
    for i in range(60):
        enqueue_invitation(to_addr=f"lane{i:02d}@example.com")
    report = deliver_all(mail_settings, lanes=3, limit=7)
    assert (report.sent, report.failed, report.retrying) == (60, 0, 0)
    per_rcpt = Counter(m["X-RcptTo"] for m in read_maildir(mail_server.maildir))
    assert len(per_rcpt) == 60 and set(per_rcpt.values()) == {1}
    assert {r.status for r in OutboxMessage.select()} == {"sent"}
