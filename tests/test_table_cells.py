"""tui/textual_patches/table_cells.py: a one-line cell drawn without Rich's generic pipeline.

Each cell a DataTable draws, and so each of its lines, must be the same
segments (text, style, meta) as Textual's own `_render_cell` draws: for
Texts with spans and base styles, wide characters, empty and exactly full
cells, markup strings, other renderables, cells too wide for their column
(which still go through Textual's code), every cell padding, with the
cursor on a row and the mouse over another. And it must be cheaper, or
there is no reason for it: the patched first paint of a 25 x 4 table asks
Rich's `Console.render_lines` for no cell at all.
"""
from __future__ import annotations

import asyncio

from rich.console import Console
from rich.panel import Panel
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.textual_patches import table_cells

CELLS = [
    Text("plain"),
    Text("bold base", style="bold"),
    Text.assemble(("red", "red"), " and ", ("on blue", "blue bg"), style="italic"),
    Text("日本語の名前"),
    Text(""),
    Text("exactly ten"),  # column widths below make some of these exactly full
    Text("much too long for its column, so cropped by Rich", overflow="ellipsis"),
    Text("right", justify="right"),
    Text("two\nlines"),
    Text("a\ttab"),
    "[b]markup[/b] string",
    "plain string",
    12.5,
    None,
    Panel("panel"),
]


def build(padding: int) -> DataTable:
    table: DataTable = DataTable(cursor_type="row", zebra_stripes=True, cell_padding=padding)
    table.add_column("First", width=11)
    table.add_column(Text("Second", style="underline"), width=6)
    table.add_column("Auto")
    for i in range(0, len(CELLS), 3):
        table.add_row(*CELLS[i:i + 3], label=Text(f"r{i}") if padding == 2 else None)
    if padding == 2:
        table.show_row_labels = True
        table.fixed_columns = 1
    return table


class TableApp(App):
    def __init__(self, padding: int) -> None:
        super().__init__()
        self.padding = padding

    def compose(self) -> ComposeResult:
        yield build(self.padding)


def lines_of(table: DataTable) -> list[list[tuple]]:
    table._cell_render_cache.clear()
    table._row_render_cache.clear()
    table._line_cache.clear()
    return [[(s.text, s.style, s.control) for s in strip] for strip in
            (table.render_line(y) for y in range(table.size.height))]


def test_each_line_is_the_same_as_textuals() -> None:
    async def run(padding: int) -> None:
        app = TableApp(padding)
        async with app.run_test(size=(80, 12)) as pilot:
            table = app.query_one(DataTable)
            table.move_cursor(row=1)
            table.hover_coordinate = table.cursor_coordinate._replace(row=2)
            await pilot.pause()
            table_cells.uninstall()
            textuals = lines_of(table)
            table_cells.install()
            try:
                ours = lines_of(table)
            finally:
                table_cells.uninstall()
            assert ours == textuals
            assert any("日本語" in text for line in ours for text, _, _ in line)

    for padding in (0, 1, 2):
        asyncio.run(run(padding))


def test_cell_line_declines_what_it_cannot_draw() -> None:
    console = Console(width=80)
    none = console.get_style("none")
    assert table_cells.cell_line(console, Text("fits"), 6, 1, none, none) is not None
    for cell, width in ((Text("too wide"), 6), (Text("a\nb"), 6), (Text("a\tb"), 6), (Text("r", justify="right"), 6)):
        assert table_cells.cell_line(console, cell, width, 1, none, none) is None


def test_first_paint_asks_rich_for_no_cell(monkeypatch) -> None:
    calls = []

    class Many(App):
        def compose(self) -> ComposeResult:
            table: DataTable = DataTable(cursor_type="row")
            table.add_columns("Chart #", "Name", "DOB", "Client Portal")
            for i in range(25):
                table.add_row(f"C{i:05}", Text(f"Name{i}, First"), "01/02/1980", Text("Invited", style="bold"))
            yield table

    async def run() -> None:
        table_cells.install()
        try:
            app = Many()
            async with app.run_test(size=(100, 30)) as pilot:
                original = app.console.render_lines
                monkeypatch.setattr(app.console, "render_lines", lambda *a, **k: calls.append(1) or original(*a, **k))
                table = app.query_one(DataTable)
                table._cell_render_cache.clear()
                table._line_cache.clear()
                table.refresh()
                await pilot.pause()
        finally:
            table_cells.uninstall()

    asyncio.run(run())
    assert calls == []


def test_installed_before_textuals_data_table_is_imported_it_does_not_import_it() -> None:
    """The apps' first screens have no table: the patch waits for Textual's
    module rather than adding it to every start-up."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "from tui.textual_patches import table_cells\n"
        "table_cells.install()\n"
        "assert table_cells.MODULE not in sys.modules\n"
        "from textual.widgets import DataTable\n"
        "assert DataTable._render_cell is table_cells._render_cell\n"
        "table_cells.uninstall()\n"
        "assert DataTable._render_cell is not table_cells._render_cell\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": ""})
    assert done.returncode == 0, done.stderr
