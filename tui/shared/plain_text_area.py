"""A TextArea that never holds what the text rule removes (multi-line PlainInput).

A TextArea draws what it holds: an escape sequence pasted into it, or in a
file's text loaded into it, reached the terminal ("\\x1b[2J" cleared the
screen, OSC 52 could write the clipboard). Typed keys, pastes and loaded
text all go through `models.text.plain_lines`: newlines and tabs stay,
every other line break becomes a newline, escape sequences and the other
controls and invisible characters go. The domain cleans again on saving
(`models.text.clean_text`).

Its cursor does not blink, as PlainInput's (see there): a steady cursor
still shows where typing goes, and costs no repaint twice a second.
"""
from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import TextArea
from textual.widgets.text_area import EditResult, Location

from models.text import plain_lines


class PlainTextArea(TextArea):
    cursor_blink = reactive(False, init=False)

    def load_text(self, text: str) -> None:  # also `area.text = ...`
        super().load_text(plain_lines(text))

    def insert(self, text: str, location: Location | None = None, *, maintain_selection_offset: bool = True) -> EditResult:
        return super().insert(plain_lines(text), location, maintain_selection_offset=maintain_selection_offset)

    def replace(self, insert: str, start: Location, end: Location, *, maintain_selection_offset: bool = True) -> EditResult:
        # Keys and pastes come here. A paste of nothing but controls leaves a selection's text alone.
        clean = plain_lines(insert)
        if insert and not clean:
            end = start
        return super().replace(clean, start, end, maintain_selection_offset=maintain_selection_offset)
