"""Nothing a person needs is cut off at 80x24 (issue 16, defects 8 and 9)."""
from __future__ import annotations

from textual.widgets import DataTable

from models.chart_owner import activate_access
from tui.staff.app import StaffApp

from .conftest import drive, settle
from .helpers import STAFF, invite, make_chart, signed_in

LONG = "Maximiliana-Genoveva 🦄🦄 de la Santísima Trinidad Oyelaran-Whitcombe"


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


def _table_fits(table: DataTable, width: int) -> None:
    used = sum(col.get_render_width(table) for col in table.columns.values())
    assert table.region.x + used <= width, (used, table.region)


def test_a_long_name_gives_way_and_the_state_shows_whole(portal, clock):
    login = signed_in()
    invite(make_chart(first=LONG, last="Oyelaran-Whitcombe-Montgomery", email="long@example.com"))
    make_chart(first="Ana", last="Bo", email="ana@example.com")

    async def scenario():
        for size in ((80, 24), (100, 30)):
            app = StaffApp(session=login)
            async with app.run_test(size=size) as pilot:
                await settle(app, pilot)
                table = app.screen.query_one("#clients", DataTable)
                rows = [_cells(table, i) for i in range(table.row_count)]
                by_chart = {r[3] for r in rows}
                assert "Invited · expires in 7 days" in by_chart and "No Portal Access" in by_chart
                long_name = next(r[1] for r in rows if r[1].startswith("Oyelaran"))
                assert long_name.endswith("…")
                _table_fits(table, size[0])
                footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
                for words in ("New chart", "Search", "Sign out", "Help"):
                    assert words in footer

    drive(scenario)
