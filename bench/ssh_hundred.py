"""The SSH door holding 100 sessions at once (issue 15), on this machine's cores.

The real door (`portal serve`, with its zygote, as bench/ssh.py starts it)
on the seeded demo practice, with `ssh_max_sessions` raised to make room
for 100 (PORTAL_SSH_MAX_SESSIONS; the default is 50). Each client connects
from its own loopback address (127.0.x.y, `_sshkit.next_address`), as 100
clients would, so the door's per-address limits (4 sessions, 4 connections)
do not apply to them.

- All get a screen: 100 kiosk sessions open, ten at a time (the door keeps
  at most 32 connections waiting for their first session, so 100 handshakes
  in the same instant would displace one another: that is the door's
  defence against floods, not what a clinic's morning looks like). Each is
  timed from the start of its connect to the first sight of the kiosk's
  "Log in".
- Keystroke round trip with all 100 open: every session goes to the login
  form, then all type into their email fields at once, one key every
  100-300 ms each (bench/ssh.py's pace for 20), each key timed until the
  field on that client's screen shows it. Target p95 <= 100 ms. Then one
  session types alone while the other 99 stay open (a quieter hour).
- The door's CPU (its process tree) while all 100 wait, nobody typing (on
  the Welcome screen, then on the login form), and while they type.
- Memory: USS (private pages) of each session's app process with all 100
  open; target <= 21 MiB each. Also the sum of PSS over the door's tree.

The clients (asyncssh, pyte screens) run in this process on the same cores
as the door and its apps; the CPU they used is shown beside the figures.

`python -m bench ssh_hundred` runs it alone (~1-2 min).
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench import Table
from bench._sshkit import Client, Door, _stat, children_of, machine, memory, mib, seed
from bench.ssh import KIOSK_TEXT, stats, to_login, type_keys
from bench.startup_baseline import fmt_ms, percentile

SESSIONS = int(os.environ.get("SSH_HUNDRED_SESSIONS", "100"))
WAVE = 10              # connects in flight at once
KEYS_EACH = 20
KEYS_ALONE = 40
GAP = (0.1, 0.3)       # seconds between one session's keys
RTT_MS = 100
USS_MIB = 21
IDLE_WINDOW = 5.0      # seconds of nobody typing, for the door's CPU at rest


async def open_sessions(port: int) -> tuple[list[Client], list[float], list[str]]:
    """SESSIONS kiosk sessions, WAVE at a time; the clients that got their
    first screen, the seconds each took, and why the others did not."""
    clients: list[Client] = []
    times: list[float] = []
    errors: list[str] = []

    async def arrive() -> tuple[Client, float]:
        started = time.perf_counter()
        c = await Client.open(port, "kiosk")
        try:
            shown = await c.until_text(KIOSK_TEXT, 60)
        except BaseException:
            await c.close()
            raise
        return c, shown - started

    for first in range(0, SESSIONS, WAVE):
        wave = min(WAVE, SESSIONS - first)
        for r in await asyncio.gather(*(arrive() for _ in range(wave)), return_exceptions=True):
            if isinstance(r, BaseException):
                errors.append(f"{type(r).__name__}: {str(r).splitlines()[0] if str(r) else ''}"[:160])
            else:
                clients.append(r[0])
                times.append(r[1])
    return clients, times, errors


def tree_pss(root: int) -> int:
    """Sum of PSS over `root` and all its descendants (what they cost together)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            total += memory(pid)["pss"]
        except OSError:
            continue
        todo.extend(children_of(pid))
    return total


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by `root` and its live descendants."""
    total, todo, tick = 0.0, [root], os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        fields = _stat(pid)
        if fields is None:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        todo.extend(children_of(pid))
    return total


async def idle_cpu(door: Door) -> float:
    """Cores the door's tree keeps busy over IDLE_WINDOW while nobody types."""
    used, started = tree_cpu(door.pid), time.perf_counter()
    await asyncio.sleep(IDLE_WINDOW)
    return (tree_cpu(door.pid) - used) / (time.perf_counter() - started)


def cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


async def measure(table: Table) -> None:
    where = machine()
    with tempfile.TemporaryDirectory(prefix="bench-ssh100-") as tmp:
        data = Path(tmp) / "data"
        seed(data)
        with Door(data, zygote=True, max_sessions=SESSIONS + 10) as door:
            # the client side warms up too (imports, first key exchange)
            warm = await Client.open(door.port, "kiosk")
            await warm.until_text(KIOSK_TEXT, 60)
            await warm.close()
            await asyncio.sleep(1.0)

            started, cpu0 = time.perf_counter(), cpu_seconds()
            clients, times, errors = await open_sessions(door.port)
            took = time.perf_counter() - started
            table.add(f"{SESSIONS} sessions open at once: first screens",
                      f"{len(clients)}/{SESSIONS} in {took:.1f} s ({WAVE} connecting at a time); "
                      f"each {stats(times) if times else '-'}, max {fmt_ms(max(times)) if times else '-'}",
                      f"{SESSIONS}/{SESSIONS}", len(clients) == SESSIONS)
            if errors:
                table.add("  sessions without a screen", "; ".join(sorted(set(errors)))[:400])
                refused = [line for line in door.log if "refus" in line.lower() or "limit" in line.lower()]
                if refused:
                    table.add("  the door said", refused[-1][:200])
            try:
                await asyncio.sleep(1.0)
                idle = await idle_cpu(door)
                table.add(f"{len(clients)} sessions open, nobody typing: the door's CPU",
                          f"{idle:.2f} of a core on the Welcome screen (the door, the zygote and the apps)")
                # --- every session types at once ---------------------------------------
                rows = await asyncio.gather(*(to_login(c) for c in clients), return_exceptions=True)
                typists = [(c, r) for c, r in zip(clients, rows) if not isinstance(r, BaseException)]
                if len(typists) < len(clients):
                    table.add("  sessions that did not reach the login form", f"{len(clients) - len(typists)}")
                await asyncio.sleep(1.0)
                idle = await idle_cpu(door)
                table.add("  the same, all on the login form (a blinking cursor each)", f"{idle:.2f} of a core")
                cpu1, t1, door_cpu = cpu_seconds(), time.perf_counter(), tree_cpu(door.pid)
                lists = await asyncio.gather(*(
                    type_keys(c, r, KEYS_EACH, GAP, random.Random(i)) for i, (c, r) in enumerate(typists)
                ), return_exceptions=True)
                wall, client_cpu = time.perf_counter() - t1, cpu_seconds() - cpu1
                door_cpu = tree_cpu(door.pid) - door_cpu
                rtts = [x for xs in lists if not isinstance(xs, BaseException) for x in xs]
                lost = sum(1 for xs in lists if isinstance(xs, BaseException))
                if rtts:
                    p95 = percentile(rtts, 95)
                    table.add(f"keystroke round trip, {len(typists)} sessions typing at once",
                              f"{stats(rtts)}, max {fmt_ms(max(rtts))} ({len(rtts)} keys"
                              + (f"; {lost} sessions lost a key" if lost else "") + ")",
                              f"p95 <= {RTT_MS} ms", p95 * 1000 <= RTT_MS and not lost)
                    table.add("  CPU meanwhile",
                              f"door and apps {door_cpu / wall:.2f} of a core ({door_cpu / len(rtts) * 1000:.1f} ms a key), "
                              f"the bench's own clients {client_cpu / wall:.2f}, over {wall:.1f} s")

                # --- one types, 99 stay open ------------------------------------------------
                if typists:
                    await asyncio.sleep(1.0)
                    c, r = typists[0]
                    alone = await type_keys(c, r, KEYS_ALONE, (0.05, 0.15), random.Random(99))
                    table.add(f"keystroke round trip, 1 session typing, {len(clients) - 1} others open",
                              f"{stats(alone)}, max {fmt_ms(max(alone))}", f"p95 <= {RTT_MS} ms",
                              percentile(alone, 95) * 1000 <= RTT_MS)

                # --- memory with all of them open -------------------------------------------
                figures = [memory(pid) for pid in door.app_pids()]
                uss = [f["uss"] for f in figures]
                if uss:
                    table.add(f"USS per session ({len(uss)} open)",
                              f"median {mib(statistics.median(uss))}, max {mib(max(uss))}; "
                              f"PSS median {mib(statistics.median(f['pss'] for f in figures))}",
                              f"<= {USS_MIB} MiB", max(uss) <= USS_MIB << 20)
                table.add(f"the door, its zygote and {len(uss)} apps together", f"PSS {mib(tree_pss(door.pid))}")
                table.add("bench clients, whole run", f"{cpu_seconds() - cpu0:.1f} CPU-s in {time.perf_counter() - started:.1f} s")
            finally:
                await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    table.add("machine", where)


def run() -> Table:
    table = Table(f"SSH door with {SESSIONS} sessions at once (issue 15)")
    asyncio.run(measure(table))
    return table


if __name__ == "__main__":
    print(run().format())
