"""The client list: search as you type, pages from the database, work queues, plain text."""
from __future__ import annotations

import datetime as dt
import time

from textual.widgets import DataTable, Static

from models.audit import Actor
from models.auth import add_staff_user
from models.chart_owner import activate_access
from models.db import database
from models.roles import assign_clinician
from models.staff_views import client_list_page
from models.tables import Client
from models.text import fold
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.help import HelpScreen

from .conftest import SIZE, drive, settle
from .helpers import STAFF, invite, make_chart, signed_in

FIRST = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kendall", "Logan"]
LAST = ["Anders", "Brooks", "Chen", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Ito", "Jones"]


def bulk_charts(n: int) -> None:
    """n charts in one transaction, a few thousand rows per INSERT."""
    now = "2026-01-01 00:00:00"
    first_keys = [fold(f) for f in FIRST]
    last_keys = [fold(name) for name in LAST]
    base = dt.date(1950, 1, 1)
    days = [(base + dt.timedelta(days=d)).isoformat() for d in range(10_000)]
    fields = [
        Client.chart_number, Client.first_name, Client.last_name, Client.first_name_key,
        Client.last_name_key, Client.date_of_birth, Client.email, Client.phone, Client.created_at,
    ]
    rows = [
        (
            f"9{i:07d}",
            FIRST[i % 10],
            f"{LAST[(i // 10) % 10]}{i // 100}",
            first_keys[i % 10],
            f"{last_keys[(i // 10) % 10]}{i // 100}",
            days[i % 10_000],
            "",
            "",
            now,
        )
        for i in range(n)
    ]
    # insert_many writes the statement for one row; the driver repeats it for
    # every row (peewee building a 100,000-row statement takes seconds).
    sql, first_params = Client.insert_many(rows[:1], fields=fields).sql()
    assert len(first_params) == len(fields)
    with database.atomic():
        database.cursor().executemany(sql, rows)


def _table(app) -> DataTable:
    return app.screen.query_one("#clients", DataTable)


def _names(app) -> list[str]:
    table = _table(app)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def _type(app, pilot, text: str) -> None:
    search = app.screen.query_one("#search")
    search.focus()
    search.value = ""
    await pilot.press(*text) if text else None
    await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)


async def _set(app, pilot, text: str) -> None:
    """Replace the search box's text at once (as a paste would), then let the debounce fire."""
    search = app.screen.query_one("#search")
    search.focus()
    search.value = text
    await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)


def test_search_among_100000_charts_shows_one_page(portal, clock):
    login = signed_in()
    bulk_charts(100_000)
    target = make_chart(first="Zebulon", last="Quartermaine", dob="02/29/1992", email="")

    started = time.perf_counter()
    page = client_list_page(STAFF, "quartermaine")
    assert time.perf_counter() - started < 1.0
    assert [r.client.id for r in page.rows] == [target.id]
    # A clinician's list among them: their one chart, as quickly, whatever they type.
    doctor = add_staff_user("drlee", "Dr. Lee", "clinician", "a long staff passphrase here")
    assign_clinician(STAFF, target.id, doctor.id)
    for term in ("", "q", "a"):
        started = time.perf_counter()
        page = client_list_page(Actor("staff", "drlee", "workstation"), term)
        assert time.perf_counter() - started < 1.0, term
        assert [r.client.id for r in page.rows] == ([] if term == "a" else [target.id])

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            page_size = app.screen.PAGE_SIZE
            assert _table(app).row_count == page_size  # one page, not 100,001 rows
            assert "PgDn: next" in str(app.screen.query_one("#page-info", Static).render())

            await pilot.press("pagedown")
            await settle(app, pilot)
            assert app.screen.page == 1 and _table(app).row_count == page_size
            await pilot.press("pageup")
            await settle(app, pilot)
            assert app.screen.page == 0

            await _type(app, pilot, "Quarterm")
            assert _names(app) == ["Quartermaine, Zebulon"]
            await _set(app, pilot, "zebulon quartermaine")
            assert _names(app) == ["Quartermaine, Zebulon"]
            await _set(app, pilot, target.chart_number)
            assert _names(app) == ["Quartermaine, Zebulon"]
            await _set(app, pilot, "02/29/1992")
            assert _names(app) == ["Quartermaine, Zebulon"]
            await _set(app, pilot, "Jones999")
            assert _table(app).row_count == 10  # ten first names share that last name

            await _set(app, pilot, "Quartermaine")
            await pilot.press("enter")  # the only match: Enter opens it
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)
            assert app.screen.chart_id == target.id

    drive(scenario, timeout=60)


def test_typing_is_debounced_to_one_search(portal, clock):
    login = signed_in()
    make_chart(first="Robin", last="Hood")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = app.screen
            calls = []
            original = screen.fetch_page
            screen.fetch_page = lambda *a: (calls.append(a), original(*a))[1]
            await pilot.press(*"hood")
            await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.15)
            assert [c[1] for c in calls] == ["hood"]
            assert _names(app) == ["Hood, Robin"]

            # Help (F1 or ?) lists this screen's keys; Esc closes it.
            _table(app).focus()
            await pilot.press("question_mark")
            await settle(app, pilot)
            assert isinstance(app.screen, HelpScreen)
            keys = str(app.screen.query_one("#help-keys").render())
            assert "New chart" in keys and "Expired" in keys and "Sign out" in keys
            await pilot.press("escape")
            await settle(app, pilot)
            assert app.screen is screen

    drive(scenario)


def test_work_queues_and_tags(portal, clock):
    login = signed_in()
    make_chart(first="Nora", last="None")
    invited = make_chart(first="Ivan", last="Invited")
    invite(invited)
    expired = make_chart(first="Eve", last="Expired")
    invite(expired)
    clock.advance(days=8)
    fresh = make_chart(first="Ina", last="Invited2")
    activate_access(STAFF, fresh)

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            rows = {str(_table(app).get_row_at(i)[1]): str(_table(app).get_row_at(i)[3]) for i in range(_table(app).row_count)}
            assert rows["None, Nora"] == "No Portal Access"
            assert rows["Expired, Eve"] == "Expired"
            assert rows["Invited2, Ina"] == "Invited · expires in 7 days"
            await pilot.press("f4")
            await settle(app, pilot)
            assert sorted(_names(app)) == ["Expired, Eve", "Invited, Ivan"]
            await pilot.press("f3")
            await settle(app, pilot)
            assert _names(app) == ["Invited2, Ina"]
            await pilot.press("f2")
            await settle(app, pilot)
            assert _table(app).row_count == 4

    drive(scenario)


def test_stored_markup_and_escapes_show_literally(portal, clock):
    login = signed_in()
    evil = make_chart(first="[bold]x[/bold]", last="Tester", email="")
    escape = make_chart(first="Esc", last="Tester", email="")
    # The domain refuses control characters; a row written some other way must still be inert.
    Client.update(last_name="Tester\x1b[2J").where(Client.id == escape.id).execute()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            names = _names(app)
            assert "Tester, [bold]x[/bold]" in names
            assert any(n.startswith("Tester\ufffd[2J") for n in names)
            assert all("\x1b" not in n for n in names)
            await app.push_screen(ChartRoomScreen(evil.id))
            await settle(app, pilot)
            header = str(app.screen.query_one("#chart-header").render())
            assert "[bold]x[/bold] Tester" in header
            await app.push_screen(ChartRoomScreen(escape.id))
            await settle(app, pilot)
            header = str(app.screen.query_one("#chart-header").render())
            assert "\x1b" not in header and "Tester\ufffd[2J" in header

    drive(scenario)
