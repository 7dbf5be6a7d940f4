"""PlainInput keeps the styles it draws its value's line with across edits.

Textual's Widget.refresh forgets a widget's component styles on every
repaint, so each key typed walked every ancestor's styles again to find the
cursor's colour (~10 % of a key's CPU, BENCHMARKS.md "Memory and CPU per
session through the SSH door"). A PlainInput keeps them while only its
value changes, and forgets them when its styles may have: a restyle (a
class, focus, a theme) or any repaint but an edit's.
"""
from __future__ import annotations

import asyncio

from rich.color import Color
from textual.app import App, ComposeResult
from textual.widget import Widget

from tui.shared.plain_input import PlainInput


class Form(App):
    CSS = """
    PlainInput { width: 30; }
    PlainInput > .input--cursor { background: rgb(0, 0, 255); }
    PlainInput.loud > .input--cursor { background: rgb(255, 0, 0); }
    """

    def compose(self) -> ComposeResult:
        yield PlainInput(id="field")


def cursor_colour(field: PlainInput) -> Color | None:
    """The background of the cell under the cursor, as the field draws it."""
    x = field.cursor_position
    for segment in field.render_line(0):
        if x < len(segment.text):
            return segment.style.bgcolor if segment.style else None
        x -= len(segment.text)
    return None


def calls_by_fields(monkeypatch, method: str) -> list[tuple]:
    """The arguments of each call of Widget.`method` on a PlainInput, from now on."""
    calls: list[tuple] = []
    textuals = getattr(Widget, method)

    def counted(self, *args, **kw):
        if isinstance(self, PlainInput):
            calls.append(args)
        return textuals(self, *args, **kw)

    monkeypatch.setattr(Widget, method, counted)
    return calls


def test_typing_works_out_the_cursor_style_once_and_a_restyle_again(monkeypatch):
    worked_out = calls_by_fields(monkeypatch, "get_component_rich_style")

    async def go() -> None:
        app = Form()
        async with app.run_test(size=(40, 5)) as pilot:
            field = app.query_one(PlainInput)
            field.focus()
            await pilot.press("a")
            await pilot.pause()
            worked_out.clear()
            await pilot.press("b", "c", "d", "backspace")
            await pilot.pause()
            assert field.value == "abc"
            assert worked_out.count(("input--cursor",)) <= 1, worked_out  # Textual's own: once a key
            assert cursor_colour(field) == Color.from_rgb(0, 0, 255)

            field.add_class("loud")  # a restyle: the cursor's colour changes
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            assert cursor_colour(field) == Color.from_rgb(255, 0, 0)

            field.styles.background = "green"  # an inline style: a repaint, not a restyle
            await pilot.pause()
            await pilot.press("f")
            await pilot.pause()
            assert field.rich_style == PlainInput.__mro__[1].rich_style.fget(field)  # Textual's, worked out now
            assert field.rich_style.bgcolor.triplet.green > 100

    asyncio.run(asyncio.wait_for(go(), 30))


def test_the_first_key_typed_into_a_field_does_not_restyle_it(monkeypatch):
    # Input.validate() marks a field "-valid" on its first edit: a restyle
    # and a repaint of the whole field, on the first key of every form.
    restyled = calls_by_fields(monkeypatch, "notify_style_update")

    async def go() -> None:
        app = Form()
        async with app.run_test(size=(40, 5)) as pilot:
            field = app.query_one(PlainInput)
            field.focus()
            await pilot.pause()
            restyled.clear()
            await pilot.press("a", "b")
            await pilot.pause()
            assert field.value == "ab"
            assert restyled == []

    asyncio.run(asyncio.wait_for(go(), 30))
