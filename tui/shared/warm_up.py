"""What an app makes ready once its first frame is out, off the moments a person waits.

A screen shown for the first time costs the event loop twice over. Its
modules are imported there and then (the staff client list brings the forms
views, the chart room every tab: 30-40 ms each on the loop; the kiosk's
dashboard the records and forms). And Textual reads its stylesheet into the
app's, then restyles every widget of every screen on the stack (the staff
app's owner menu over a chart room: ~25 ms). `after_first_frame` does both
ahead, while the person reads the first screen: it reads every stylesheet of
the app's package at once (one restyle, of the first screen only), then
imports the modules the next screens need in a thread worker (the loop goes
on; the import shares the interpreter with it in slices). Through the doors
the zygote has imported them all already, and no worker starts (its thread
cost each session 0.3 MiB of its own memory).

Figures: BENCHMARKS.md, "Start-up and event-loop lag".
"""
from __future__ import annotations

import gc
import importlib
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from rich.cells import cell_len

from tui.shared import collector

if TYPE_CHECKING:
    from textual.app import App


def read_stylesheets(app: App, folder: Path) -> None:
    """Read every .tcss under `folder` into the app's stylesheet, once; a
    screen whose CSS_PATH is among them then shows without a reparse."""
    changed = False
    for path in sorted(folder.rglob("*.tcss")):
        if not app.stylesheet.has_source(str(path), ""):
            app.stylesheet.read(path)
            changed = True
    if changed:
        app.stylesheet.reparse()
        app.stylesheet.update(app)


# Imported by Textual and Rich inside a screen's first layout and paint, on
# the loop (the loop_lag drives caught them there): the scroll bars of the
# first scrolling widget, and Rich's emoji table, which its markup loads for
# the first cell or line with a ":" in it ("10:00 AM").
FIRST_LAYOUT_MODULES = ("textual.scrollbar", "rich._emoji_codes")


def import_modules(names: Sequence[str]) -> None:
    """Import `names` (in a worker thread). One that fails is left for the
    screen that needs it, whose own import then says what is wrong.

    The collector is paused meanwhile, and what exists afterwards is frozen
    (`gc.freeze()`: full collections skip it): the modules live as long as
    the process, and without the freeze every later full collection walked
    them again, 30-45 ms of the loop's CPU each (tens of thousands of
    objects), one every few screens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for name in (*names, *FIRST_LAYOUT_MODULES):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - see the docstring
                continue
        # Rich's table of character widths, loaded on the first character
        # outside ASCII it measures ("…" in a cut-short cell, "·" in a line).
        cell_len("…")
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def after_first_frame(app: App, folder: Path, modules: Sequence[str]) -> None:
    """From the app's on_mount: once the first frame is out, read the
    stylesheets under `folder`, then import `modules` in a thread worker."""

    def warm_up() -> None:
        collector.install(app)  # full collections in the person's pauses, not mid-screen
        read_stylesheets(app, folder)
        if all(name in sys.modules for name in modules):
            return  # forked from the zygote: nothing to import, so no thread
        app.run_worker(partial(import_modules, tuple(modules)), name="warm-up", group="warm-up",
                       thread=True, exit_on_error=False)

    app.call_after_refresh(warm_up)


def type_in_a_form() -> int:
    """For the doors' zygote (its DEFAULT_PRELOAD calls it before the first
    fork): run a small form headless and type into it; returns the keys
    typed. What a screen and a keystroke run is then specialised by the
    interpreter, and what Textual builds lazily per class exists, in the
    zygote's heap, shared by every app it forks: each session writes fewer
    of the zygote's pages (0.3-0.5 MiB less unique memory per SSH session,
    BENCHMARKS.md "Memory and CPU per session through the SSH door"). No
    database, no app of ours: only the widgets every form uses. It leaves no
    thread behind (the zygote forks only while it has one)."""
    import asyncio

    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import Button, Static

    from tui.shared.plain_input import PlainInput

    keys = [*"abcdefghij" * 2, "backspace", "backspace", "tab", "x"]

    class Form(App):
        def compose(self) -> ComposeResult:
            yield Static("Practice")
            with Vertical():
                yield Static("Log in")
                yield PlainInput(placeholder="name@example.com")
                yield PlainInput(password=True)
                yield Button("Log in")
            yield Static("Esc Back")

    async def run() -> None:
        async with Form().run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("tab", *keys)
            await pilot.pause()

    asyncio.run(run())
    return len(keys) + 1
