"""Clinic scale: 100,000 charts, 150,000 invitations, 1,000,000 audit events."""
from __future__ import annotations

import asyncio
import random
import statistics
import time

from bench import Table
from bench.practice_data import FIRST, LAST, build


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run() -> Table:
    from models.chart_owner import owner_states
    from models.charts import search_charts
    from tests.query_counter import count_queries

    table = Table("Scale: a generated practice")
    _, seconds = build()
    table.add("generate 100k charts, 150k invitations, 1M audit events", f"{seconds:.1f} s", "< 120 s", seconds < 120)

    rng = random.Random(3)
    terms = [rng.choice(LAST)[:k] for k in (1, 2, 3, 5) for _ in range(10)]
    terms += [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(20)]
    terms += [f"{rng.randrange(1001, 101000):06d}" for _ in range(10)]
    terms += ["03/14/1971", "1985-06-01", "", "zz"]
    samples = []
    for term in terms * 3:
        started = time.perf_counter()
        page = search_charts(term)
        owner_states([c.id for c in page.rows])
        samples.append((time.perf_counter() - started) * 1000)
    p95 = _p95(samples)
    table.add("staff search + tags of one page, p95", f"{p95:.1f} ms", "<= 20 ms", p95 <= 20)
    for queue in ("invited", "expired"):
        started = time.perf_counter()
        page = search_charts("", queue=queue)
        owner_states([c.id for c in page.rows])
        ms = (time.perf_counter() - started) * 1000
        table.add(f"work queue '{queue}' first page", f"{ms:.1f} ms", "<= 20 ms", ms <= 20)

    _client_list_by_role(table, rng, terms)

    page = search_charts("")
    with count_queries() as counter:
        owner_states([c.id for c in page.rows])
    table.add("queries for Chart Owner states of 50 rows", str(counter.count), "constant (<= 3)", counter.count <= 3)
    chart_room_ms, dashboard_ms = asyncio.run(_screen_timings(rng))
    for name, samples in (("staff chart room ready", chart_room_ms), ("client dashboard ready", dashboard_ms)):
        med, worst = statistics.median(samples), max(samples)
        table.add(f"{name} (median; max of {len(samples)})", f"{med:.0f} ms; {worst:.0f} ms", "<= 150 ms", worst <= 150)
    return table


def _client_list_by_role(table: Table, rng: random.Random, terms: list[str]) -> None:
    """The client list as a clinician sees it (their 500 charts among 100k,
    models/roles.py) beside the front desk's, the same terms interleaved in
    one run, so machine load weighs on both alike."""
    from models import clock
    from models.audit import Actor
    from models.db import database
    from models.staff_views import client_list_page
    from models.tables import Client, StaffUser

    lee = StaffUser.create(username="benchlee", full_name="Bench Lee", role="clinician",
                           password_hash="not a hash: never signs in", created_at=clock.now())
    own = rng.sample(range(1, Client.select().count() + 1), 500)
    Client.update(clinician=lee.id).where(Client.id.in_(own)).execute()
    database.execute_sql("ANALYZE")   # as practice_data.build does: statistics that match the data
    desk, doctor = Actor("staff", "bench", "bench"), Actor("staff", "benchlee", "bench")
    samples: dict[Actor, list[float]] = {desk: [], doctor: []}
    for term in terms * 3:
        for who in (desk, doctor):
            started = time.perf_counter()
            client_list_page(who, term)
            samples[who].append((time.perf_counter() - started) * 1000)
    front, clinician = _p95(samples[desk]), _p95(samples[doctor])
    table.add("client list page, front desk (every chart), p95", f"{front:.1f} ms", "<= 20 ms", front <= 20)
    table.add("client list page, a clinician's 500 charts, p95", f"{clinician:.1f} ms", "<= 20 ms", clinician <= 20)
    table.add("  clinician / front desk, same run", f"{clinician / front:.2f}x")


def _rows(screen, selector: str) -> int:
    found = screen.query(selector)
    return found.first().row_count if found else 0


async def _until(pilot, done, timeout: float = 5.0) -> None:
    """Poll every 1 ms (not Pilot.pause(), which waits for all timers to go idle)."""
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("screen not ready")
        await asyncio.sleep(0.001)


async def _screen_timings(rng: random.Random, samples: int = 8) -> tuple[list[float], list[float]]:
    """Time from asking for a screen until its data is on it, in the real apps.

    Textual itself holds painting for 50 ms after a screen switch; that is
    inside these figures, as the user waits for it too.
    """
    from models import auth, passwords
    from models.tables import ChartAccess, Client, PortalAccount
    from tui.kiosk.app import KioskApp, KioskSession
    from tui.kiosk.dashboard import DashboardScreen
    from tui.staff.app import StaffApp
    from tui.staff.screens.chart_room import ChartRoomScreen

    auth.add_staff_user("timer", "Bench Timer", "front_desk", "bench timing passphrase here")
    staff_login = auth.staff_login("timer", "bench timing passphrase here")
    chart_room = []
    app = StaffApp(session=staff_login)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.pause()
        for chart_id in rng.sample(range(1, Client.select().count() + 1), samples):
            started = time.perf_counter()
            await app.push_screen(ChartRoomScreen(chart_id))
            # Drawn: the header and the Overview tab's view, each read in a worker.
            await _until(pilot, lambda: isinstance(app.screen, ChartRoomScreen) and app.screen.chart is not None
                         and any(tab.view is not None for tab in app.screen.query("OverviewTab")))
            chart_room.append((time.perf_counter() - started) * 1000)
            app.pop_screen()
            await pilot.pause()

    dashboard = []
    owners = list(ChartAccess.select().where(ChartAccess.account.is_null(False)).limit(200))
    password = "bench dashboard passphrase"
    from models.audit import Actor
    from models.records import add_ledger_entry, share_document

    staff = Actor("staff", "timer", "bench")
    for access in rng.sample(owners, samples):
        client = Client.get_by_id(access.client_id)
        for n in range(3):  # a dashboard with something on it
            share_document(staff, client, f"Document {n}", "Text of the document.\n" * 20)
            add_ledger_entry(staff, client, kind="charge", amount="120.00", description="Session")
        account = PortalAccount.get_by_id(access.account_id)
        PortalAccount.update(password_hash=passwords.hash_password(password)).where(PortalAccount.id == account.id).execute()
        login = auth.client_login(account.email, password)
        kiosk = KioskApp()
        async with kiosk.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            started = time.perf_counter()
            kiosk.sign_in(KioskSession(login.session_id, account.id, account.email, access.client_id))
            await kiosk.push_screen(DashboardScreen())
            await _until(pilot, lambda: isinstance(kiosk.screen, DashboardScreen) and _rows(kiosk.screen, "#documents-table"))
            dashboard.append((time.perf_counter() - started) * 1000)
    return chart_room, dashboard
