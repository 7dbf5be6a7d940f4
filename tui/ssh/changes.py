"""Waiting for the door's state to change, without polling.

The door and the zygote launcher call `notify()` whenever something others
may wait for has changed: a session's slot was released (its app already
reaped), a connection closed, a zygote became ready, died, finished its
warm-up or was reaped. `wait_for()` wakes on those notifications only and
checks its condition each time.
"""
from __future__ import annotations

import asyncio
from typing import Callable


class Changes:
    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake every waiter (call on the event loop's thread)."""
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float) -> None:
        """Until `predicate()` holds; raises TimeoutError after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            while not predicate():
                waiter = loop.create_future()
                self._waiters.add(waiter)
                try:
                    await waiter
                finally:
                    self._waiters.discard(waiter)
