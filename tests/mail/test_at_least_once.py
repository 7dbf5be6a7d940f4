"""Delivery is at least once: a retried message keeps its Message-ID.

SMTP cannot tell "the server filed it and the reply was lost" from "it
never arrived", so the message is sent again and may arrive twice. Both
copies carry the same Message-ID, so a duplicate is recognisable.
Each test runs on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import re

import pytest

from models.mail import deliver
from models.mail.compose import Composer
from models.mail.deliver import claim, deliver_all, deliver_due
from models.mail.local_server import LocalMailServer, MaildirHandler, local_smtp_settings
from models.tables import OutboxMessage
from tests.pg import sqlite_and_postgresql

from .conftest import enqueue_invitation, read_maildir

database_url = sqlite_and_postgresql("portal_mail_once")


class FilesThenHangsUp:
    """Files every message; for the first `drops` of them, closes the
    connection instead of answering 250, as a server that crashed (or lost
    its network) right after writing the message to disk would."""

    def __init__(self, maildir, drops: int = 1) -> None:
        self.store = MaildirHandler(maildir)
        self.drops = drops

    async def handle_DATA(self, server, session, envelope):
        reply = await self.store.handle_DATA(server, session, envelope)
        if self.drops > 0:
            self.drops -= 1
            server.transport.abort()  # no reply reaches the client
        return reply


def test_a_lost_250_means_two_copies_with_one_message_id(practice, portal, clock):
    handler = FilesThenHangsUp(portal.maildir)
    with LocalMailServer(portal.maildir, handler=handler) as server:
        settings = local_smtp_settings(portal, server.port)
        row = enqueue_invitation()

        first = deliver_due(settings)
        assert (first.sent, first.retrying) == (0, 1)
        stored = OutboxMessage.get_by_id(row.id)
        assert stored.status == "retrying"
        assert "server disconnected" in stored.last_error

        clock.set(stored.next_attempt_at)
        second = deliver_all(settings)
        assert second.sent == 1

    copies = read_maildir(portal.maildir)
    assert len(copies) == 2  # at least once: the server filed it both times
    ids = [m["Message-ID"].strip() for m in copies]
    assert ids[0] == ids[1]
    assert OutboxMessage.get_by_id(row.id).message_id == ids[0]
    assert second.message_ids == [ids[0]]


class _Died(Exception):
    """Stands for the worker process dying between the server's 250 and our write."""


def test_a_worker_that_dies_after_sending_resends_with_the_same_message_id(
    practice, portal, mail_server, mail_settings, clock, monkeypatch
):
    row = enqueue_invitation()

    def die(*args, **kwargs):
        raise _Died

    with monkeypatch.context() as patch:
        patch.setattr(deliver, "_mark_sent", die)
        with pytest.raises(_Died):
            deliver_due(mail_settings)
    assert OutboxMessage.get_by_id(row.id).status == "sending"

    clock.advance(minutes=10, seconds=1)  # the claim is presumed dead and taken back
    report = deliver_due(mail_settings)
    assert report.reclaimed == 1 and report.sent == 1

    copies = read_maildir(mail_server.maildir)
    assert len(copies) == 2
    assert copies[0]["Message-ID"].strip() == copies[1]["Message-ID"].strip()


def test_message_ids_are_random_and_say_nothing_about_the_row_or_host(practice, portal, mail_server, mail_settings):
    rows = [enqueue_invitation(to_addr=f"p{i}@example.com") for i in range(3)]
    resend = enqueue_invitation(to_addr="p0@example.com", is_resend=True)  # its own row, its own id
    deliver_all(mail_settings)
    ids = [OutboxMessage.get_by_id(r.id).message_id for r in [*rows, resend]]
    assert len(set(ids)) == 4
    for message_id in ids:
        # 128 random bits at the sender's domain: no row id, pid, time or host name.
        assert re.fullmatch(r"<[0-9a-f]{32}@riverside\.example>", message_id), message_id
    assert {m["Message-ID"].strip() for m in read_maildir(mail_server.maildir)} == set(ids)


def test_ids_are_stored_only_for_rows_the_batch_still_holds(practice, portal):
    rows = [enqueue_invitation(to_addr=f"h{i}@example.com") for i in range(4)]
    token, claimed, _ = claim("lane", 10)
    assert [r.id for r in claimed] == [r.id for r in rows]
    # One row was presumed dead and taken by another worker meanwhile.
    OutboxMessage.update(claimed_by="other/1").where(OutboxMessage.id == rows[1].id).execute()

    kept = deliver._fix_message_ids(claimed, token, Composer("frontdesk@riverside.example", "Riverside"))
    assert [r.id for r in kept] == [rows[0].id, rows[2].id, rows[3].id]
    for row in kept:
        assert OutboxMessage.get_by_id(row.id).message_id == row.message_id != ""
    assert OutboxMessage.get_by_id(rows[1].id).message_id == ""  # the other worker's to name
    # A row that already has its id keeps it.
    again = deliver._fix_message_ids(kept, token, Composer("frontdesk@riverside.example", "Riverside"))
    assert [r.message_id for r in again] == [r.message_id for r in kept]
