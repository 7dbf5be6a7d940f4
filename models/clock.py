"""One injectable clock for the whole domain.

Every rule that depends on time (invitation expiry, lockouts, idle limits)
asks `now()` here, so tests move time with `use(FrozenClock(...))` instead of
sleeping. Times are naive UTC throughout the database.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Iterator, Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


class FrozenClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start.replace(tzinfo=None)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now

    def set(self, when: dt.datetime) -> None:
        self._now = when.replace(tzinfo=None)


_clock: Clock = SystemClock()


def now() -> dt.datetime:
    return _clock.now()


def today() -> dt.date:
    return _clock.now().date()


def set_clock(clock: Clock) -> Clock:
    """Install `clock`; returns the one it replaced."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
