"""tui/textual_patches/sliced_paint.py: a new layout is painted in slices.

Without the patch Textual renders every visible widget's lines inside the
callback that laid the screen out. With it, the layout's callback renders
none; the lines are rendered over later loop callbacks (one widget each
here, with no time budget) and the frame is composed once all are in. Every
update the app sends is written to a terminal emulator (pyte): after each
step of the drive the terminal shows, cell by cell and colour by colour,
what a full repaint of the screen shows, and no frame is sent while a
pass is under way.
"""
from __future__ import annotations

import asyncio
import io

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Footer, Input, Static

from tests.pyte_terminal import Terminal
from tui.textual_patches import sliced_paint

SIZE = (70, 24)


class Room(Screen):
    BINDINGS = [("r", "more", "More rows")]
    CSS = "#side { width: 24; border: round $primary; } DataTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield Static("Riley Brooks · chart 1024", id="title")
        with Horizontal():
            with Vertical(id="side"):
                yield Static("Owner: Riley Brooks")
                yield Button("Resend invite", id="resend")
                yield Input(placeholder="note")
            table = DataTable(cursor_type="row")
            table.add_columns("Form", "State", "Due")
            table.add_rows([(f"PHQ-9 #{n}", "Completed" if n % 2 else "To do", f"2026-12-{n:02d}") for n in range(1, 25)])
            yield table
        yield Footer()

    def action_more(self) -> None:
        self.query_one(Vertical).mount(Static("A line added after the first paint"))


class Practice(App[None]):
    BINDINGS = [("o", "open", "Open")]

    def compose(self) -> ComposeResult:
        yield Static("Client list")

    def action_open(self) -> None:
        self.push_screen(Room())


@pytest.fixture
def patched(monkeypatch):
    """The patch installed for one test only (restored after it)."""
    monkeypatch.setattr(Screen, "_refresh_layout", sliced_paint._refresh_layout)
    monkeypatch.setattr(Screen, "_compositor_refresh", sliced_paint._compositor_refresh)


def _drive(monkeypatch, counts: dict[str, int] | None = None) -> dict[str, int]:
    """Open the room, add a line to it, leave it; compare the terminal after each step.

    Returns how many widget lines were rendered inside the layouts' own
    calls, how many layouts there were, and how many frames were sent."""
    counts = {} if counts is None else counts
    counts.update({"lines in layouts": 0, "layouts": 0, "frames": 0, "displays": 0})
    in_layout = {"on": False}
    textual_render_lines = Widget.render_lines
    textual_refresh_layout = sliced_paint._textual_refresh_layout
    textual_display = App._display

    def render_lines(self, crop):
        if in_layout["on"]:
            counts["lines in layouts"] += 1
        return textual_render_lines(self, crop)

    def refresh_layout(self, size=None, scroll=False):
        counts["layouts"] += 1
        in_layout["on"] = True
        try:
            textual_refresh_layout(self, size, scroll)
        finally:
            in_layout["on"] = False

    shown = Terminal(SIZE)
    console = Console(file=io.StringIO(), color_system="truecolor", force_terminal=True, width=SIZE[0])

    def display(self, screen, renderable) -> None:
        counts["displays"] += 1
        if renderable is not None and hasattr(renderable, "render_segments"):
            assert getattr(screen, "_sliced_paint", None) is None, "a frame sent in the middle of a pass"
            counts["frames"] += 1
            shown.stream.feed(renderable.render_segments(console))
        textual_display(self, screen, renderable)

    monkeypatch.setattr(Widget, "render_lines", render_lines)
    monkeypatch.setattr(App, "_display", display)
    if Screen._refresh_layout is sliced_paint._refresh_layout:
        monkeypatch.setattr(sliced_paint, "_textual_refresh_layout", refresh_layout)
    else:
        monkeypatch.setattr(Screen, "_refresh_layout", refresh_layout)

    def same_as_a_full_repaint(app: App, step: str) -> None:
        whole = Terminal(SIZE)
        whole.stream.feed(app.screen._compositor.render_update(full=True).render_segments(console))
        assert shown.cells() == whole.cells(), step

    async def go() -> None:
        app = Practice()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            counts["layouts"] = counts["lines in layouts"] = 0  # the first frame is Textual's own either way
            for key, step in (("o", "the room opened"), ("r", "a line added"), ("escape", "back")):
                if key == "escape":
                    app.pop_screen()
                else:
                    await pilot.press(key)
                for _ in range(5):
                    await pilot.pause()
                same_as_a_full_repaint(app, step)

    asyncio.run(asyncio.wait_for(go(), 30))
    return counts


def test_without_the_patch_the_layouts_callback_renders_every_line(monkeypatch) -> None:
    """Textual's own behaviour, which the patch changes (and whose picture it keeps)."""
    monkeypatch.setattr(Screen, "_refresh_layout", sliced_paint._textual_refresh_layout)
    monkeypatch.setattr(Screen, "_compositor_refresh", sliced_paint._textual_compositor_refresh)
    counts = _drive(monkeypatch)
    assert counts["layouts"] >= 2 and counts["lines in layouts"] > 10


def test_with_the_patch_no_line_is_rendered_in_a_layout_and_the_terminal_shows_the_same(monkeypatch, patched) -> None:
    counts = _drive(monkeypatch)
    assert counts["layouts"] >= 2 and counts["lines in layouts"] == 0 and counts["frames"] >= 3


def test_a_pass_of_one_widget_per_callback_paints_the_same(monkeypatch, patched) -> None:
    """No time budget: each loop callback renders one widget, the screen's
    own messages and timers running between them."""
    steps = {"n": 0, "ended": 0, "ended painting": 0}
    counts: dict[str, int] = {}
    textual_step = sliced_paint.PaintPass.step

    def step(self) -> None:
        steps["n"] += 1
        displays = counts["displays"]
        textual_step(self)
        if self.screen._sliced_paint is None and self.screen is self.screen.app.screen and self.screen.is_attached:
            steps["ended"] += 1  # the pass's last step, on screen: it paints
            steps["ended painting"] += counts["displays"] > displays

    monkeypatch.setattr(sliced_paint, "SLICE", 0.0)
    monkeypatch.setattr(sliced_paint.PaintPass, "step", step)
    _drive(monkeypatch, counts)
    assert counts["lines in layouts"] == 0 and steps["n"] > 20
    assert steps["ended"] >= 2 and steps["ended painting"] == steps["ended"]


def test_a_screen_popped_in_the_middle_of_its_pass_is_left_alone(monkeypatch, patched) -> None:
    monkeypatch.setattr(sliced_paint, "SLICE", 0.0)
    errors: list[BaseException] = []

    async def go() -> None:
        app = Practice()
        async with app.run_test(size=SIZE) as pilot:
            monkeypatch.setattr(app, "_handle_exception", errors.append)
            await pilot.pause()
            await pilot.press("o")
            room = app.screen
            await asyncio.sleep(0)  # its layout done, its pass started
            app.pop_screen()
            for _ in range(5):
                await pilot.pause()
            assert app.screen is not room and getattr(room, "_sliced_paint", None) is None
            assert str(app.screen.query_one(Static).render()) == "Client list"

    asyncio.run(asyncio.wait_for(go(), 30))
    assert errors == []
