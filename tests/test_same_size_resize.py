"""tui/textual_patches/same_size_resize.py: a shown screen is laid out once.

Without the patch Textual lays a pushed screen out twice at the same size
(the second time for the Resize its own first layout posted to it), and a
dialog's push lays out the whole screen below it again.
"""
from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

from tui.textual_patches import same_size_resize


class Room(Screen):
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("A chart", id="title")
            yield DataTable()
        yield Footer()


class Dialog(ModalScreen[None]):
    DEFAULT_CSS = "Dialog { align: center middle; } #box { width: 40; height: 5; }"

    def compose(self) -> ComposeResult:
        yield Static("Resend the invitation?", id="box")


class Practice(App[None]):
    pass


def layouts(patched: bool, monkeypatch) -> tuple[Counter, Counter, tuple[int, int]]:
    """Layouts for a Resize, per screen type: pushing Room, then Dialog over it; then a resize."""
    counts: Counter[str] = Counter()
    original = same_size_resize._textual_screen_resized

    def counted(self: Screen, size) -> None:
        counts[type(self).__name__] += 1
        original(self, size)

    if patched:
        monkeypatch.setattr(same_size_resize, "_textual_screen_resized", counted)
        same_size_resize.install()
    else:
        monkeypatch.setattr(Screen, "_screen_resized", counted)

    async def go() -> tuple[Counter, Counter, tuple[int, int]]:
        app = Practice()
        async with app.run_test(size=(80, 24)) as pilot:
            await app.push_screen(Room())
            await pilot.pause()
            room = app.screen
            await app.push_screen(Dialog())
            await pilot.pause()
            shown = Counter(counts)
            await pilot.resize_terminal(90, 30)
            await pilot.pause()
            await pilot.pause()
            resized = Counter(counts) - shown
            title = room.query_one("#title")
            return shown, resized, (room._compositor.size.width, title.region.width)

    return asyncio.run(asyncio.wait_for(go(), 30))


@pytest.fixture
def restore():
    yield
    same_size_resize.install()  # as tui.startup's run_app leaves it, or not installed at all: harmless


def test_a_pushed_screen_and_the_screen_below_a_dialog_are_not_laid_out_again(monkeypatch, restore):
    shown, _, _ = layouts(True, monkeypatch)
    assert shown["Room"] == shown["Dialog"] == 0  # (the app's first screen: its start-up size)


def test_without_the_patch_textual_lays_them_out_again(monkeypatch, restore):
    shown, _, _ = layouts(False, monkeypatch)
    assert shown["Room"] >= 2  # for its own first layout's Resize, and again for the dialog's
    assert shown["Dialog"] >= 1


def test_a_resized_terminal_still_lays_the_screens_out_at_the_new_size(monkeypatch, restore):
    _, resized, (room_width, title_width) = layouts(True, monkeypatch)
    assert resized["Dialog"] >= 1 and resized["Room"] >= 1
    assert room_width == 90 and title_width == 90
