"""The audit trail screen's reads at 1,000,000 events, on SQLite and on PostgreSQL.

The generated practice (bench/practice_data.py: 100k charts, a varied
trail of 1M events over about two years) is built on each database; then
`models.audit_trail.trail_page`, the read behind every page the screen
shows, is timed for the first page and for each filter: a chart (by number,
and a name that matches several charts), a staff user (busy and rare),
each kind of action, days (one, and a month), a page deep in the trail, a
clinician's own charts (a caseload of thousands and one of 40) and a few
filters together. Target: p95 at most 50 ms each.

Wall time includes the query round trips; CPU time (this process only: the
SQLite engine, or for PostgreSQL just the client side) is given too, since
the machine may be shared. `python -m bench audit_view`.
"""
from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from bench import Table

TARGET_MS = 50
SAMPLES = 40


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run() -> Table:
    table = Table(f"Audit trail screen: first page and each filter at 1M events (p95 of {SAMPLES}; target <= {TARGET_MS} ms)")
    with tempfile.TemporaryDirectory(prefix="portal-bench-audit-") as data_dir:
        _measure(table, "SQLite", Path(data_dir) / "sqlite", "")
    try:
        from tests.pg import drop_schema, fresh_schema

        url = fresh_schema("bench_audit_view")
    except BaseException as exc:  # noqa: BLE001 - pytest.skip (no server) is a BaseException
        table.add("PostgreSQL", f"not measured: {exc}")
        return table
    try:
        with tempfile.TemporaryDirectory(prefix="portal-bench-audit-pg-") as data_dir:
            _measure(table, "PostgreSQL", Path(data_dir), url)
    finally:
        drop_schema("bench_audit_view")
    return table


def _cases():
    """(figure, actor, filter) for each read timed."""
    from models.audit import Actor
    from models.audit_trail import ACTION_KINDS, TrailFilter
    from models.tables import AuditEvent, StaffUser

    admin = Actor("staff", "ada", "bench")
    staff = {s.username: s.id for s in StaffUser.select(StaffUser.id, StaffUser.username)}
    newest = AuditEvent.select(AuditEvent.at).order_by(AuditEvent.id.desc()).scalar()
    day = (newest - dt.timedelta(days=300)).date()
    yield "first page", admin, TrailFilter()
    yield "chart by number (050000)", admin, TrailFilter(chart="050000")
    yield "chart by name, 21 charts (Young-King)", admin, TrailFilter(chart="Young-King")
    yield "staff user: front desk, busy (Dana)", admin, TrailFilter(staff_id=staff["dana"])
    yield "staff user: admin, rare (Sam)", admin, TrailFilter(staff_id=staff["sam"])
    for kind in ACTION_KINDS:
        yield f"action: {kind.label}", admin, TrailFilter(kind=kind.key)
    yield "days: one day 300 days back", admin, TrailFilter(since=day, until=day)
    yield "days: a month", admin, TrailFilter(since=day, until=day + dt.timedelta(days=30))
    yield "together: Dana + Documents", admin, TrailFilter(staff_id=staff["dana"], kind="documents")
    yield "together: Sam + Staff accounts", admin, TrailFilter(staff_id=staff["sam"], kind="staff_accounts")
    yield "together: Dana + one day", admin, TrailFilter(staff_id=staff["dana"], since=day, until=day)
    yield "clinician, ~16,000 charts: first page", Actor("staff", "drlee", "bench"), TrailFilter()
    yield "clinician, ~16,000 charts + Forms", Actor("staff", "drlee", "bench"), TrailFilter(kind="forms")
    yield "clinician, 40 charts: first page", Actor("staff", "drnew", "bench"), TrailFilter()
    yield "clinician, 40 charts + Forms", Actor("staff", "drnew", "bench"), TrailFilter(kind="forms")


def _time(read, samples: int = SAMPLES) -> tuple[list[float], list[float]]:
    read()   # once to warm the caches the screen's own first read would warm
    wall, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        read()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _measure(table: Table, name: str, data_dir: Path, url: str) -> None:
    from bench.practice_data import build
    from models.audit import Actor
    from models.audit_trail import trail_page
    from models.db import database

    _, seconds = build(data_dir, database_url=url)
    table.add(f"{name}: generate the practice with 1M audit events", f"{seconds:.0f} s")
    try:
        for figure, actor, filters in _cases():
            wall, cpu = _time(lambda: trail_page(actor, filters))
            lines = len(trail_page(actor, filters).rows)
            p95 = _p95(wall)
            table.add(f"{name}: {figure} ({lines} lines)", f"{p95:.1f} ms (CPU {_p95(cpu):.1f} ms)", f"<= {TARGET_MS} ms", p95 <= TARGET_MS)
        admin = Actor("staff", "ada", "bench")
        before = trail_page(admin)
        for _ in range(99):   # the 100th page: keyset, so no dearer than the first
            before = trail_page(admin, before=before.older)
        wall, cpu = _time(lambda: trail_page(admin, before=before.older))
        table.add(f"{name}: page 101 (PgDn 100 times)", f"{_p95(wall):.1f} ms (CPU {_p95(cpu):.1f} ms)", f"<= {TARGET_MS} ms", _p95(wall) <= TARGET_MS)
    finally:
        database.obj.close()
