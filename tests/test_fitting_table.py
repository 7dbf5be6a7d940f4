"""tui/shared/fitting_table.py: the columns' widths for the table's width."""
from __future__ import annotations

from tui.shared.fitting_table import Column, FittingTable

TITLE = "PHQ-9 Patient Health Questionnaire (nine items, every two weeks)"


def table(*columns: Column) -> FittingTable:
    t = FittingTable(*columns)
    t.set_rows([((TITLE, "Started: 1 of 10 answered", "Due Jan 6, 2027"), "1")])  # (not on screen: no draw)
    return t


def test_a_column_that_gives_way_shrinks_and_the_whole_ones_stay_whole() -> None:
    t = table(Column("Form", "form", min_width=16), Column("Status", "status", whole=True),
              Column("When", "when", whole=True))
    assert t.widths(70) == [70 - 6 - 25 - 15, 25, 15]  # 6: a cell's padding either side, 3 columns
    assert t.widths(200) == [len(TITLE), 25, 15]  # room enough: the title whole

