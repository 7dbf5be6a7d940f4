"""tui/shared/collector.py: full collections wait for the person's pause.

A full collection walks everything made since the last freeze; started by
Python in the middle of a screen's build it held the loop 16-45 ms of CPU
(BENCHMARKS.md, "Loop lag: layout, painting and the collector").
"""
from __future__ import annotations

import asyncio
import gc

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.shared import collector
from tui.shared.collector import CEILING, QUIET, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def full_collections_while_allocating() -> int:
    """How many full collections Python starts while a screen's worth of
    long-lived objects (and more) is made."""
    started = []

    def note(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            started.append(info)

    gc.callbacks.append(note)
    try:
        keep = [[i] for i in range(600_000)]
        del keep
    finally:
        gc.callbacks.remove(note)
    return len(started)


def test_python_starts_no_full_collection_once_taken_over(thresholds):
    gc.set_threshold(700, 10, 10)
    assert full_collections_while_allocating() > 0  # what happens without it
    IdleCollector.take_over()
    assert full_collections_while_allocating() == 0
    assert gc.get_threshold()[:2] == (700, 10)  # the young collections stay automatic
    collector.give_back()
    assert gc.get_threshold() == (700, 10, 10)
    assert full_collections_while_allocating() > 0


def test_collects_only_when_due_and_after_a_quiet_moment():
    clock = Clock()
    idle = IdleCollector(now=clock)
    idle.seen(_key())
    clock.t += QUIET - 0.1
    assert not idle.should_collect(pending=50)  # the person may still be typing
    clock.t += 0.1
    assert idle.should_collect(pending=10)
    assert not idle.should_collect(pending=9)  # Python would not have been due one either
    idle.seen(_key())
    assert not idle.should_collect(pending=10)


def test_a_person_who_never_pauses_still_gets_collections():
    clock = Clock()
    idle = IdleCollector(now=clock)
    idle.seen(_key())
    assert not idle.should_collect(pending=CEILING * idle.due_after - 1)
    assert idle.should_collect(pending=CEILING * idle.due_after)


def _key():
    from textual import events

    return events.Key("a", "a")


class Typing(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


def test_keys_reach_the_collector_through_the_app(thresholds):
    clock = Clock()

    async def go() -> IdleCollector:
        app = Typing()
        async with app.run_test() as pilot:
            idle = collector.install(app, now=clock)
            clock.t += 10
            assert idle.should_collect(pending=10)
            await pilot.press("x")
            assert idle.last_input == clock.t
            assert not idle.should_collect(pending=10)
        return idle

    asyncio.run(asyncio.wait_for(go(), 30))
