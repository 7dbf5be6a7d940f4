"""Rendering outbox rows into real email messages.

Each kind has `mail_templates/<kind>.txt` and `<kind>.html`. The first line of
the .txt is `Subject: ...`; the rest is the plain-text body. Both parts are
rendered with StrictUndefined (a missing context key is an error, never a
blank), the HTML with autoescape on, and put into one multipart/alternative
`EmailMessage` with its own Message-ID.

Header fields are built with `email.headerregistry.Address` and
`single_line`, so no stored name can add or split a header.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import clock
from ..text import single_line
from ..timefmt import DEFAULT_TIME_ZONE, long_datetime, short_datetime, short_time, to_local  # noqa: F401

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "mail_templates"

KINDS = (
    "invitation",
    "access_granted",
    "access_revoked",
    "ownership_changed",
    "password_changed",
    "password_reset",
    "test",
)
# Kinds whose context carries a raw code: scrubbed once the message leaves.
CODE_KINDS = frozenset({"invitation", "password_reset"})

DEFAULT_SENDER = "noreply@localhost"


class _CachedHeaderRegistry(HeaderRegistry):
    """The stdlib registry, minus two costs paid for every header of every message.

    - It builds a new class with type() on each lookup (~16 µs, some 30 times
      per message); the class for a header name never changes.
    - It parses each value, though the MIME structure headers repeat the same
      few values in every message ('text/plain; charset="utf-8"', '7bit', ...).
      Header objects are immutable strings, so those are parsed once and shared.
    """

    _SHARED = frozenset({"content-type", "content-transfer-encoding", "mime-version", "auto-submitted"})
    _MAX_SHARED = 256

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}
        self._headers: dict[tuple[str, str], Any] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls

    def __call__(self, name: str, value: Any):
        if type(value) is not str or name.lower() not in self._SHARED or "boundary" in value:
            return super().__call__(name, value)
        key = (name, value)
        header = self._headers.get(key)
        if header is None:
            header = super().__call__(name, value)
            if len(self._headers) < self._MAX_SHARED:
                self._headers[key] = header
        return header


class _MailPolicy(EmailPolicy):
    """policy.default, writing short plain-ASCII headers without refolding.

    The default refolds every header through its parse tree when the message
    is written (most of the cost of sending one). A header object whose text
    is ASCII, has no CR/LF and no encoded-word marker, and fits on one line,
    folds to exactly "Name: text"; everything else takes the full path.
    """

    def _fold(self, name, value, refold_binary=False):
        if hasattr(value, "name"):
            text = str(value)
            if (
                text.isascii()
                and "\r" not in text
                and "\n" not in text
                and "=?" not in text
                and len(name) + 2 + len(text) <= (self.max_line_length or 78)
            ):
                return f"{name}: {text}{self.linesep}"
        return super()._fold(name, value, refold_binary=refold_binary)


# policy.default (RFC 5322 headers, "\n" in memory; smtplib sends CRLF).
POLICY = _MailPolicy(header_factory=_CachedHeaderRegistry())


class RenderError(ValueError):
    """A message that cannot be built (unknown kind, missing field, bad address)."""


# --- templates ---------------------------------------------------------------


@lru_cache(maxsize=4)
def environment(templates_dir: str | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir or str(TEMPLATES_DIR)),
        autoescape=select_autoescape(),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local_datetime"] = long_datetime
    return env


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render_parts(kind: str, context: Mapping[str, Any], *, templates_dir: str | None = None) -> Rendered:
    """Subject, text and HTML for `kind` rendered from `context`."""
    if kind not in KINDS:
        raise RenderError(f"unknown message kind {kind!r}")
    env = environment(templates_dir)
    values = dict(context)
    values.setdefault("time_zone", DEFAULT_TIME_ZONE)
    phone = str(values.get("practice_phone") or "").strip()
    values["call_us"] = f"call us at {phone}" if phone else "give our office a call"
    try:
        text = env.get_template(f"{kind}.txt").render(values)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise RenderError(f"{kind}.txt must start with a 'Subject:' line")
        subject = single_line(first[len("Subject:"):])
        values["subject"] = subject
        html = env.get_template(f"{kind}.html").render(values)
    except RenderError:
        raise
    except Exception as exc:  # jinja2 UndefinedError, TemplateNotFound, bad dates
        raise RenderError(f"could not render {kind}: {exc}") from exc
    return Rendered(subject=subject, text=body.lstrip("\n"), html=html)


# --- messages ----------------------------------------------------------------


def address(name: str, addr: str) -> Address:
    """A header-safe address: the name loses CR/LF and controls, the address must parse."""
    addr = (addr or "").strip()
    if not addr or any(ch in addr for ch in "\r\n"):
        raise RenderError(f"not a usable email address: {addr!r}")
    try:
        result = Address(display_name=single_line(name or ""), addr_spec=addr)
    except Exception as exc:  # HeaderParseError, InvalidHeaderDefect, ValueError
        raise RenderError(f"not a usable email address: {addr!r} ({exc})") from exc
    if not result.domain:
        raise RenderError(f"not a usable email address: {addr!r} (no domain)")
    return result


def sender_address(smtp_sender: str, practice_email: str) -> str:
    return (smtp_sender or "").strip() or (practice_email or "").strip() or DEFAULT_SENDER


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
    """One multipart/alternative message (text, then HTML) ready for SMTP."""
    parts = render_parts(kind, context, templates_dir=templates_dir)
    sender = address(from_name, from_addr)
    recipient = address(to_name, to_addr)
    msg = EmailMessage(policy=POLICY)
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = parts.subject
    msg["Date"] = format_datetime(clock.now().replace(tzinfo=dt.timezone.utc))
    # Passing the domain keeps make_msgid from asking DNS for our hostname;
    # no idstring, so the header stays on one line for ordinary domains.
    msg["Message-ID"] = make_msgid(domain=sender.domain or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(parts.text)
    msg.add_alternative(parts.html, subtype="html")
    # A random boundary up front spares the generator its search for a
    # string absent from the parts (a fresh regex per message).
    msg.set_boundary(f"=_portal_{secrets.token_hex(16)}")
    return msg


def build_outbox_message(row, *, from_addr: str, from_name: str, templates_dir: str | None = None) -> EmailMessage:
    """The message for an `OutboxMessage` row."""
    try:
        context = json.loads(row.context or "{}")
    except ValueError as exc:
        raise RenderError(f"the stored message is damaged: {exc}") from exc
    return build_message(
        row.kind,
        context,
        to_addr=row.to_addr,
        to_name=row.to_name,
        from_addr=from_addr,
        from_name=from_name,
        templates_dir=templates_dir,
    )


def text_part(msg) -> str:
    """The text/plain body of a message (for viewers and tests)."""
    part = msg.get_body(preferencelist=("plain",)) if hasattr(msg, "get_body") else None
    if part is None:
        return ""
    return part.get_content()


def html_part(msg) -> str:
    part = msg.get_body(preferencelist=("html",)) if hasattr(msg, "get_body") else None
    if part is None:
        return ""
    return part.get_content()
