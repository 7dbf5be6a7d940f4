"""Mail fixtures: a real aiosmtpd server on 127.0.0.1 and helpers to fill the outbox."""
from __future__ import annotations

import mailbox
import re
import socket
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from models.mail.local_server import LocalMailServer, local_smtp_settings
from models.outbox import enqueue
from models.practice import update_practice

CODE = "ABCD-EFGH-JKMN-PQRS"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def invitation_context(**over) -> dict:
    context = {
        "practice_name": "Riverside Counseling",
        "practice_phone": "(555) 010-2000",
        "to_name": "Maria Lopez",
        "client_name": "Sam Lopez",
        "relationship": "parent",
        "invited_by": "Alex Kim",
        "code": CODE,
        "expires_at": "2026-11-27T20:00:00",
        "time_zone": "America/New_York",
        "ssh_host": "portal.riverside.example",
        "ssh_port": 2222,
        "is_resend": False,
    }
    context.update(over)
    return context


def enqueue_invitation(to_addr="maria@example.com", to_name="Maria Lopez", *, invitation=None, **over):
    return enqueue("invitation", to_addr, to_name, invitation_context(to_name=to_name, **over), invitation=invitation)


def read_maildir(path: Path) -> list:
    """Every message filed in the Maildir, in the order it arrived, parsed with the modern email API."""
    box = mailbox.Maildir(path, create=False)
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(box.get_bytes(key)) for key in sorted(box.keys(), key=_arrival)]


def _arrival(key: str) -> tuple[int, int, int]:
    """Order Maildir keys by arrival: "SECONDS.M<micro>P<pid>Q<count>.host".

    Sorting the keys as text is wrong: the microseconds are not zero-padded, so
    "M98765" sorts after "M123456" within one second. The server runs in the test's
    process, so (seconds, microseconds, the per-process counter Q) is arrival order.
    """
    match = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)\.", key)
    assert match, f"not a Maildir key: {key}"
    seconds, micro, count = (int(g) for g in match.groups())
    return seconds, micro, count


@pytest.fixture
def practice(portal):
    return update_practice(name="Riverside Counseling", phone="(555) 010-2000", email="frontdesk@riverside.example")


@pytest.fixture
def mail_server(portal):
    server = LocalMailServer(portal.maildir).start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(portal, mail_server):
    return local_smtp_settings(portal, mail_server.port)
