"""Starting an app without the garbage collector in the way.

Before an app's first frame, Python's collector mostly walks objects that
will live as long as the process: modules, classes and functions being
imported, and the app's first screen and widgets. A full collection that
landed before the kiosk's first frame took ~50 ms, and the young-generation
ones during the imports add up to ~20 ms more.

`collector_paused()` turns the collector off while the app's modules import
and the app is built, then freezes what exists (`gc.freeze()`: later
collections skip it) and, unless told to keep it off, turns it back on.
`run_app` keeps it off until the app's first frame is out (the first
screen's compose, styles, layout and render make ~100k objects, most of
them the screen itself: 0.025 G instructions of collections, 3 % of a
minimal Textual app's start, and the counts moved by up to 0.04 G with
where the thresholds fell; BENCHMARKS.md, "Start-up and event-loop lag"),
then turns it on. The garbage those steps leave is small and stays until
the process ends.
"""
from __future__ import annotations

import gc
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from textual.app import App


@contextmanager
def collector_paused(keep_off: bool = False) -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled and not keep_off:
            gc.enable()


def run_app(build: Callable[[], "App"]) -> None:
    """Build an app (its imports inside `build`) with the collector paused,
    then run it; the collector resumes once the first frame is out.

    Except in an app the doors' zygote forked (Textual is imported already):
    there the imports are done and counted nowhere, and a collector kept off
    through the first screen leaves that screen's garbage in pages of the
    session's own: 1.5 MiB of its unique memory (22.7 -> 21.1 MiB per SSH
    session, BENCHMARKS.md, "Memory and CPU per session"). It collects from
    the start."""
    collecting = gc.isenabled()
    forked = "textual.app" in sys.modules  # a fresh `portal kiosk` imports Textual in build()
    with collector_paused(keep_off=not forked):
        app = build()
    if collecting and not forked:
        # Queued before the app runs; Textual calls it after the first screen
        # has been refreshed, i.e. once the first frame is written.
        app.call_after_refresh(gc.enable)
    from tui.textual_patches import install_all

    install_all()
    app.run()
