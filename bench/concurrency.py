"""20 sessions writing at once for 60 seconds: no "database is locked", no lost writes.

Twenty worker processes (each one session's app process, as the SSH door
runs them) drive the domain functions directly against one SQLite database
in WAL mode with IMMEDIATE transactions, all starting at the same moment:

- resends: staff resend the invitation of one of the worker's two invited charts;
- registrations: staff create a chart and activate its portal access, the
  client registers with the emailed code (argon2 at the product's default
  parameters, outside the transaction, as `register` does);
- appointment requests from the worker's registered client.

Each worker counts what succeeded (and keeps the ids it got back), every
"database is locked" and every other error. Afterwards a separate process
counts the rows: every acknowledged write must be there (appointment
requests by id, accounts by id, invitations per chart, exactly one open
code per invited chart), and the audit chain must verify.

`python -m bench concurrency` runs it alone; CONCURRENCY_BENCH_SECONDS
shortens the run (default 60).
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import statistics
import tempfile
import time
from pathlib import Path

from bench import Table
from bench._sshkit import PASSWORD, machine, portal_env, seed
from bench.startup_baseline import fmt_ms, percentile

WORKERS = 20
SECONDS = float(os.environ.get("CONCURRENCY_BENCH_SECONDS", "60"))
CYCLE = ("request", "resend", "request", "register", "resend", "request")


def _open(data_dir: str) -> None:
    os.environ.update(portal_env(Path(data_dir)))
    from models.config import load_settings
    from models.setup import open_portal

    open_portal(load_settings())


def _invitation_code(invitation_id: int) -> str:
    import json

    from models.tables import OutboxMessage

    message = OutboxMessage.get(OutboxMessage.invitation == invitation_id)
    return json.loads(message.context)["code"]


def _worker(n: int, data_dir: str, seconds: float, go, ready, results) -> None:
    _open(data_dir)
    import datetime as dt

    from peewee import OperationalError

    from models import clock
    from models.chart_owner import activate_access, resend_invite
    from models.audit import Actor
    from models.charts import create_chart
    from models.records import ClientViewer, request_appointment
    from models.registration import register
    from models.tables import Invitation

    desk = Actor("staff", "frontdesk", f"bench-worker-{n}")
    source = f"ssh:127.0.9.{n + 1}"
    serial = 0

    def new_client(tag: str):
        nonlocal serial
        serial += 1
        email = f"w{n:02d}.{tag}{serial}@bench.example"
        client = create_chart(desk, first_name="Worker", last_name=f"Bench{chr(65 + n % 26)}{n:02d}x{serial}",
                              date_of_birth="07/08/1985", email=email)
        activate_access(desk, client)
        return client

    def registration() -> tuple[int, int]:
        client = new_client("r")
        inv = Invitation.select().where(Invitation.client == client.id).order_by(Invitation.id.desc()).get()
        done = register(_invitation_code(inv.id), client.last_name, "07/08/1985", PASSWORD, PASSWORD, source=source)
        return done.account_id, client.id

    # the worker's own charts, made before the start signal
    invited = [new_client("i").id for _ in range(2)]
    account_id, chart_id = registration()
    viewer = ClientViewer(account_id, chart_id, source)
    ready.put(n)
    go.wait()

    counts = {"request": 0, "resend": 0, "register": 0}
    latencies: dict[str, list[float]] = {k: [] for k in counts}
    request_ids: list[int] = []
    account_ids: list[int] = [account_id]
    resends = {cid: 0 for cid in invited}
    locked = 0
    errors: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        op = CYCLE[i % len(CYCLE)]
        i += 1
        started = time.perf_counter()
        try:
            if op == "request":
                req = request_appointment(viewer, mode="video", preferred_at=clock.now() + dt.timedelta(days=7),
                                          reason=f"bench w{n} #{i}")
                request_ids.append(req.id)
            elif op == "resend":
                cid = invited[i % 2]
                from models.tables import Client

                resend_invite(desk, Client.get_by_id(cid))
                resends[cid] += 1
            else:
                account_ids.append(registration()[0])
        except OperationalError as exc:
            if "locked" in str(exc).lower():
                locked += 1
            else:
                errors[f"{type(exc).__name__}: {exc}"] = errors.get(f"{type(exc).__name__}: {exc}", 0) + 1
            continue
        except Exception as exc:  # noqa: BLE001 - counted and reported
            key = f"{type(exc).__name__}: {exc}"[:120]
            errors[key] = errors.get(key, 0) + 1
            continue
        counts[op] += 1
        latencies[op].append(time.perf_counter() - started)
    results.put({
        "worker": n, "counts": counts, "latencies": latencies, "request_ids": request_ids,
        "account_ids": account_ids, "resends": resends, "locked": locked, "errors": errors,
    })


def _verify(data_dir: str, reports: list[dict], out) -> None:
    _open(data_dir)
    from models.audit import verify_chain
    from models.tables import AppointmentRequest, AuditEvent, Invitation, OutboxMessage, PortalAccount

    lost: dict[str, int] = {"appointment requests": 0, "accounts": 0, "invitations": 0, "invitation emails": 0}
    problems: list[str] = []
    for r in reports:
        ids = r["request_ids"]
        found = AppointmentRequest.select().where(AppointmentRequest.id.in_(ids)).count() if ids else 0
        lost["appointment requests"] += len(ids) - found
        mine = AppointmentRequest.select().where(AppointmentRequest.reason.startswith(f"bench w{r['worker']} #")).count()
        if mine != len(ids):
            problems.append(f"worker {r['worker']}: {mine} requests stored, {len(ids)} acknowledged")
        found = PortalAccount.select().where(PortalAccount.id.in_(r["account_ids"])).count()
        lost["accounts"] += len(r["account_ids"]) - found
        for cid, n in r["resends"].items():
            invitations = Invitation.select().where(Invitation.client == int(cid))
            lost["invitations"] += max(0, 1 + n - invitations.count())
            emails = OutboxMessage.select().where((OutboxMessage.client == int(cid)) & (OutboxMessage.kind == "invitation")).count()
            lost["invitation emails"] += max(0, 1 + n - emails)
            open_codes = invitations.where(Invitation.superseded_at.is_null() & Invitation.consumed_at.is_null()
                                           & Invitation.revoked_at.is_null()).count()
            if open_codes != 1:
                problems.append(f"chart {cid}: {open_codes} open codes after {n} resends")
    chain = verify_chain()
    out.put({"lost": lost, "problems": problems, "chain_ok": chain.ok, "chain_checked": chain.checked,
             "chain_problem": chain.problem, "audit_rows": AuditEvent.select().count()})


def run() -> Table:
    table = Table(f"Concurrency: {WORKERS} sessions writing at once for {SECONDS:.0f} s (issue 7)")
    where = machine()
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        data = Path(tmp) / "data"
        seed(data)
        go, ready, results = ctx.Event(), ctx.Queue(), ctx.Queue()
        workers = [ctx.Process(target=_worker, args=(n, str(data), SECONDS, go, ready, results), daemon=True)
                   for n in range(WORKERS)]
        for w in workers:
            w.start()
        for _ in workers:
            ready.get(timeout=300)
        started = time.monotonic()
        go.set()
        reports = []
        for _ in workers:
            try:
                reports.append(results.get(timeout=SECONDS + 300))
            except queue.Empty:
                break
        elapsed = time.monotonic() - started
        for w in workers:
            w.join(30)
        out = ctx.Queue()
        verifier = ctx.Process(target=_verify, args=(str(data), reports, out))
        verifier.start()
        check = out.get(timeout=600)
        verifier.join(30)

    table.add("workers that reported", f"{len(reports)}/{WORKERS}", f"{WORKERS}/{WORKERS}", len(reports) == WORKERS)
    for op, label in (("resend", "resends"), ("register", "registrations"), ("request", "appointment requests")):
        lat = [x for r in reports for x in r["latencies"][op]]
        total = sum(r["counts"][op] for r in reports)
        detail = f"{total} ({total / elapsed:.1f}/s)"
        if lat:
            detail += f"; median {fmt_ms(statistics.median(lat))}, p95 {fmt_ms(percentile(lat, 95))}"
        table.add(label, detail)
    locked = sum(r["locked"] for r in reports)
    table.add('"database is locked" errors', str(locked), "0", locked == 0)
    errors: dict[str, int] = {}
    for r in reports:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    table.add("other errors", str(sum(errors.values())) + (f" ({'; '.join(f'{v}x {k}' for k, v in errors.items())})" if errors else ""),
              "0", not errors)
    lost = sum(check["lost"].values())
    detail = ", ".join(f"{k} {v}" for k, v in check["lost"].items())
    table.add("lost writes (acknowledged but not stored)", f"{lost} ({detail})", "0", lost == 0)
    table.add("consistency (one open code per invited chart, requests per worker)",
              "ok" if not check["problems"] else "; ".join(check["problems"][:5]), "ok", not check["problems"])
    table.add("audit chain", f"{'verifies' if check['chain_ok'] else 'BROKEN: ' + check['chain_problem']} ({check['chain_checked']} events)",
              "verifies", check["chain_ok"])
    table.add("machine", where)
    return table


if __name__ == "__main__":
    print(run().format())
