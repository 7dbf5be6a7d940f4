"""FittingTable: a DataTable whose columns fit its width instead of scrolling sideways.

At 80 columns a DataTable sized every column to its longest cell and cut
the rest off at the edge: "Our mess", "Sent Nov 2", "Out", a Client Portal
state read "No Po" once a long name (emoji, many words) widened the Name
column. Here each column is declared `whole` (always shown whole: states,
dates, numbers) or not; the columns that are not share what is left, and
a cell longer than its column ends in "…". The widths are worked out
again when the table's width changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

@dataclass(frozen=True)
class Column:
    label: str
    key: str
    whole: bool = False  # never shortened
    optional: bool = False  # left out when the table is too narrow to show every column whole
    keep: int = 0  # columns that give way shrink lowest `keep` first
    min_width: int = 4


def fit(cell: Text | str, width: int) -> Text:
    """`cell` cut to `width` cells, ending in "…" when it was longer."""
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


class FittingTable(DataTable):
    def __init__(self, *columns: Column, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fitted_columns = columns
        self._rows: list[tuple[tuple[Text | str, ...], str | None]] = []
        self._laid_out_for = -1

    def on_mount(self) -> None:
        self._draw()

    def set_rows(self, rows: Iterable[tuple[tuple[Text | str, ...], str | None]]) -> None:
        """Replace the rows: (cells, row key) each; cells as Text (already plain) or str."""
        self._rows = list(rows)
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_for:
            self._draw()

    def widths(self, room: int) -> list[int]:
        """Each column's width when the table has `room` cells for its columns' text (0: left out)."""
        natural = [
            max([cell_len(c.label)] + [cell_len(cells[i]) if isinstance(cells[i], str) else cells[i].cell_len for cells, _ in self._rows])
            for i, c in enumerate(self.fitted_columns)
        ]
        widths = list(natural)
        pad = 2 * self.cell_padding
        for i, column in enumerate(self.fitted_columns):
            if column.optional and sum(w + pad for w in widths if w) > room:
                widths[i] = 0
        over = sum(w + pad for w in widths if w) - room
        # Take a cell at a time from the widest column that gives way (lowest `keep` first).
        for level in sorted({c.keep for c in self.fitted_columns}):
            flexible = [i for i, c in enumerate(self.fitted_columns) if not c.whole and widths[i] and c.keep == level]
            while over > 0:
                shrinkable = [i for i in flexible if widths[i] > self.fitted_columns[i].min_width]
                if not shrinkable:
                    break
                widths[max(shrinkable, key=lambda i: widths[i])] -= 1
                over -= 1
        return widths

    def _draw(self) -> None:
        width = self.size.width
        if not width:
            return
        self._laid_out_for = width
        # Room for a vertical scroll bar always: it comes and goes with the rows.
        widths = self.widths(width - self.styles.scrollbar_size_vertical)
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        shown = [i for i, w in enumerate(widths) if w]
        for i in shown:
            self.add_column(self.fitted_columns[i].label, key=self.fitted_columns[i].key, width=widths[i])
        for cells, key in self._rows:
            self.add_row(*(fit(cells[i], widths[i]) for i in shown), key=key)
        if self.row_count:
            self.move_cursor(row=min(cursor.row, self.row_count - 1), animate=False)
