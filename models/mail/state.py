"""Delivery state of outbox messages, in words staff can act on.

Nothing here imports yagmail or touches the network: the staff screens call
these to show "Queued", "Sent Nov 27, 3:02 PM", "Retrying at 3:10 PM —
connection refused" or "Failed — 550 mailbox unavailable" next to an
invitation.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from peewee import fn

from .. import clock
from ..config import Settings
from ..tables import OutboxMessage
from ..timefmt import short_datetime, short_time

STATUSES = ("queued", "sending", "retrying", "sent", "failed")

# Chunk size for IN (...) lists: a page of invitations is one query.
_CHUNK = 500


def mail_readiness(settings: Settings | None) -> str:
    """Empty when mail can leave; otherwise a plain sentence saying why not."""
    if settings is None:
        return ""
    if settings.smtp.configured:
        return ""
    if settings.demo:
        return (
            "The demo's local mail server is not running, so mail stays queued "
            "until `portal demo` starts it."
        )
    return (
        "No mail server is set up, so email stays queued and nothing is sent. "
        "Set PORTAL_SMTP_HOST (or [smtp] host in portal.toml), with "
        "PORTAL_SMTP_USER and PORTAL_SMTP_PASSWORD if the server needs a login."
    )


@dataclass(frozen=True)
class DeliveryState:
    status: str                       # queued, sending, retrying, sent, failed
    label: str                        # short words for staff
    outbox_id: int
    kind: str
    to_addr: str
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    created_at: dt.datetime | None
    message_id: str

    @property
    def delivered(self) -> bool:
        return self.status == "sent"

    @property
    def problem(self) -> bool:
        return self.status in ("retrying", "failed")


def _short_error(text: str, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(message: OutboxMessage, time_zone: str | None, not_ready: str) -> str:
    status = message.status
    if status == "sent" and message.sent_at:
        return f"Sent {short_datetime(message.sent_at, time_zone)}"
    if status == "sent":
        return "Sent"
    if status == "failed":
        error = _short_error(message.last_error)
        return f"Failed — {error}" if error else "Failed"
    if status == "retrying":
        when = short_time(message.next_attempt_at, time_zone, today=clock.now()) if message.next_attempt_at else ""
        error = _short_error(message.last_error)
        text = f"Retrying at {when}" if when else "Retrying"
        return f"{text} — {error}" if error else text
    if status == "sending":
        return "Sending…"
    if not_ready:
        return "Queued — mail server not set up"
    return "Queued"


def _default_time_zone() -> str:
    from ..practice import get_practice

    return get_practice().time_zone


def _not_ready(settings: Settings | None) -> str:
    if settings is None:
        from .. import setup

        try:
            settings = setup.settings()
        except RuntimeError:
            return ""
    return mail_readiness(settings)


def _state(message: OutboxMessage, time_zone: str | None, not_ready: str) -> DeliveryState:
    return DeliveryState(
        status=message.status,
        label=_label(message, time_zone, not_ready),
        outbox_id=message.id,
        kind=message.kind,
        to_addr=message.to_addr,
        attempts=message.attempts,
        last_error=message.last_error,
        next_attempt_at=message.next_attempt_at,
        sent_at=message.sent_at,
        created_at=message.created_at,
        message_id=message.message_id,
    )


def delivery_state(
    message: OutboxMessage, *, time_zone: str | None = None, settings: Settings | None = None
) -> DeliveryState:
    """The state of one outbox message. Times in `time_zone` (default: the practice's)."""
    return _state(message, time_zone or _default_time_zone(), _not_ready(settings))


def latest_states_for_invitations(
    invitation_ids: Iterable[int], *, time_zone: str | None = None, settings: Settings | None = None
) -> dict[int, DeliveryState]:
    """The newest outbox message's state per invitation id (ids without mail are absent).

    One query per 500 ids, plus one for the practice's time zone when none is given.
    """
    ids = sorted({int(i) for i in invitation_ids if i is not None})
    if not ids:
        return {}
    zone_name = time_zone or _default_time_zone()
    not_ready = _not_ready(settings)
    result: dict[int, DeliveryState] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        newest = (
            OutboxMessage.select(fn.MAX(OutboxMessage.id))
            .where(OutboxMessage.invitation.in_(chunk))
            .group_by(OutboxMessage.invitation)
        )
        for message in OutboxMessage.select().where(OutboxMessage.id.in_(newest)):
            result[message.invitation_id] = _state(message, zone_name, not_ready)
    return result


def outbox_counts() -> dict[str, int]:
    """How many messages are in each status (every status present, zero if none)."""
    counts = {status: 0 for status in STATUSES}
    query = OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id).alias("n")).group_by(
        OutboxMessage.status
    )
    for row in query.tuples():
        counts[row[0]] = row[1]
    return counts
