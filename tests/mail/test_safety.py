"""Header and HTML injection, and codes left behind in the database file."""
from __future__ import annotations

import json

from models.mail.deliver import deliver_all, scrub_context
from models.mail.render import html_part, text_part
from models.outbox import enqueue
from models.tables import OutboxMessage

from .conftest import CODE, enqueue_invitation, invitation_context, read_maildir


def test_names_cannot_inject_headers_or_html(practice, portal, mail_server, mail_settings):
    evil = 'Eve\r\nBcc: mallory@evil.example\r\n\r\n<b>markup</b> "quoted" <x@y.z>'
    row = enqueue("invitation", "eve@example.com", evil, invitation_context(to_name=evil, client_name="<b>Sam</b>"))
    # Even a row written around enqueue's cleaning keeps its CR/LF out of the headers.
    raw = enqueue("invitation", "eve2@example.com", "x", invitation_context(to_name=evil))
    OutboxMessage.update(to_name=evil).where(OutboxMessage.id == raw.id).execute()
    evil_practice = "Riverside\r\nX-Injected: yes"
    practice.name = evil_practice
    practice.save()

    report = deliver_all(mail_settings)
    assert report.sent == 2, report

    messages = read_maildir(mail_server.maildir)
    assert len(messages) == 2
    for msg in messages:
        assert msg["Bcc"] is None
        assert msg["X-Injected"] is None
        assert msg["X-RcptTo"] in ("eve@example.com", "eve2@example.com")
        to = msg["To"]
        assert len(to.addresses) == 1
        assert to.addresses[0].addr_spec in ("eve@example.com", "eve2@example.com")
        assert "mallory" not in to.addresses[0].addr_spec
        assert msg["From"].addresses[0].addr_spec == "frontdesk@riverside.example"
        for name, value in msg.items():
            assert "\r" not in str(value) and "\n" not in str(value)
        html = html_part(msg)
        assert "<b>markup</b>" not in html and "<b>Sam</b>" not in html
        assert "&lt;b&gt;markup&lt;/b&gt;" in html or "&lt;b&gt;Sam&lt;/b&gt;" in html
    text = text_part(next(m for m in messages if m["X-RcptTo"] == "eve@example.com"))
    assert "<b>Sam</b>" in text  # the text part shows the name as typed; it is not HTML


def _code_in_files(portal, needles) -> list[str]:
    found = []
    for suffix in ("", "-wal"):
        path = portal.data_dir / f"portal.db{suffix}"
        if not path.exists():
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle.encode() in data:
                found.append(f"{path.name}: {needle}")
    return found


def test_no_raw_code_left_in_the_database_files_after_delivery(practice, portal, mail_server, mail_settings):
    codes = [f"Q{i}Z7-HJKM-NPRS-TVW{i}" for i in range(5)]
    for i, code in enumerate(codes[:4]):
        enqueue_invitation(to_addr=f"p{i}@example.com", code=code)
    enqueue(
        "password_reset",
        "r@example.com",
        "Robin",
        {
            "practice_name": "Riverside Counseling",
            "practice_phone": "",
            "to_name": "Robin",
            "code": codes[4],
            "expires_at": "2026-11-20T16:00:00",
            "time_zone": "America/New_York",
            "ssh_host": "portal.riverside.example",
            "ssh_port": 2222,
        },
    )
    needles = codes + [c.replace("-", "") for c in codes]
    assert _code_in_files(portal, needles), "the test must see the codes before delivery"

    report = deliver_all(mail_settings)
    assert report.sent == 5

    assert _code_in_files(portal, needles) == []
    for row in OutboxMessage.select():
        context = json.loads(row.context)
        assert "code" not in context and context["code_removed"] is True
    # ...while the messages themselves carried the codes.
    bodies = "".join(text_part(m) for m in read_maildir(mail_server.maildir))
    assert all(code in bodies for code in codes)


def test_scrub_removes_the_code_wherever_it_appears():
    context = json.dumps(invitation_context(note=f"your code is {CODE.lower()} or {CODE.replace('-', '')}"))
    scrubbed = json.loads(scrub_context("invitation", context))
    assert "code" not in scrubbed
    assert CODE.replace("-", "").lower() not in json.dumps(scrubbed).lower()
    assert CODE.lower() not in json.dumps(scrubbed).lower()
    assert scrubbed["client_name"] == "Sam Lopez"
    # Kinds without a code keep their context as it was.
    plain = json.dumps({"practice_name": "x"})
    assert scrub_context("access_revoked", plain) == plain
