"""The message bytes `compose.py` writes, read back by the email package."""
from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header
from email.utils import getaddresses

import pytest
from hypothesis import given, settings, strategies as st

from models.mail.compose import Composer, parse
from models.mail.render import RenderError
from models.text import single_line

from .conftest import invitation_context


def _compose(to_name="Sam Lopez", from_name="Riverside Counseling", **context):
    composer = Composer("frontdesk@riverside.example", from_name)
    return composer.compose(
        "invitation", invitation_context(**context), to_addr="sam@example.com", to_name=to_name
    )


def _well_formed(data: bytes) -> None:
    assert data.isascii()
    lines = data.split(b"\r\n")
    assert lines[-1] == b"", "ends with CRLF"
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, "CRLF only, no bare CR or LF"
        assert len(line) <= 998


def _addresses(data: bytes, header: str) -> list[tuple[str, str]]:
    """(name, address) pairs as an RFC 2047 reader decodes them. (The
    email package's modern parser puts a space between adjacent encoded
    words of a display name, which RFC 2047 says to drop; mail clients do.)"""
    raw = message_from_bytes(data).get_all(header, [])
    return [(str(make_header(decode_header(name))), addr) for name, addr in getaddresses(raw)]


def _check(outgoing):
    _well_formed(outgoing.data)
    msg = parse(outgoing.data)
    assert not msg.defects
    for part in msg.walk():
        assert not part.defects, part.defects
    return msg


def test_structure_and_headers(portal):
    outgoing = _compose()
    msg = _check(outgoing)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert str(msg["From"]) == "Riverside Counseling <frontdesk@riverside.example>"
    assert msg["To"].addresses[0].display_name == "Sam Lopez"
    assert msg["Message-ID"] == outgoing.message_id and outgoing.message_id.endswith("@riverside.example>")
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"].datetime is not None
    assert (outgoing.from_addr, outgoing.to_addr) == ("frontdesk@riverside.example", "sam@example.com")


@pytest.mark.parametrize(
    "name",
    [
        'Lopez, Sam "Sammy" (the 2nd)',
        "Zoë Ó'Brien-Łukasz 山田",
        "A" * 100,
        "Ærøskøbing " * 9,  # several encoded words; the trailing space is trimmed
        "=?utf-8?q?not_an_encoded_word?= <x@evil.example>",
    ],
)
def test_display_names_come_back_exactly(portal, name):
    outgoing = _compose(to_name=name, from_name=name)
    _check(outgoing)
    assert _addresses(outgoing.data, "To") == [(single_line(name), "sam@example.com")]
    assert _addresses(outgoing.data, "From") == [(single_line(name), "frontdesk@riverside.example")]


def test_non_ascii_text_is_quoted_printable_and_reads_back(portal):
    name = "Zoë Ó'Brien"
    msg = _check(_compose(client_name=name, practice_name="Clínica del Río"))
    text = msg.get_body(("plain",))
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert "Clínica del Río" in text.get_content()
    assert "Clínica del Río" in str(msg["Subject"])


def test_a_line_too_long_for_7bit_is_encoded(portal):
    long_word = "x" * 1500
    msg = _check(_compose(practice_name=long_word))
    assert long_word in msg.get_body(("plain",)).get_content()


def test_non_ascii_or_broken_addresses_are_refused(portal):
    composer = Composer("frontdesk@riverside.example", "Riverside")
    for bad in ("zoë@example.com", "not an address", "a@b@c", "", "x@example.com\r\nBcc: y@evil.example"):
        with pytest.raises(RenderError):
            composer.compose("invitation", invitation_context(), to_addr=bad, to_name="X")
    with pytest.raises(RenderError):
        Composer("no domain", "Riverside")


@settings(max_examples=60, deadline=None)
@given(name=st.text(max_size=120), client=st.text(max_size=60))
def test_any_name_yields_one_well_formed_message(name, client):
    """Whatever a name holds, the message parses cleanly, keeps one recipient
    and one set of headers, and the name reads back as stored, minus controls."""
    outgoing = _compose(to_name=name, client_name=client)
    msg = _check(outgoing)
    assert [k.lower() for k in msg.keys()].count("to") == 1
    assert msg["Bcc"] is None and msg["Cc"] is None
    assert _addresses(outgoing.data, "To") == [(single_line(name), "sam@example.com")]
