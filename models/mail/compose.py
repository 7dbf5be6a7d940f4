"""Rendered parts -> the bytes of one MIME message, as SMTP carries it.

The message is multipart/alternative (text, then HTML) with its own
Message-ID: 128 random bits at the sender's domain (no time, process id or
host name, which `email.utils.make_msgid` would add). An outbox message
keeps one Message-ID for every try (`models.mail.deliver` stores it on the
row before the first), so a copy delivered twice is recognisable. It is written directly as CRLF text rather than built as an
`email.message.EmailMessage` and flattened: the email package parses every
header it is given and refolds it on output, ~1.5 ms a message, which was
most of the sender's cost. What it did for us is done here, narrowly:

- every header value passes `single_line` (no CR/LF or other controls), so
  no stored name can add or split a header;
- a display name is quoted as needed (plain ASCII) or written as RFC 2047
  encoded words (anything else), never as raw text;
- a header too long for one line is folded by `email.header.Header`;
- a body that is not short-lined ASCII is quoted-printable (C code,
  `binascii.b2a_qp`).

Addresses must be ASCII (`models.text.clean_email` only stores such), so the
message never needs SMTPUTF8.

`parse()` reads the bytes back with the email package, for tests and for
anyone who wants an `EmailMessage`.

Every message's template may name `ssh_fingerprint`: the SHA256 fingerprint
of the SSH door's host key (read from its public key file in the data dir;
"" before any door has run), so an emailed ssh line comes with the answer
to ssh's "are you sure you want to continue connecting?".
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Mapping

from .. import clock
from ..text import single_line
from .render import RenderError, render_parts

CRLF = "\r\n"
MAX_HEADER_LINE = 78   # RFC 5322's "SHOULD"; longer values are folded
MAX_BODY_LINE = 998    # RFC 5322's "MUST" for 7bit bodies
DEFAULT_SENDER = "noreply@localhost"


@dataclass(frozen=True)
class Outgoing:
    """One message ready for `smtplib.SMTP.sendmail`."""

    message_id: str
    from_addr: str
    to_addr: str
    data: bytes


# --- addresses -----------------------------------------------------------------


def address(name: str, addr: str) -> Address:
    """A checked address: the name loses CR/LF and controls, the address must parse."""
    addr = (addr or "").strip()
    if not addr or any(ch in addr for ch in "\r\n"):
        raise RenderError(f"not a usable email address: {addr!r}")
    if not addr.isascii():
        raise RenderError(f"not a usable email address: {addr!r} (only plain ASCII addresses are supported)")
    try:
        result = Address(display_name=single_line(name or ""), addr_spec=addr)
    except Exception as exc:  # HeaderParseError, InvalidHeaderDefect, ValueError
        raise RenderError(f"not a usable email address: {addr!r} ({exc})") from exc
    if not result.domain:
        raise RenderError(f"not a usable email address: {addr!r} (no domain)")
    return result


def sender_address(smtp_sender: str, practice_email: str) -> str:
    return (smtp_sender or "").strip() or (practice_email or "").strip() or DEFAULT_SENDER


# --- header lines --------------------------------------------------------------


def _encoded_words(text: str, name: str) -> str:
    """RFC 2047 encoded words, folded: safe for any text in any header."""
    return Header(text, "utf-8", header_name=name, maxlinelen=MAX_HEADER_LINE).encode(linesep=CRLF)


def header_line(name: str, value: str) -> str:
    """`Name: value` + CRLF for unstructured text (Subject)."""
    value = single_line(value)
    if value.isascii() and "=?" not in value:
        if len(name) + 2 + len(value) <= MAX_HEADER_LINE:
            return f"{name}: {value}{CRLF}"
        folded = Header(value, "us-ascii", header_name=name, maxlinelen=MAX_HEADER_LINE).encode(linesep=CRLF)
        if all(len(line) <= MAX_BODY_LINE for line in folded.split(CRLF)):  # folds only at spaces
            return f"{name}: {folded}{CRLF}"
    return f"{name}: {_encoded_words(value, name)}{CRLF}"


def address_line(name: str, addr: Address) -> str:
    """`Name: Display <addr>` + CRLF, the display name quoted or encoded as needed."""
    if not addr.display_name:
        return f"{name}: {addr.addr_spec}{CRLF}"
    # ASCII is quoted as needed, unless it looks like an encoded word, which a
    # reader would decode: that, and anything not ASCII, is written encoded.
    if addr.display_name.isascii() and "=?" not in addr.display_name:
        line = f"{name}: {addr}{CRLF}"  # Address quotes and escapes specials
        if len(line) <= MAX_BODY_LINE:
            return line
    return f"{name}: {_encoded_words(addr.display_name, name)} <{addr.addr_spec}>{CRLF}"


# --- bodies --------------------------------------------------------------------


def body_part(subtype: str, text: str) -> str:
    """One text/<subtype> part: headers, blank line, body, all CRLF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    if text.isascii() and all(len(line) <= MAX_BODY_LINE for line in text.split("\n")):
        encoding, body = "7bit", text
    else:
        encoding = "quoted-printable"
        body = binascii.b2a_qp(text.encode("utf-8"), istext=True).decode("ascii")
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}"
        + body.replace("\n", CRLF)
    )


# --- whole messages ------------------------------------------------------------


class Composer:
    """Builds messages from one sender (one per delivery batch: the From
    line and the Message-ID domain are worked out once)."""

    def __init__(self, from_addr: str, from_name: str, *, ssh_fingerprint: str | None = None) -> None:
        """`ssh_fingerprint`: the door's host key's; None reads it from the open portal's data dir."""
        sender = address(from_name, from_addr)
        self.from_addr = sender.addr_spec
        self._from_line = address_line("From", sender)
        self._id_domain = sender.domain or "localhost"
        self.ssh_fingerprint = _open_portal_fingerprint() if ssh_fingerprint is None else ssh_fingerprint

    def new_message_id(self) -> str:
        """A fresh Message-ID: unique, and telling a reader nothing about us."""
        return f"<{secrets.token_hex(16)}@{self._id_domain}>"

    def compose(
        self,
        kind: str,
        context: Mapping[str, Any],
        *,
        to_addr: str,
        to_name: str,
        templates_dir: str | None = None,
        message_id: str = "",
    ) -> Outgoing:
        """The message; `message_id` is the one a retry must reuse (a new one if empty)."""
        parts = render_parts(kind, {"ssh_fingerprint": self.ssh_fingerprint, **context}, templates_dir=templates_dir)
        recipient = address(to_name, to_addr)
        message_id = single_line(message_id) or self.new_message_id()
        boundary = f"=_portal_{secrets.token_hex(16)}"
        date = format_datetime(clock.now().replace(tzinfo=dt.timezone.utc))
        text = "".join(
            (
                self._from_line,
                address_line("To", recipient),
                header_line("Subject", parts.subject),
                f"Date: {date}{CRLF}",
                f"Message-ID: {message_id}{CRLF}",
                f"Auto-Submitted: auto-generated{CRLF}",
                f"MIME-Version: 1.0{CRLF}",
                f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"{CRLF}',
                CRLF,
                f"--{boundary}{CRLF}",
                body_part("plain", parts.text),
                f"--{boundary}{CRLF}",
                body_part("html", parts.html),
                f"--{boundary}--{CRLF}",
            )
        )
        return Outgoing(message_id, self.from_addr, recipient.addr_spec, text.encode("ascii"))

    def compose_row(self, row, *, templates_dir: str | None = None) -> Outgoing:
        """The message for an `OutboxMessage` row, with the row's Message-ID if it has one."""
        try:
            context = json.loads(row.context or "{}")
        except ValueError as exc:
            raise RenderError(f"the stored message is damaged: {exc}") from exc
        return self.compose(
            row.kind,
            context,
            to_addr=row.to_addr,
            to_name=row.to_name,
            templates_dir=templates_dir,
            message_id=row.message_id or "",
        )


HOST_KEY_PUB = "ssh_host_ed25519_key.pub"  # beside the door's key (tui.ssh.hostkey)


def door_fingerprint(data_dir: Path | str) -> str:
    """"SHA256:…" of the SSH door's host key in `data_dir`, as ssh shows it; "" if there is none."""
    try:
        fields = (Path(data_dir) / HOST_KEY_PUB).read_text(encoding="ascii").split()
        blob = base64.b64decode(fields[1], validate=True)
    except (OSError, ValueError, IndexError):
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")


def _open_portal_fingerprint() -> str:
    from .. import setup

    try:
        return door_fingerprint(setup.settings().data_dir)
    except RuntimeError:  # no portal open (a test composing alone)
        return ""


def parse(data: bytes) -> EmailMessage:
    """Bytes of a message as an `EmailMessage` (RFC 5322 headers decoded)."""
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def build_message(
    kind: str,
    context: Mapping[str, Any],
    *,
    to_addr: str,
    to_name: str,
    from_addr: str,
    from_name: str,
    templates_dir: str | None = None,
) -> EmailMessage:
    """One message, read back as an `EmailMessage` (for tests and previews)."""
    outgoing = Composer(from_addr, from_name).compose(
        kind, context, to_addr=to_addr, to_name=to_name, templates_dir=templates_dir
    )
    return parse(outgoing.data)
