"""Answers that must take the same time whatever they found.

A request whose work differs with the secret it looks up (does this email
belong to a client?) is padded to a fixed floor, so its timing says nothing.
The floor sits well above the work's own time; the monotonic clock and the
sleep are injectable, so tests check the deadline without waiting for it.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator


class Pace:
    def __init__(
        self,
        seconds: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.seconds = seconds
        self.monotonic = monotonic
        self.sleep = sleep

    @contextmanager
    def floor(self) -> Iterator[None]:
        """The block, then a wait until `seconds` have passed since it began
        (also when it raised)."""
        deadline = self.monotonic() + self.seconds
        try:
            yield
        finally:
            left = deadline - self.monotonic()
            if left > 0:
                self.sleep(left)
