"""An Input that never holds what the text rule removes, and is cheap to type into.

A paste can carry escape sequences, bidi overrides and zero-width
characters; an Input draws its value as it is, so they would reach the
terminal, and be stored. Every form field in the apps is a PlainInput: what
is typed or pasted goes through `models.text.without_controls` (escape
sequences go whole, the rest keeps its order), so the field shows what the
domain will store.

A paste of several lines becomes one line, its line breaks spaces (Input
keeps only the first line and drops the rest). That a terminal's bracketed
paste reaches the field whole and in order is `tui.textual_patches.terminal_input`'s job.

What a key costs (the SSH door holds 100 sessions on 2 cores, BENCHMARKS.md
"Keystroke CPU"): the cursor does not blink (each blink repainted the
field twice a second, ~5 ms of CPU a second per session on a form); an
edit repaints the value's line only, not the field's border lines (886
bytes a key became 237); and the value's width is kept without a layout
of the whole screen (Textual's Input sets `virtual_size`, a layout
reactive, on every edit: ~25 % of a key's CPU). A steady cursor still
shows where typing goes, and a screen magnifier follows it better.
"""
from __future__ import annotations

import unicodedata

from textual import events
from textual.geometry import Size
from textual.reactive import Reactive, reactive
from textual.widgets import Input

from models.text import MAX_MARKS, spaced_lines, without_controls


class PlainInput(Input):
    cursor_blink = reactive(False, init=False)
    # Input scrolls its one line itself (ScrollView): its virtual size needs
    # no layout of the screen, only a repaint. Upstream text: "Input sets
    # virtual_size (Widget's, layout=True) on every edit, so each key lays
    # out the whole screen although the field's size cannot change."
    virtual_size = Reactive(Size(0, 0), layout=False)

    _editing = False

    def on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of Input's, which keeps the first line only
        event.stop()
        self.replace(event.text, *self.selection)

    def replace(self, text: str, start: int, end: int) -> None:
        # Keys, pastes, insert() and insert_text_at_cursor() all come here.
        clean = without_controls(spaced_lines(text), marks_before=self._marks_before(min(start, end)))
        if text and not clean:
            return  # nothing left to insert: a selection stays as it was
        self._editing = True
        try:
            super().replace(clean, start, end)
        finally:
            self._editing = False

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        # An edit changes the value's line only (value, cursor, scroll); what
        # may change the border (a class, focus) restyles later, outside
        # replace(), and repaints the whole field as usual.
        if self._editing and repaint and not (regions or layout or recompose):
            self.refresh_line(0)
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _marks_before(self, index: int) -> int:
        """Combining marks just before `index` (so typing them one by one is capped too)."""
        run = 0
        for ch in reversed(self.value[: max(index, 0)][-(MAX_MARKS + 1):]):
            if unicodedata.category(ch) not in ("Mn", "Me"):
                break
            run += 1
        return run
