"""LineTable: a read-only table of plain rows, drawn a line at a time.

For the lists a person moves through and picks from (the Forms tab's forms,
alerts and proposed changes): a header, rows of text cells, a row cursor,
Enter or a second click to choose. It is DataTable's subset the portal
uses (add_column, add_row, clear, row_count, get_row_at, cursor_row,
move_cursor, RowHighlighted, RowSelected), drawn with Textual's Line API
as Toolong's log view is: a row becomes one strip of segments the first
time it is on screen, at that width, and is kept. DataTable renders every
cell through Rich on its own, pads it, and styles eleven component
classes; the Forms tab's first ten rows took 13.6 ms of its F8
(BENCHMARKS.md, issue 17).

Columns have a fixed width, or take what is left of the table's width;
a cell longer than its column is cut with an ellipsis.
"""
from __future__ import annotations

from dataclasses import dataclass
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .fitting_table import fit

Cell = str | Text
PADDING = 1  # blank cells either side of each cell's text, as DataTable's cell_padding


@dataclass(frozen=True)
class Column:
    label: str
    key: str | None
    width: int | None  # None: the width the fixed columns leave


class LineTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        overflow-x: hidden;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"line-table--header", "line-table--even-row", "line-table--cursor"}
    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select_cursor", "Select", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)

    class RowHighlighted(Message):
        """The cursor came to a row (also when rows are filled in afresh)."""

        def __init__(self, table: "LineTable", cursor_row: int, row_key: str | None) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> "LineTable":
            return self.table

    class RowSelected(RowHighlighted):
        """The row under the cursor was chosen: Enter, or a click on it."""

    def __init__(self, *, zebra_stripes: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.zebra_stripes = zebra_stripes
        self.columns: list[Column] = []
        self._rows: list[tuple[tuple[Cell, ...], str | None]] = []  # (cells, key) each
        self._strips: dict[tuple[int, int], Strip] = {}  # (row, width) -> its cells laid out; -1 the header
        self._announce = False

    # --- DataTable's API, as the portal uses it ---------------------------------

    def add_column(self, label: str, *, key: str | None = None, width: int | None = None) -> None:
        self.columns.append(Column(label, key, width))
        self._changed()

    def add_row(self, *cells: Cell, key: str | None = None) -> None:
        self._rows.append((cells, key))
        self._changed()

    def clear(self) -> None:
        """Every row gone (the columns stay); the cursor back to the first row."""
        self._rows.clear()
        self.set_reactive(LineTable.cursor_row, 0)
        self.scroll_to(y=0, animate=False)
        self._changed()

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, row_index: int) -> list[Cell]:
        return list(self._rows[row_index][0])

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    # --- the cursor ---------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1))

    def watch_cursor_row(self, old: int, row: int) -> None:
        self.refresh()
        self._scroll_to_cursor()
        self._say(self.RowHighlighted)

    def _say(self, message: type[RowHighlighted]) -> None:
        """The row under the cursor highlighted, or chosen (none: no rows)."""
        if self._rows:
            self.post_message(message(self, self.cursor_row, self._rows[self.cursor_row][1]))

    def _scroll_to_cursor(self) -> None:
        seen = max(1, self.scrollable_content_region.height - 1)  # rows under the header
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + seen:
            self.scroll_to(y=self.cursor_row - seen + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        self.cursor_row += max(1, self.scrollable_content_region.height - 1)

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_select_cursor(self) -> None:
        self._say(self.RowSelected)

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the row; a click on the row under the cursor chooses it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return  # the header, or the scrollbar
        row = offset.y - 1 + round(self.scroll_y)
        if row >= len(self._rows):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select_cursor()
        else:
            self.cursor_row = row

    # --- drawing ------------------------------------------------------------------

    def _changed(self) -> None:
        """Rows or columns changed: new sizes and lines; the highlighted row said once they settle."""
        self._strips.clear()
        self.virtual_size = Size(0, len(self._rows) + 1)
        self.refresh(layout=True)
        if not self._announce:
            self._announce = True
            self.call_later(self._settled)

    def _settled(self) -> None:
        self._announce = False
        self.set_reactive(LineTable.cursor_row, self.validate_cursor_row(self.cursor_row))
        self._say(self.RowHighlighted)

    def _widths(self, width: int) -> list[int]:
        """Each column's width in `width` cells: the fixed ones theirs, the others an even share of the rest."""
        flexible = sum(c.width is None for c in self.columns)
        fixed = sum(c.width for c in self.columns if c.width is not None)
        free = max(flexible, width - fixed - 2 * PADDING * len(self.columns))
        share, extra = divmod(free, flexible) if flexible else (0, 0)
        widths, n = [], 0
        for column in self.columns:
            if column.width is None:
                widths.append(share + (n < extra))
                n += 1
            else:
                widths.append(column.width)
        return widths

    def _strip(self, row: int, width: int) -> Strip:
        """The row's cells laid out in `width` cells (row -1: the header), unstyled."""
        found = self._strips.get((row, width))
        if found is None:
            cells = [c.label for c in self.columns] if row < 0 else self._rows[row][0]
            line = Text(no_wrap=True, overflow="ellipsis", end="")
            for cell, cell_width in zip(cells, self._widths(width)):
                text = fit(cell if isinstance(cell, Text) else str(cell), cell_width)
                line.append(" " * PADDING)
                line.append_text(text)
                line.append(" " * (cell_width - text.cell_len + PADDING))
            segments = list(line.render(self.app.console))
            found = self._strips[row, width] = Strip(segments).adjust_cell_length(width)
        return found

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._strip(-1, width).apply_style(base + self.get_component_rich_style("line-table--header"))
        row = y - 1 + round(self.scroll_y)
        if row >= len(self._rows):
            return Strip.blank(width, base)
        style = base
        if row == self.cursor_row:
            style += self.get_component_rich_style("line-table--cursor")
        elif self.zebra_stripes and row % 2:
            style += self.get_component_rich_style("line-table--even-row")
        return self._strip(row, width).apply_style(style)
