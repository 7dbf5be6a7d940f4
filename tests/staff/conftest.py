"""Staff app tests: a real database, a frozen clock, no animations or blinking cursors."""
from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input

SIZE = (100, 36)


@pytest.fixture(autouse=True)
def quiet_textual(monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("PORTAL_SESSION_SOURCE", "workstation")
    monkeypatch.setattr(Input, "cursor_blink", False)


def drive(coro_fn, *args, timeout: float = 30):
    """Run an async Pilot scenario from a plain test."""
    return asyncio.run(asyncio.wait_for(coro_fn(*args), timeout))


async def settle(app, pilot, delay: float = 0.0):
    """Let timers, workers and screen switches finish."""
    if delay:
        await pilot.pause(delay)
    await app.workers.wait_for_complete()
    await pilot.pause()
