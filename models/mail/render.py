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
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import clock
from ..text import single_line

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
DEFAULT_TIME_ZONE = "America/New_York"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


class RenderError(ValueError):
    """A message that cannot be built (unknown kind, missing field, bad address)."""


# --- time --------------------------------------------------------------------


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_local(value: dt.datetime | str, time_zone: str | None) -> dt.datetime:
    """A naive-UTC datetime (or its ISO string) in `time_zone`."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone(time_zone))


def _clock_time(local: dt.datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def long_datetime(value: dt.datetime | str, time_zone: str | None) -> str:
    """'Friday, November 27, 2026 at 3:00 PM EST' (English, locale-independent)."""
    local = to_local(value, time_zone)
    return (
        f"{_DAYS[local.weekday()]}, {_MONTHS[local.month - 1]} {local.day}, {local.year}"
        f" at {_clock_time(local)} {local.tzname()}"
    )


def short_datetime(value: dt.datetime | str, time_zone: str | None) -> str:
    """'Nov 27, 3:02 PM'."""
    local = to_local(value, time_zone)
    return f"{_MONTHS[local.month - 1][:3]} {local.day}, {_clock_time(local)}"


def short_time(value: dt.datetime | str, time_zone: str | None, *, today: dt.datetime | None = None) -> str:
    """'3:10 PM' when it falls on `today` (local), else 'Nov 28, 3:10 PM'."""
    local = to_local(value, time_zone)
    if today is not None and to_local(today, time_zone).date() == local.date():
        return _clock_time(local)
    return short_datetime(value, time_zone)


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
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = recipient
    msg["Subject"] = parts.subject
    msg["Date"] = format_datetime(clock.now().replace(tzinfo=dt.timezone.utc))
    # Passing the domain keeps make_msgid from asking DNS for our hostname.
    msg["Message-ID"] = make_msgid(idstring=kind.replace("_", "-"), domain=sender.domain or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(parts.text)
    msg.add_alternative(parts.html, subtype="html")
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
