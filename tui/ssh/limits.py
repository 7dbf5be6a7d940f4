"""Limits of the SSH door: how many sessions, how fast, how long.

Everything that depends on time reads an injectable monotonic clock (a
zero-argument callable returning seconds, `time.monotonic` by default), so
tests move time forward instead of sleeping.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from models.config import Settings

MonotonicClock = Callable[[], float]


@dataclass(frozen=True)
class DoorLimits:
    max_sessions: int = 50                 # app processes running at once, whole server
    max_sessions_per_connection: int = 2   # session channels on one SSH connection
    max_connections: int = 200             # open TCP connections, including handshakes
    connect_burst: int = 10                # connects per address allowed in a burst ...
    connect_window: float = 10.0           # ... refilled evenly over this many seconds
    idle_seconds: float = 15 * 60          # no input from the client -> session ends
    max_session_seconds: float = 8 * 60 * 60
    login_timeout: float = 30.0            # handshake + auth must finish within this
    hangup_grace: float = 2.0              # SIGHUP, then SIGKILL after this many seconds
    check_interval: float = 1.0            # how often idle/absolute limits are checked
    keepalive_interval: float = 30.0       # dead clients are noticed after ~4 of these

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> "DoorLimits":
        base = cls(
            max_sessions=settings.ssh_max_sessions,
            idle_seconds=settings.ssh_idle_seconds,
            max_session_seconds=settings.ssh_max_session_seconds,
        )
        base = replace(base, max_connections=max(base.max_connections, 2 * base.max_sessions + 10))
        return replace(base, **overrides)


class ConnectionRateLimiter:
    """A token bucket per peer address.

    Each address holds up to `burst` tokens; a connect takes one; tokens come
    back at `burst / window` per second. Memory stays bounded: when more than
    `max_tracked` addresses are held, full (idle) buckets are forgotten first,
    then the oldest.
    """

    def __init__(
        self,
        burst: int = 10,
        window: float = 10.0,
        clock: MonotonicClock = time.monotonic,
        max_tracked: int = 10_000,
    ) -> None:
        if burst < 1 or window <= 0:
            raise ValueError("burst must be >= 1 and window > 0")
        self.burst = burst
        self.rate = burst / window
        self.clock = clock
        self.max_tracked = max_tracked
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + max(0.0, now - last) * self.rate)

    def allow(self, key: str) -> bool:
        """Take a token for `key`; False when its bucket is empty."""
        now = self.clock()
        tokens = self._tokens(key, now)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets.pop(key, None)  # re-insert: dict order is "least recently seen first"
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_tracked:
            self._prune(now)
        return allowed

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may connect again (0 when it may now)."""
        tokens = self._tokens(key, self.clock())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        for key in [k for k in self._buckets if self._tokens(k, now) >= self.burst]:
            del self._buckets[key]
        while len(self._buckets) > self.max_tracked:
            del self._buckets[next(iter(self._buckets))]

    def __len__(self) -> int:
        return len(self._buckets)


class SlotPool:
    """A counter with a ceiling: `try_acquire()` / `release()`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_use = 0

    def try_acquire(self) -> bool:
        if self.in_use >= self.limit:
            return False
        self.in_use += 1
        return True

    def release(self) -> None:
        if self.in_use > 0:
            self.in_use -= 1


def human_duration(seconds: float) -> str:
    """'15 minutes', '8 hours', '90 seconds' — for messages shown to people."""
    seconds = int(round(seconds))
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
