"""Invitation links waiting for their page: `/r/CODE` exchanged for a cookie.

The first request of a link stores its code here under a random token and
sets that token as a cookie; the page's websocket then takes the code once
(`take`). The code itself never becomes the cookie, never stays in a URL,
and lives here for minutes at most. Memory stays bounded: at most
`max_pending` links wait at once (the oldest is dropped for a newcomer).
"""
from __future__ import annotations

import re
import secrets
import time
from typing import Callable

LINK_SECONDS = 10 * 60
MAX_PENDING = 1000
# What a link's path segment may carry to the kiosk: a code's letters, digits
# and dashes, no longer than a code can be typed (tui.ssh.apps.CODE_RE).
_NOT_CODE = re.compile(r"[^A-Za-z0-9-]")
MAX_CODE_CHARS = 40
# Handed to the kiosk for a link token that is unknown, used or expired (a
# link's cookie sent again): it is never a code (models.codes.normalize wants
# 16 characters), so the kiosk answers with the same bad-code message as for
# any other code that cannot be used, and the field says why.
STALE_LINK_CODE = "USED-LINK"


def code_from_path(segment: str) -> str:
    """The code part of `/r/<segment>`: only code characters, not starting
    with a dash, at most 40 ('' when nothing is left): what the SSH door
    takes in `register+CODE` (tui.ssh.apps.CODE_RE). The kiosk judges it."""
    return _NOT_CODE.sub("", segment).lstrip("-")[:MAX_CODE_CHARS]


class PendingLinks:
    """Codes waiting for their websocket, keyed by a random token."""

    def __init__(
        self,
        ttl: float = LINK_SECONDS,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_pending = max_pending
        self.clock = clock
        self._pending: dict[str, tuple[str, float]] = {}  # token -> (code, expires), oldest first

    def add(self, code: str) -> str:
        """Keep `code` for one use; returns the token for the cookie."""
        now = self.clock()
        self._forget_expired(now)
        while len(self._pending) >= self.max_pending:
            del self._pending[next(iter(self._pending))]
        token = secrets.token_urlsafe(32)
        self._pending[token] = (code, now + self.ttl)
        return token

    def take(self, token: str) -> str | None:
        """The code for `token`, once; None when unknown, used or expired."""
        entry = self._pending.pop(token, None)
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    def _forget_expired(self, now: float) -> None:
        for token in [t for t, (_, expires) in self._pending.items() if expires <= now]:
            del self._pending[token]

    def __len__(self) -> int:
        return len(self._pending)
