"""tui.ssh.changes: waiting wakes on notify only, and gives up after its timeout."""
from __future__ import annotations

import asyncio

import pytest

from tui.ssh.changes import Changes


def test_wait_for_wakes_on_notify_and_checks_again():
    async def body():
        changes = Changes()
        state = {"n": 0}
        waiting = asyncio.create_task(changes.wait_for(lambda: state["n"] >= 2, 5))
        for _ in range(2):
            await asyncio.sleep(0)  # let the waiter check and park
            assert not waiting.done()
            state["n"] += 1
            changes.notify()
        await asyncio.wait_for(waiting, 1)

    asyncio.run(body())


def test_wait_for_times_out_without_a_change():
    async def body():
        changes = Changes()
        with pytest.raises(TimeoutError):
            await changes.wait_for(lambda: False, 0.01)
        assert not changes._waiters  # nothing left parked

    asyncio.run(body())
