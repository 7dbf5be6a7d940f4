"""tui/textual_patches/strip_caches.py: a Strip's caches made on first use.

Textual made seven FIFOCaches with every Strip (every line drawn), most
never used, and each one more object for Python's full collections to
walk. With the patch a drawn screen's strips hold far fewer caches, the
screen's lines are the same, and a cache a method asks for is made, used
and kept.
"""
from __future__ import annotations

import asyncio
import gc

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.cache import FIFOCache
from textual.containers import VerticalScroll
from textual.strip import Strip
from textual.widgets import Button, DataTable, Input, Label

from tui.textual_patches import strip_caches


class Screenful(App):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for i in range(12):
                yield Label(f"Line {i}: some words to draw")
            yield Input(placeholder="a field")
            yield Button("A button")
            table: DataTable = DataTable()
            table.add_columns("A", "B")
            for i in range(10):
                table.add_row(f"a{i}", f"b{i}")
            yield table


def _caches() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is FIFOCache)


def draw() -> tuple[list[list[tuple]], int]:
    """The screen's lines (segments), and how many more FIFOCaches were alive after drawing
    it than before (the test process may hold others' from earlier tests)."""
    async def run() -> tuple[list[list[tuple]], int]:
        before = _caches()
        app = Screenful()
        async with app.run_test(size=(60, 30)) as pilot:
            await pilot.pause()
            lines = [[(s.text, s.style) for s in strip] for strip in app.screen._compositor.render_strips()]
            return lines, _caches() - before

    return asyncio.run(run())


def test_a_drawn_screen_holds_fewer_caches_and_the_same_lines() -> None:
    strip_caches.uninstall()
    textuals, textual_caches = draw()
    strip_caches.install()
    try:
        ours, our_caches = draw()
    finally:
        strip_caches.uninstall()
    assert ours == textuals
    assert any("Line 3" in text for line in ours for text, _ in line)
    assert our_caches < textual_caches / 3, (our_caches, textual_caches)


def test_a_cache_is_made_when_asked_and_kept() -> None:
    strip_caches.install()
    try:
        strip = Strip([Segment("hello world", Style(bold=True))])
        assert all(name not in dir(strip) or _unset(strip, name) for name in strip_caches.SIZES)
        left, right = strip.divide([5, 11])
        assert (left.text, right.text) == ("hello", " world")
        assert strip.divide([5, 11])[0] is left  # the same cache, kept
        assert isinstance(Strip.__dict__["_divide_cache"].slot.__get__(strip, Strip), FIFOCache)
        assert strip.apply_style(Style(italic=True)) is strip.apply_style(Style(italic=True))
        assert strip.crop(0, 5).text == "hello"
        assert strip.adjust_cell_length(14).text == "hello world   "
    finally:
        strip_caches.uninstall()
    # Strips made while installed still work after.
    assert strip.crop_extend(0, 3, None).text == "hel"


def _unset(strip: Strip, name: str) -> bool:
    try:
        Strip.__dict__[name].slot.__get__(strip, Strip)
    except AttributeError:
        return True
    return False
