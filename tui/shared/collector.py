"""Python's full garbage collections, moved to the moments no one is waiting.

A full collection walks every object the process made since its last
`gc.freeze()`: a screen's widgets, their styles and the strips Textual keeps
of every line drawn (each strip holds seven small caches), tens of
thousands of objects in a chart room or the kiosk's dashboard. Left to
Python, one starts whenever enough objects have outlived two young
collections, i.e. in the middle of building or painting a screen: the
loop_lag bench saw them at 16-45 ms of the loop thread's CPU each (two or
three per drive, on the shared 2-core machine), alone over the 30 ms
budget of a callback.

`install(app)` takes full collections from Python (the young ones, a few ms
at most, stay automatic) and runs them from a one-second timer once the
person has pressed nothing for `QUIET` seconds, and only when Python would
have been due one (as many young collections since the last full one as its
own threshold asks). A person who never pauses still gets one when the
count reaches `CEILING` times that threshold, so cyclic garbage is bounded
either way.

Input is seen through `App.message_signal` (every message the app gets:
keys, mouse and paste reach the app first), so neither app carries code for
it; the clock is injectable for tests.
"""
from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message

QUIET = 3.0          # seconds with no key, click or paste before a full collection may run
CHECK_EVERY = 1.0    # how often the app's timer looks
CEILING = 10         # x Python's own threshold: collect then even while the person types
PYTHON_DUE = 10      # Python's default full-collection threshold (gc.get_threshold()[2])
OFF = 1 << 30        # a full-collection threshold Python never reaches


def give_back() -> None:
    """Python starts full collections again (a process that outlives its app:
    a test run; tests/conftest.py calls it after each test)."""
    young, middle, full = gc.get_threshold()
    if full == OFF:
        gc.set_threshold(young, middle, PYTHON_DUE)


@dataclass
class IdleCollector:
    """When to collect: told of input by the app's message signal, asked by its timer."""

    now: Callable[[], float] = time.monotonic
    quiet: float = QUIET
    due_after: int = PYTHON_DUE
    last_input: float = field(init=False)
    collections: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.last_input = self.now()

    @staticmethod
    def take_over() -> None:
        """Python stops starting full collections; the young ones stay automatic."""
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, OFF)

    def seen(self, message: Message) -> None:
        if isinstance(message, (events.InputEvent, events.Paste)):
            self.last_input = self.now()

    def should_collect(self, pending: int) -> bool:
        """`pending`: young-generation collections since the last full one (gc.get_count()[2])."""
        if pending < self.due_after:
            return False
        return self.now() - self.last_input >= self.quiet or pending >= CEILING * self.due_after

    def tick(self) -> None:
        if self.should_collect(gc.get_count()[2]):
            gc.collect()
            self.collections += 1


def install(app: App, *, now: Callable[[], float] = time.monotonic) -> IdleCollector:
    """Run `app`'s full collections in its quiet moments (call it on the app's
    loop, once it runs). The app's timer stops with the app; Python's own
    full collections stay off for the rest of the process (one app a
    process, as the product runs) unless `give_back()` is called."""
    collector = IdleCollector(now=now)
    collector.take_over()
    app.message_signal.subscribe(app, collector.seen, immediate=True)
    app.set_interval(CHECK_EVERY, collector.tick, name="idle-collector")
    return collector
