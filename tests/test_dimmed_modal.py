"""tui/shared/dimmed_modal.py: a dialog over the screen below looks as Textual draws it.

DimmedModal blends each style of the screen below once instead of once a
segment; the cells and colours must be Textual's own, link and meta
cleared as Textual clears them (a click on the dimmed screen below does
nothing).
"""
from __future__ import annotations

import asyncio

from rich.style import Style
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Static

from tui.shared.dimmed_modal import DimmedModal, TintedScreenBelow


class Below(Screen):
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield DataTable()
            with Vertical():
                for i in range(6):
                    yield Static(f"[b]Field {i}[/b]: [green]value[/] [@click=app.bell]link[/]", classes="box")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "State")
        for i in range(30):
            table.add_row(f"Person {i}", "[red]Bounced[/]" if i % 3 else "Sent")


DIALOG_CSS = """
#dialog { width: 50; height: auto; border: thick $primary; background: $surface; }
"""


class TextualsDialog(ModalScreen[bool]):
    DEFAULT_CSS = "TextualsDialog { align: center middle; }" + DIALOG_CSS

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Resend the invitation?")
            yield Button("Resend")


class OurDialog(DimmedModal[bool]):
    DEFAULT_CSS = "OurDialog { align: center middle; }" + DIALOG_CSS

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Resend the invitation?")
            yield Button("Resend")


class Practice(App[None]):
    CSS = ".box { border: round $accent; height: 3; }"


Shown = list[list[tuple[str, Style | None]]]


def screen_over_below(dialog_type: type[Screen], change_below: bool = False) -> Shown:
    """What the app shows, cell run by cell run, with `dialog_type` over
    Below; `change_below`: after the screen below changed under the dialog."""

    async def go() -> Shown:
        app = Practice()
        async with app.run_test(size=(80, 24)) as pilot:
            below = Below()
            await app.push_screen(below)
            await pilot.pause()
            await app.push_screen(dialog_type())
            await pilot.pause()
            app.screen.refresh()  # drawn again for its own sake (as on resume): the same below
            await pilot.pause()
            if change_below:
                below.query(".box").first().update("Changed under the dialog")
                below.query_one(DataTable).add_row("Person new", "Sent")
                await pilot.pause()
                await pilot.pause()
            return [[(seg.text, seg.style) for seg in strip] for strip in app.screen._compositor.render_strips()]

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_the_dialog_and_the_dimmed_screen_below_are_textuals_own():
    ours, textuals = screen_over_below(OurDialog), screen_over_below(TextualsDialog)
    assert ours == textuals
    assert any(style is not None and style.bgcolor is not None for line in ours for _, style in line)


def test_what_changes_below_the_dialog_shows_through_it():
    ours, textuals = screen_over_below(OurDialog, True), screen_over_below(TextualsDialog, True)
    assert ours == textuals
    assert "Changed under the dialog" in "".join(text for line in ours for text, _ in line)


def test_each_style_blends_as_textual_blends_it():
    tint = Color(10, 20, 30, 0.6)
    styles = [None, Style(), Style(color="red"), Style(bgcolor="#336699", bold=True),
              Style(color="#aabbcc", bgcolor="black", link="https://example.org"), Style.from_meta({"@click": "x"})]
    from rich.segment import Segment

    segments = [Segment("ab", s) for s in styles] + [Segment("\n")]
    assert list(TintedScreenBelow.process_segments(segments * 2, tint)) == \
        list(BackgroundScreen.process_segments(segments * 2, tint))
    clear = Color(0, 0, 0, 0)
    assert list(TintedScreenBelow.process_segments(segments, clear)) == \
        list(BackgroundScreen.process_segments(segments, clear))
