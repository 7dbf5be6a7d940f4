"""Delivery state of outbox messages, in words staff can act on.

Nothing here imports yagmail or touches the network: the staff screens call
these to show "Queued", "Sent Nov 27, 3:02 PM", "Retrying at 3:10 PM —
connection refused" or "Failed — 550 mailbox unavailable" next to an
invitation.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from peewee import fn

from .. import clock
from ..config import Settings
from ..tables import OutboxMessage
from ..timefmt import short_datetime, short_time

STATUSES = ("queued", "sending", "retrying", "sent", "failed")

# A message still not sent this long after it was queued is failed at its
# next unsuccessful try (`models.mail.deliver` applies it).
GIVE_UP_AFTER = dt.timedelta(days=2)

# How `models.mail.deliver` words a message it stopped retrying; read back
# by `given_up` so staff are told it timed out rather than was refused.
_GAVE_UP = re.compile(r"gave up after \d+ tries over \d+ days?: ")


def gave_up_error(attempts: int, days: int, error: str) -> str:
    """The stored reason of a message no longer retried: the tries, the time, the last error."""
    return f"gave up after {attempts} tries over {days} day{'s' if days != 1 else ''}: {error}"


def given_up(last_error: str) -> tuple[bool, str]:
    """(whether the message timed out, the server's or network's own words)."""
    text = last_error or ""
    match = _GAVE_UP.match(text)
    return (True, text[match.end():]) if match else (False, text)


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


def mail_in_force(settings: Settings | None) -> str:
    """Like mail_readiness, for what staff and `portal mail status` are told:
    empty also when another process (the door's host, the demo) is
    delivering this database's outbox right now."""
    reason = mail_readiness(settings)
    if not reason:
        return ""
    from .workers import active_delivery

    return "" if active_delivery() is not None else reason


def server_label(settings: Settings) -> str:
    """The mail server in words for people and the heartbeat: never a password."""
    smtp = settings.smtp
    security = {"starttls": "STARTTLS", "ssl": "TLS"}.get(smtp.security, "no encryption")
    login = f"login as {smtp.user}" if smtp.user else "no login"
    return f"{smtp.host}:{smtp.port} ({security}, {login})"


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
    gave_up: bool = False             # failed because no try succeeded in time
    reason: str = ""                  # why it failed or waits: the reply, one line, shortened

    @property
    def delivered(self) -> bool:
        return self.status == "sent"

    @property
    def problem(self) -> bool:
        return self.status in ("retrying", "failed")


REASON_LIMIT = 120  # a server's reply, shortened: two or three lines of the Chart Owner box at 80 columns


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
        error = _short_error(message.last_error)
        now = clock.now()
        due = message.next_attempt_at
        # The try after the limit is the last: if it fails, the message is failed.
        last = due is not None and message.created_at is not None and due - message.created_at >= GIVE_UP_AFTER
        word = "Last try" if last else "Retrying"
        if due is None:
            text = word
        elif due > now:
            text = f"{word} at {short_time(due, time_zone, today=now)}"
        else:  # overdue: no delivery worker has taken it yet; never a past time as if still to come
            text = f"{'Last try' if last else 'Retry'} due since {short_time(due, time_zone, today=now)}"
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
    return mail_in_force(settings)


def _state(message: OutboxMessage, time_zone: str | None, not_ready: str) -> DeliveryState:
    timed_out, reason = given_up(message.last_error) if message.status == "failed" else (False, message.last_error)
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
        gave_up=timed_out,
        reason=_short_error(reason, REASON_LIMIT),
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
