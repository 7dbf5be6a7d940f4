"""What a key costs in a PlainInput or PlainTextArea (BENCHMARKS.md, "Keystroke CPU").

The fields do not blink (a blink repaints the field twice a second in every
open session), an edit lays out nothing (Textual's Input lays out the whole
screen on each one), and a PlainInput still scrolls and draws exactly as
Textual's Input does. That an edit repaints only the value's line is
checked in a real terminal (tests/kiosk/test_real_terminal.py).
"""
from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Input

from tui.shared.plain_input import PlainInput
from tui.shared.plain_text_area import PlainTextArea


class CountedInput(PlainInput):
    renders = 0

    def render_line(self, y: int):
        self.renders += 1
        return super().render_line(y)


class CountedArea(PlainTextArea):
    renders = 0

    def render_line(self, y: int):
        self.renders += 1
        return super().render_line(y)


class Fields(App):
    CSS = "Input { width: 30; } PlainTextArea { height: 4; }"

    def compose(self) -> ComposeResult:
        yield CountedInput(id="plain")
        yield Input(id="textual")
        yield CountedArea(id="area")


def run(test) -> None:
    async def go() -> None:
        app = Fields()
        async with app.run_test(size=(60, 16)) as pilot:
            await test(app, pilot)

    asyncio.run(asyncio.wait_for(go(), 30))


def test_a_focused_field_is_not_repainted_while_nobody_types():
    async def test(app: Fields, pilot) -> None:
        for field in (app.query_one(CountedInput), app.query_one(CountedArea)):
            field.focus()
            await pilot.pause(0.1)
            field.renders = 0
            await pilot.pause(1.2)  # a blinking cursor would have been drawn twice
            assert field.renders == 0, type(field).__name__
            assert field.cursor_blink is False

    run(test)


def test_typing_into_a_plain_input_lays_out_nothing():
    async def test(app: Fields, pilot) -> None:
        layouts = []
        app.screen.screen_layout_refresh_signal.subscribe(app.screen, layouts.append)
        for field_id, expected in (("#plain", 0), ("#textual", 1)):
            app.query_one(field_id).focus()
            await pilot.pause()
            layouts.clear()
            await pilot.press(*"typed", "backspace")
            await pilot.pause()
            # Textual's own Input is the control: the signal does show its layouts.
            assert (len(layouts) >= 1) if expected else (layouts == []), field_id

    run(test)


def test_a_long_value_scrolls_and_draws_as_textuals_input_does():
    async def test(app: Fields, pilot) -> None:
        plain, textual = app.query_one("#plain", Input), app.query_one("#textual", Input)
        plain.select_on_focus = textual.select_on_focus = False  # each step goes on from the last
        steps = [list("the quick brown fox jumps over the lazy dog again"), ["home"], ["end"],
                 ["backspace"] * 30, ["left"] * 5, ["x"]]
        for keys in steps:
            seen = []
            for field in (plain, textual):
                field.focus()
                await pilot.pause()
                await pilot.press(*keys)
                await pilot.pause()
                seen.append((field.value, field.scroll_offset, field.render_line(0).text))
            assert seen[0] == seen[1], keys
        assert plain.value == "the quick browxn fox"

    run(test)
