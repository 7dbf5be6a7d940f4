"""Per-source limits on guessing codes.

A source (the kiosk, or an SSH peer's address) that gets more than LIMIT
codes refused within WINDOW must wait. Kept in the database because every
SSH session is its own process.
"""
from __future__ import annotations

import datetime as dt

from . import clock
from .errors import DomainError
from .tables import FailedAttempt

LIMIT = 10
WINDOW = dt.timedelta(hours=1)


class Throttled(DomainError):
    pass


def _recent(source: str, kind: str) -> int:
    since = clock.now() - WINDOW
    return FailedAttempt.select().where(
        (FailedAttempt.source == source) & (FailedAttempt.kind == kind) & (FailedAttempt.at > since)
    ).count()


def check(source: str, kind: str) -> None:
    """Raise Throttled if `source` has used up its refused attempts."""
    if _recent(source, kind) >= LIMIT:
        raise Throttled(
            "Too many codes were tried from here. Please wait an hour, or ask the front desk for help."
        )


def note_failure(source: str, kind: str) -> None:
    now = clock.now()
    FailedAttempt.create(source=source or "unknown", kind=kind, at=now)
    FailedAttempt.delete().where(FailedAttempt.at < now - WINDOW * 24).execute()
