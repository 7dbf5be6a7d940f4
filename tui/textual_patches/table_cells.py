"""A DataTable cell of one line of Text is drawn without Rich's generic render pipeline.

What it patches: `textual.widgets._data_table.DataTable._render_cell` (a
private method). Textual draws each cell the first time it is shown (and
again after every `clear()`/`add_row`, a cursor move onto it, a hover)
through `console.render_lines(Styled(Padding(cell, (0, pad)), ...))`: two
nested `render_lines`, each with Rich's renderable dispatch, the Text
split, wrapped, justified and joined again, and its segments cropped and
padded twice. For the common cell, one line of Text that fits its column
in a row of height 1, all of that yields: the Text's own segments, padded
to the column's inner width with an unstyled space, a pad of unstyled
spaces either side, the cell's style before and its cursor colours after.
Here those segments are built straight from `Text.render` and Rich's own
`Segment` helpers. Anything else (a cell too wide, several lines, tabs,
justified Text, taller rows, a renderable that is not Text) still goes
through Textual's code, unchanged.

Why (tests): `tests/test_table_cells.py` compares the segments of each
cell, for Texts with spans, styles, wide characters, empty and exactly
full cells, every padding, cursor and hover state, with Textual's own;
the DataTable SVG snapshots stay the same.

What it buys: the first layout and paint of a screen holding a 25 x 4
table (the staff client list's page), min of 10 pushes, CPU: 16.6-19.0 ->
13.4-15.1 ms; Python calls for three such paints 258 k -> 199 k
(BENCHMARKS.md, "Loop lag: cells, strips and imports off the first layouts").

Upstream issue text (Textualize/textual):
    "DataTable._render_cell renders every cell through
    console.render_lines(Styled(Padding(cell, (0, cell_padding)), ...)).
    For a 25-row, 4-column table the first paint spends ~0.3 ms a cell in
    Rich's generic pipeline (nested render_lines, Text.wrap/split/join,
    split_and_crop_lines twice), most of a 30 ms frame. Could a cell whose
    renderable is a single-line Text that fits its column (the usual case,
    and what default_cell_formatter makes of a str) be rendered directly:
    its segments from Text.render, padded to the width, with the pre and
    post styles applied?"
"""
from __future__ import annotations

import importlib.util
import sys
from itertools import islice
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text

# Textual's DataTable module. Neither app shows a table in its first screen,
# so it is patched when first imported (by the warm-up thread, usually), not
# imported for the patch: that would add it to every start-up.
MODULE = "textual.widgets._data_table"
_textual_render_cell: Any = None
_NEWLINE = Text("\n")


def cell_line(console, cell: Text, width: int, padding: int, pre_style: Style, post_style: Style) -> list[Segment] | None:
    """The one line Textual would draw for `cell` in a row of height 1, or
    None when the cell needs Rich's full pipeline (it does not fit, has
    several lines or tabs, or is justified)."""
    inner = width - 2 * padding
    plain = cell.plain
    if (
        inner < 0
        or "\n" in plain
        or "\t" in plain
        or cell.justify not in (None, "default")
        or cell.cell_len > inner
    ):
        return None
    pad_style = console.get_style("none")  # Padding's own style
    # Text.__rich_console__: the text's lines (here the one, unchanged as it
    # fits) joined, so its base style becomes a span, then rendered.
    rendered = _NEWLINE.join([cell]).render(console, end=cell.end)
    lines = list(islice(Segment.split_and_crop_lines(rendered, inner, include_new_lines=False, pad=True, style=pad_style), 1))
    if not lines:
        return None
    line = lines[0]
    if padding:
        side = Segment(" " * padding, pad_style)
        line = [side, *line, side]
    return list(Segment.apply_style(line, style=pre_style, post_style=post_style))


def _render_cell(self: Any, row_index: int, column_index: int, base_style: Style, width: int,
                 cursor: bool = False, hover: bool = False):
    # Textual's cache first, under Textual's own key (as its method builds it).
    is_header_cell = row_index == -1
    is_row_label_cell = column_index == -1
    row_key = self._header_row_key if is_header_cell else self._row_locations.get_key(row_index)
    column_key = self._column_locations.get_key(column_index)
    cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                 self._update_count, self._pseudo_class_state)
    cached = self._cell_render_cache.get(cache_key)
    if cached is not None:
        return cached
    height = self.header_height if is_header_cell else (self.rows[row_key].height if row_key in self.rows else 0)
    if height != 1 or self.app.console_options.justify not in (None, "default"):
        return _textual_render_cell(self, row_index, column_index, base_style, width, cursor, hover)
    row_label, row_cells = self._get_row_renderables(row_index)
    cell = (row_label if row_label is not None else "") if is_row_label_cell else row_cells[column_index]
    if not isinstance(cell, Text):
        return _textual_render_cell(self, row_index, column_index, base_style, width, cursor, hover)
    is_fixed_style_cell = (
        not is_header_cell and not is_row_label_cell
        and (row_index < self.fixed_rows or column_index < self.fixed_columns)
    )
    component_style, post_style = self._get_styles_to_render_cell(
        is_header_cell, is_row_label_cell, is_fixed_style_cell, hover, cursor, self.show_cursor,
        self._show_hover_cursor, self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
    )
    pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
    line = cell_line(self.app.console, cell, width, self.cell_padding, pre_style, post_style)
    if line is None:
        return _textual_render_cell(self, row_index, column_index, base_style, width, cursor, hover)
    lines = [line]
    self._cell_render_cache[cache_key] = lines
    return lines


def _patch(data_table: type) -> None:
    global _textual_render_cell
    if data_table.__dict__["_render_cell"] is not _render_cell:
        _textual_render_cell = data_table.__dict__["_render_cell"]
        data_table._render_cell = _render_cell  # type: ignore[attr-defined]


class _WhenImported:
    """A meta-path finder that patches DataTable once Textual's module for it has run."""

    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        if name != MODULE:
            return None
        sys.meta_path.remove(cls)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            run(module)
            _patch(module.DataTable)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    if MODULE in sys.modules:
        _patch(sys.modules[MODULE].DataTable)
    elif _WhenImported not in sys.meta_path:
        sys.meta_path.insert(0, _WhenImported)


def uninstall() -> None:
    if _WhenImported in sys.meta_path:
        sys.meta_path.remove(_WhenImported)
    module = sys.modules.get(MODULE)
    if module is not None and _textual_render_cell is not None:
        module.DataTable._render_cell = _textual_render_cell
