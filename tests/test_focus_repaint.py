"""tui/textual_patches/focus_repaint.py: a focus change repaints what it restyles, not the screen.

Every update the app would send is written to a terminal emulator (pyte)
through a console with true colour; after each focus move the terminal must
show, cell by cell and colour by colour, what a full repaint of the screen
shows, and (with the patch) the move must not have sent a full update.
"""
from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, DataTable, Input, ListItem, ListView, Static

from tests.pyte_terminal import Terminal
from tui.textual_patches import focus_repaint

SIZE = (60, 30)


class FocusApp(App):
    CSS = """
    #box { height: auto; border: round $panel; }
    #box:focus-within { border: round $error; background: $boost; }
    DataTable, ListView { height: 4; }
    """

    def compose(self) -> ComposeResult:
        yield Input(placeholder="first")
        yield Button("Press")
        table = DataTable(cursor_type="row")
        table.add_columns("Form", "State")
        table.add_rows([("PHQ-9", "Completed"), ("GAD-7", "To do")])
        yield table
        yield ListView(ListItem(Static("one")), ListItem(Static("two")))
        with Vertical(id="box"):
            yield Static("Inside a box styled by :focus-within")
            yield Input(placeholder="inside")
        yield Input(placeholder="last")


def _drive() -> tuple[int, int]:
    """Tab through every field; returns (focus moves, full updates sent during them)."""

    async def go() -> tuple[int, int]:
        app = FocusApp()
        shown = Terminal(SIZE)
        console = Console(file=io.StringIO(), color_system="truecolor", force_terminal=True, width=SIZE[0])
        counting = {"full": 0, "on": False}
        textual_display = App._display

        def display(self, screen, renderable) -> None:
            from textual._compositor import LayoutUpdate

            if renderable is not None and hasattr(renderable, "render_segments"):
                if counting["on"] and isinstance(renderable, LayoutUpdate):
                    counting["full"] += 1
                shown.stream.feed(renderable.render_segments(console))
            textual_display(self, screen, renderable)

        App._display = display  # type: ignore[method-assign]
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                moves = 0
                counting["on"] = True
                for _ in range(8):
                    await pilot.press("tab")
                    await pilot.pause()
                    moves += 1
                    whole = Terminal(SIZE)
                    whole.stream.feed(app.screen._compositor.render_update(full=True).render_segments(console))
                    assert shown.cells() == whole.cells(), f"after move {moves} to {app.focused!r}"
                counting["on"] = False
                return moves, counting["full"]
        finally:
            App._display = textual_display  # type: ignore[method-assign]

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_without_the_patch_each_focus_move_repaints_the_whole_screen() -> None:
    """Textual's own behaviour, which the patch changes (and whose picture it keeps)."""
    focused = focus_repaint.Screen.__dict__["focused"]
    kept = focused._repaint
    focused._repaint = True
    try:
        moves, full = _drive()
    finally:
        focused._repaint = kept
    assert full == moves


def test_with_the_patch_the_terminal_shows_the_same_without_a_full_update() -> None:
    focused = focus_repaint.Screen.__dict__["focused"]
    kept = focused._repaint
    focus_repaint.install()
    try:
        moves, full = _drive()
    finally:
        focused._repaint = kept  # as this test process had it (apps installed it or not)
    assert moves == 8 and full == 0
