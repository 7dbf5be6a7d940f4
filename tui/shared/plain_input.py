"""An Input that never holds what the text rule removes.

A paste can carry escape sequences, bidi overrides and zero-width
characters; an Input draws its value as it is, so they would reach the
terminal, and be stored. Every form field in the apps is a PlainInput: what
is typed or pasted goes through `models.text.without_controls` (escape
sequences go whole, the rest keeps its order), so the field shows what the
domain will store.

A paste of several lines becomes one line, its line breaks spaces (Input
keeps only the first line and drops the rest). That a terminal's bracketed
paste reaches the field whole and in order is `tui.textual_patches.terminal_input`'s job.
"""
from __future__ import annotations

import unicodedata

from textual import events
from textual.widgets import Input

from models.text import MAX_MARKS, spaced_lines, without_controls


class PlainInput(Input):
    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of Input's, which keeps the first line only
        event.stop()
        self.replace(event.text, *self.selection)

    def replace(self, text: str, start: int, end: int) -> None:
        # Keys, pastes, insert() and insert_text_at_cursor() all come here.
        clean = without_controls(spaced_lines(text), marks_before=self._marks_before(min(start, end)))
        if text and not clean:
            return  # nothing left to insert: a selection stays as it was
        super().replace(clean, start, end)

    def _marks_before(self, index: int) -> int:
        """Combining marks just before `index` (so typing them one by one is capped too)."""
        run = 0
        for ch in reversed(self.value[: max(index, 0)][-(MAX_MARKS + 1):]):
            if unicodedata.category(ch) not in ("Mn", "Me"):
                break
            run += 1
        return run
