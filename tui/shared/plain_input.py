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
reactive, on every edit: ~25 % of a key's CPU); and the styles its line
is drawn with are kept across edits (Textual works them out again after
every repaint, walking each ancestor's styles: 13 % of a key's
instructions). A steady cursor still
shows where typing goes, and a screen magnifier follows it better.
"""
from __future__ import annotations

import unicodedata
from typing import Callable

from rich.style import Style

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
    # Styles worked out for drawing the value's line, kept across an edit's
    # repaint (Textual's Widget.refresh forgets its own copy on every
    # repaint, so each key walked every ancestor's styles again: ~10 % of a
    # key's CPU). Forgotten when styles change: restyled (focus, a class, a
    # theme: notify_style_update) or any repaint but an edit's.
    _kept_styles: dict[tuple, Style] | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.validators:
            # Input.validate() sets "-valid" on the first edit (and on blur),
            # which restyles the field and repaints it whole on the first key
            # typed into each form: ~2 ms of CPU a field. Without validators
            # the field is always valid, so it is born so. No rule styles it.
            self.add_class("-valid", update=False)

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
            kept = self._kept_styles
            self.refresh_line(0)  # comes back here with a region: keep the styles
            self._kept_styles = kept
            return self
        self._kept_styles = None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._kept_styles = None
        super().notify_style_update()

    def get_component_rich_style(self, *names: str, partial: bool = False, default: Style | None = None) -> Style:
        if default is not None:
            return super().get_component_rich_style(*names, partial=partial, default=default)
        return self._keep((names, partial), lambda: super(PlainInput, self).get_component_rich_style(*names, partial=partial))

    @property
    def rich_style(self) -> Style:
        return self._keep(("rich_style",), lambda: Input.rich_style.fget(self))

    def _keep(self, key: tuple, work: Callable[[], Style]) -> Style:
        kept = self._kept_styles
        if kept is None:
            kept = self._kept_styles = {}
        style = kept.get(key)
        if style is None:
            style = kept[key] = work()
        return style

    def _marks_before(self, index: int) -> int:
        """Combining marks just before `index` (so typing them one by one is capped too)."""
        run = 0
        for ch in reversed(self.value[: max(index, 0)][-(MAX_MARKS + 1):]):
            if unicodedata.category(ch) not in ("Mn", "Me"):
                break
            run += 1
        return run
