"""Per-source limits: refused codes, and requests that send email.

A source (the kiosk, or an SSH peer's address) may spend LIMITS[kind]
attempts within WINDOW. Kept in the database because every SSH session is its
own process, and counted so that it holds under concurrent requests on SQLite
and PostgreSQL: an attempt *reserves* its slot before it is evaluated, inside
a transaction that makes reservers of one (source, kind) take turns, so a
burst of simultaneous tries is answered exactly LIMIT times. An attempt that
turns out not to count (a good code) gives its slot back.
"""
from __future__ import annotations

import datetime as dt
import zlib

from . import clock
from .db import database, is_sqlite
from .errors import DomainError
from .tables import FailedAttempt

LIMIT = 10                      # refused codes per source per window
WINDOW = dt.timedelta(hours=1)
LIMITS = {
    "invite_code": LIMIT,
    "reset_code": LIMIT,
    "reset_request": 10,        # forgot-password requests per source (the kiosk is one source)
}

TOO_MANY_CODES = "Too many codes were tried from here. Please wait an hour, or ask the front desk for help."


class Throttled(DomainError):
    def __init__(self, message: str = TOO_MANY_CODES) -> None:
        super().__init__(message)


def take_turns(name: str) -> None:
    """Within the current transaction, make every holder of `name` wait its turn.

    SQLite needs nothing: its IMMEDIATE transactions already hold the write
    lock. PostgreSQL gets a transaction-scoped advisory lock on a hash of the name.
    """
    if not is_sqlite():
        key = zlib.crc32(name.encode("utf-8")) - 2**31  # a signed 32-bit key
        database.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (7, key))


def _recent(source: str, kind: str) -> int:
    since = clock.now() - WINDOW
    return FailedAttempt.select().where(
        (FailedAttempt.source == source) & (FailedAttempt.kind == kind) & (FailedAttempt.at > since)
    ).count()


def reserve(source: str, kind: str) -> int:
    """Take one of `source`'s attempts of `kind`, or raise Throttled.

    Commits on its own (call it outside any other transaction), so the slot is
    taken before the attempt is evaluated. Returns the slot's id for `give_back`.
    """
    source = source or "unknown"
    now = clock.now()
    with database.atomic():
        take_turns(f"throttle:{kind}:{source}")
        if _recent(source, kind) >= LIMITS[kind]:
            raise Throttled()
        slot = FailedAttempt.create(source=source, kind=kind, at=now)
        FailedAttempt.delete().where(FailedAttempt.at < now - WINDOW * 24).execute()
    return slot.id


def give_back(slot_id: int) -> None:
    """The attempt did not count (the code was good): free its slot."""
    FailedAttempt.delete().where(FailedAttempt.id == slot_id).execute()


def check(source: str, kind: str) -> None:
    """Raise Throttled if `source` has used up its attempts (a read-only look)."""
    if _recent(source or "unknown", kind) >= LIMITS[kind]:
        raise Throttled()
