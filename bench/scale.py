"""Clinic scale: 100,000 charts, 150,000 invitations, 1,000,000 audit events."""
from __future__ import annotations

import random
import statistics
import time

from bench import Table
from bench.practice_data import FIRST, LAST, build


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run() -> Table:
    from models.access import owner_states
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

    page = search_charts("")
    with count_queries() as counter:
        owner_states([c.id for c in page.rows])
    table.add("queries for Chart Owner states of 50 rows", str(counter.count), "constant (<= 3)", counter.count <= 3)
    return table
