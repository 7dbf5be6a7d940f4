"""tui/textual_patches/render_rows.py: a partial update renders its rows only.

A key typed into a field changes one row of the screen. Textual asked every
widget whose clip overlaps that row for all of its lines (the docked header
and footer too, whose clip is the screen); with the patch each widget is
asked for the updated row only, and the docked ones not at all. That the
terminal still gets the same screen is checked in a real terminal
(tests/kiosk/test_real_terminal.py: the typed-into form against a full
repaint of it).
"""
from __future__ import annotations

import asyncio
from collections import Counter

from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.shared.plain_input import PlainInput
from tui.textual_patches import render_rows

asked: Counter[str] = Counter()  # widget id -> lines asked for


class Counted:
    def render_lines(self, crop):
        asked[self.id] += crop.height
        return super().render_lines(crop)


class CountedStatic(Counted, Static):
    pass


class CountedScroll(Counted, VerticalScroll):
    pass


class Form(App):
    CSS = "#top { dock: top; height: 1; } #bottom { dock: bottom; height: 1; } #page { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield CountedStatic("Practice", id="top")
        with CountedScroll(id="page"):
            yield CountedStatic("Log in to your portal", id="title")
            yield PlainInput(id="email")
            yield CountedStatic("Password", id="after")
        yield CountedStatic("Esc Back", id="bottom")


def lines_asked_for_a_key() -> Counter[str]:
    async def go() -> Counter[str]:
        app = Form()
        async with app.run_test(size=(60, 20)) as pilot:
            app.query_one(PlainInput).focus()
            await pilot.pause()
            asked.clear()
            await pilot.press("q")
            await pilot.pause()
            assert app.query_one(PlainInput).value == "q"
            return Counter(asked)

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_a_key_in_a_field_asks_other_widgets_for_its_row_only(monkeypatch):
    # (another test in this process may have installed the patch: each measure sets its own)
    monkeypatch.setattr(Compositor, "_get_renders", render_rows._textual_get_renders)
    textual = lines_asked_for_a_key()
    # Textual's own: the docked header and footer, and the whole page, are drawn for one row.
    assert textual["top"] and textual["bottom"] and textual["page"] > 1, textual

    render_rows.install()
    patched = lines_asked_for_a_key()
    assert patched["top"] == patched["bottom"] == patched["title"] == patched["after"] == 0, patched
    # ...and the page behind the field not at all: the field draws the whole updated row span.
    assert patched["page"] == 0, patched
