"""LineTable: the Forms tab's tables, drawn a line at a time (tui/shared/line_table.py)."""
from __future__ import annotations

import asyncio

from textual import on
from textual.app import App, ComposeResult

from tui.shared.line_table import LineTable


class TableApp(App):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[tuple[int, str | None]] = []
        self.selected: list[tuple[int, str | None]] = []

    def compose(self) -> ComposeResult:
        table = LineTable(id="t", zebra_stripes=True)
        table.styles.max_height = 6  # a header and five rows
        table.add_column("Form", key="form")
        table.add_column("State", key="state", width=9)
        for n in range(self.rows):
            table.add_row(f"Form number {n}", "Completed" if n % 2 else "To do", key=str(n))
        yield table

    @on(LineTable.RowHighlighted, "#t")
    def _highlighted(self, event: LineTable.RowHighlighted) -> None:
        self.highlighted.append((event.cursor_row, event.row_key))

    @on(LineTable.RowSelected, "#t")
    def _selected(self, event: LineTable.RowSelected) -> None:
        self.selected.append((event.cursor_row, event.row_key))


def _run(test) -> None:
    asyncio.run(asyncio.wait_for(test(), 30))


def _lines(app: App) -> list[str]:
    table = app.query_one(LineTable)
    return [table.render_line(y).text for y in range(table.size.height)]


def test_rows_are_drawn_under_a_header_each_cut_to_its_column() -> None:
    async def go() -> None:
        app = TableApp(3)
        async with app.run_test(size=(30, 10)) as pilot:
            await pilot.pause()
            lines = _lines(app)
            assert lines[0].split() == ["Form", "State"]
            assert lines[1].startswith(" Form number 0 ") and lines[1].rstrip().endswith("To do")
            assert all(len(line) == app.query_one(LineTable).size.width for line in lines)
            app.query_one(LineTable).add_row("A form whose title is far too long for its column", "Started", key="x")
            await pilot.pause()
            assert "…" in _lines(app)[4]  # cut with an ellipsis, never wrapped or spilling into State
            assert _lines(app)[4].rstrip().endswith("Started")
            assert [str(c) for c in app.query_one(LineTable).get_row_at(3)] == [
                "A form whose title is far too long for its column", "Started"]

    _run(go)


def test_keys_move_the_cursor_and_keep_it_in_view_under_the_header() -> None:
    async def go() -> None:
        app = TableApp(20)
        async with app.run_test(size=(40, 10)) as pilot:
            table = app.query_one(LineTable)
            table.focus()
            await pilot.pause()
            assert app.highlighted[-1] == (0, "0")  # the first row is said once the rows are in
            for _ in range(7):
                await pilot.press("down")
            await pilot.pause()
            assert table.cursor_row == 7 and app.highlighted[-1] == (7, "7")
            lines = _lines(app)
            assert lines[0].split() == ["Form", "State"]  # the header stays
            assert "Form number 7" in lines[-1]  # scrolled just enough to show the cursor's row
            await pilot.press("end")
            assert table.cursor_row == 19
            await pilot.press("down")
            assert table.cursor_row == 19  # no row past the last
            await pilot.press("home", "up")
            assert table.cursor_row == 0
            await pilot.press("pagedown")
            assert table.cursor_row == 5  # a page: the five rows under the header
            await pilot.press("enter")
            assert app.selected == [(5, "5")]

    _run(go)


def test_a_click_moves_the_cursor_and_a_click_on_its_row_chooses_it() -> None:
    async def go() -> None:
        app = TableApp(5)
        async with app.run_test(size=(40, 10)) as pilot:
            table = app.query_one(LineTable)
            await pilot.pause()
            await pilot.click(LineTable, offset=(2, 3))  # the third row (the header is line 0)
            assert table.cursor_row == 2 and app.selected == []
            await pilot.click(LineTable, offset=(2, 3))
            assert app.selected == [(2, "2")]
            await pilot.click(LineTable, offset=(2, 0))  # the header chooses nothing
            assert table.cursor_row == 2 and app.selected == [(2, "2")]

    _run(go)


def test_filled_afresh_the_cursor_stays_within_the_rows() -> None:
    async def go() -> None:
        app = TableApp(10)
        async with app.run_test(size=(40, 10)) as pilot:
            table = app.query_one(LineTable)
            table.move_cursor(row=8)
            await pilot.pause()
            table.clear()
            for n in range(3):
                table.add_row(f"New {n}", "To do", key=f"n{n}")
            await pilot.pause()
            assert table.row_count == 3 and table.cursor_row == 0
            assert app.highlighted[-1] == (0, "n0")
            table.move_cursor(row=99)
            assert table.cursor_row == 2

    _run(go)


def test_columns_without_a_width_share_what_the_fixed_ones_leave() -> None:
    table = LineTable()
    table.add_column("Field", width=10)
    table.add_column("On the chart")
    table.add_column("Proposed")
    widths = table._widths(60)
    assert widths[0] == 10 and abs(widths[1] - widths[2]) <= 1
    assert sum(widths) + 2 * 3 == 60  # every cell padded by one either side
