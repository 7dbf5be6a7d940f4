"""Limits of the SSH door: how many sessions, how fast, how long, and how
much of the door one address may hold.

Everything that depends on time reads an injectable monotonic clock (a
zero-argument callable returning seconds, `time.monotonic` by default), so
tests move time forward instead of sleeping.
"""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Any, Callable, Generic, Hashable, Iterator, TypeVar

from models.config import Settings

MonotonicClock = Callable[[], float]
T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True)
class DoorLimits:
    max_sessions: int = 50                 # app processes running at once, whole server
    max_sessions_per_connection: int = 2   # session channels on one SSH connection
    max_sessions_per_address: int = 4      # app processes at once from one address (IPv6: one /64)
    session_reserve: int = 5               # the last slots go only to addresses holding no session
    max_connections: int = 200             # open TCP connections, including handshakes (a backstop)
    max_connections_per_address: int = 4   # open TCP connections from one address
    max_waiting: int = 32                  # connections with no session running (handshaking,
                                           # authenticating, idle); when full, a newcomer displaces
                                           # one (see WaitingPool)
    connect_burst: int = 10                # connects per address allowed in a burst ...
    connect_window: float = 10.0           # ... refilled evenly over this many seconds
    idle_seconds: float = 15 * 60          # no input from the client -> session ends
    max_session_seconds: float = 8 * 60 * 60
    login_timeout: float = 10.0            # handshake + auth must finish within this
    session_timeout: float = 10.0          # after auth, or after the last session ended, a
                                           # session must start within this
    hangup_grace: float = 2.0              # SIGHUP, then SIGKILL after this many seconds
    check_interval: float = 1.0            # how often idle/absolute limits and deadlines are checked
    keepalive_interval: float = 30.0       # dead clients are noticed after ~4 of these

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> "DoorLimits":
        values: dict[str, Any] = dict(
            max_sessions=settings.ssh_max_sessions,
            max_sessions_per_address=settings.ssh_max_sessions_per_address,
            max_connections_per_address=settings.ssh_max_connections_per_address,
            idle_seconds=settings.ssh_idle_seconds,
            max_session_seconds=settings.ssh_max_session_seconds,
        )
        values.update(overrides)
        sessions = values["max_sessions"]
        # A tenth of the slots stays for addresses that hold none yet.
        values.setdefault("session_reserve", sessions // 10)
        values.setdefault("max_connections", max(cls.max_connections, 2 * sessions + 10))
        return cls(**values)


def address_key(ip: str) -> str:
    """What per-address limits count by: the IPv4 address, or the /64 of an
    IPv6 address (one subscriber usually holds a whole /64)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


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

    def tokens_left(self, key: str) -> float:
        """How many connects `key` may still make at once (burst: none lately)."""
        return self._tokens(key, self.clock())

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


class PerAddress:
    """A count per address key, each with the same ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[str, int] = {}

    def __getitem__(self, key: str) -> int:
        return self._counts.get(key, 0)

    def try_acquire(self, key: str) -> bool:
        held = self._counts.get(key, 0)
        if held >= self.limit:
            return False
        self._counts[key] = held + 1
        return True

    def release(self, key: str) -> None:
        held = self._counts.get(key, 0)
        if held <= 1:
            self._counts.pop(key, None)  # memory stays bounded by what is open
        else:
            self._counts[key] = held - 1

    def __len__(self) -> int:
        return len(self._counts)


class WaitingPool(Generic[T]):
    """Connections that hold a place without running a session, at most
    `limit` of them.

    A newcomer always gets a place. When the pool is full it displaces, of
    the others, one that has come least far (`progress(item)`: e.g. silent,
    sent its version, logging in, logged in), and among those the oldest of
    the address holding the most places. So a flood of silent connections
    only displaces its own kind, a few busy addresses displace their own,
    and a client that has said hello is displaced only by connections that
    have come as far as it has.
    """

    def __init__(self, limit: int, progress: Callable[[T], Any] = lambda item: 0) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        self.limit = limit
        self.progress = progress
        self._entries: dict[T, str] = {}  # item -> address key, oldest first
        self._counts: dict[str, int] = {}

    def add(self, item: T, key: str) -> list[T]:
        """Enter `item` (newest); returns the entries it displaced, already removed."""
        self.discard(item)
        self._entries[item] = key
        self._counts[key] = self._counts.get(key, 0) + 1
        displaced: list[T] = []
        while len(self._entries) > self.limit:
            # min() keeps the first of equals: the oldest.
            victim = min(
                (i for i in self._entries if i is not item),
                key=lambda i: (self.progress(i), -self._counts[self._entries[i]]),
            )
            self.discard(victim)
            displaced.append(victim)
        return displaced

    def discard(self, item: T) -> None:
        key = self._entries.pop(item, None)
        if key is None:
            return
        if self._counts[key] <= 1:
            del self._counts[key]
        else:
            self._counts[key] -= 1

    def count(self, key: str) -> int:
        return self._counts.get(key, 0)

    def __contains__(self, item: object) -> bool:
        return item in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)


def human_duration(seconds: float) -> str:
    """'15 minutes', '8 hours', '90 seconds' — for messages shown to people."""
    seconds = int(round(seconds))
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
