"""Staff app tests: a real database, a frozen clock, no animations or blinking cursors."""
from __future__ import annotations

import asyncio
import contextlib

import pytest
from textual.widgets import Input
from textual.worker import WorkerError

SIZE = (100, 36)


@pytest.fixture(autouse=True)
def quiet_textual(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("PORTAL_SESSION_SOURCE", "workstation")
    monkeypatch.setattr(Input, "cursor_blink", False)


def drive(coro_fn, *args, timeout: float = 30):
    """Run an async Pilot scenario from a plain test."""
    return asyncio.run(asyncio.wait_for(coro_fn(*args), timeout))


# The staff app's flows (async workers that wait for a person's answer in a
# modal) are in this group; settling never waits for them.
FLOW_GROUP = "flow"


async def settle(app, pilot, delay: float = 0.0):
    """Let timers, workers and screen switches finish.

    A worker's answer may start another worker (an action, then the reads of
    the tabs it changed), so this waits until two looks in a row find no
    database worker running; a flow waiting on a modal is left waiting.
    """
    if delay:
        await pilot.pause(delay)
    idle = 0
    while idle < 2:
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished and w.group != FLOW_GROUP]
        if not busy:
            idle += 1
            continue
        idle = 0
        for worker in busy:
            with contextlib.suppress(WorkerError):  # failed or cancelled: the test looks at what shows
                await worker.wait()
