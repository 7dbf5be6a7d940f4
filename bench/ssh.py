"""The SSH door at clinic scale: first paint, keystrokes, memory, a rush of connects.

Everything runs for real: `portal serve` in its own process (with its zygote,
and a second door with `--no-zygote` for the "before" figures), the seeded
demo practice, asyncssh clients rendering into pyte screens in this process.

- First paint: from opening the session (SSH connected and authenticated)
  until the app's first screen is whole on the client's screen: its wanted
  texts are there (kiosk: "Welcome to the client portal" and the footer's
  "I have a code"; staff: "Staff sign in") and the clock stops at the last
  change to the screen's text before it stayed still for SETTLE seconds
  (the quiet wait not counted; colours do not count). Textual may paint a
  screen in pieces, so first sight of a text would time a partial frame.
  The yardstick is a minimal Textual app's cold start to first frame, timed
  by the same rule (bench/startup_baseline.py), sampled in the same loop,
  interleaved with the door's samples.
- Keystroke round trip: a key sent to the kiosk's email field until the
  field on the client's screen shows it; one session alone, then 20 sessions
  typing at once (one key every 100-300 ms each).
- Memory: unique set size (Private_Clean + Private_Dirty from
  /proc/<pid>/smaps_rollup) of each session's app process, with 20 open.
- 20 sessions connecting at once: all must get their first screen (timed
  to the first sight of the kiosk's "Log in", not to a still screen).

`python -m bench ssh` runs it alone; SSH_BENCH_SAMPLES sets the first-paint samples.
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import string
import tempfile
import time
from pathlib import Path

from bench import Table
from bench._sshkit import Client, Door, machine, memory, mib, seed
from bench.startup_baseline import cold_start, fmt_ms, percentile

SAMPLES = int(os.environ.get("SSH_BENCH_SAMPLES", "12"))
SESSIONS = 20
KEYS_ONE = 60
KEYS_EACH = 40
FIRST_PAINT_RATIO = 0.5
RTT_ONE_MS = 50
RTT_MANY_MS = 150
USS_MIB = 40
KIOSK_TEXT = "Log in"  # first sight of the kiosk (to_login, the rush)
# What a first screen must show, whole, for first paint (as bench/startup.py):
KIOSK_WELCOME = ("Welcome to the client portal", "I have a code")
STAFF_WELCOME = ("Staff sign in",)
EMAIL_PLACEHOLDER = "name@example.com"


async def first_paint(port: int, username: str, texts: tuple[str, ...]) -> tuple[float, float]:
    """(seconds from session open to the last change of a screen showing
    all `texts` that then stayed still for SETTLE, seconds to connect)."""
    marks: dict[str, float] = {"start": time.perf_counter()}
    client = await Client.open(port, username, connected=lambda: marks.__setitem__("open", time.perf_counter()))
    try:
        shown = await client.until_still(texts, timeout=30)
    finally:
        await client.close()
    return shown - marks["open"], marks["open"] - marks["start"]


async def to_login(client: Client) -> int:
    """From the kiosk's welcome screen to the login form; returns the screen
    row of the (empty, focused) email field."""
    await client.until_text(KIOSK_TEXT, 30)
    client.type("\t\r")  # Welcome: Tab to "Log in", Enter (a letter would be typed as the email)
    await client.until_text(EMAIL_PLACEHOLDER, 30)
    await asyncio.sleep(0.3)  # focus settles
    return next(i for i, line in enumerate(client.screen.display) if EMAIL_PLACEHOLDER in line)


class Typist:
    """Types letters into the kiosk's email field (screen row `row`) and times
    each key until the field shows it; empties the field (untimed) every 20."""

    def __init__(self, client: Client, row: int, rng: random.Random) -> None:
        self.client = client
        self.row = row
        self.rng = rng
        self.typed = ""
        self.sent: list[float] = []  # perf_counter of each timed key's send

    def _field(self) -> str:
        # The field's row only: `screen.display` builds every row (~0.7 ms a
        # call, on the same cores as the door, once or more per key).
        screen = self.client.screen
        line = screen.buffer[self.row]
        return "".join(line[x].data for x in range(screen.columns))

    async def key(self) -> float:
        client = self.client
        if len(self.typed) >= 20:
            client.type("\x01\x0b")  # ctrl+a, ctrl+k
            await client.until(lambda: EMAIL_PLACEHOLDER in self._field(), 10, "empty field")
            self.typed = ""
        self.typed += self.rng.choice(string.ascii_lowercase)
        want = self.typed
        sent = time.perf_counter()
        self.sent.append(sent)
        client.type(want[-1])
        shown = await client.until(lambda: want in self._field(), 10, f"{want!r} in the field")
        return shown - sent

    async def keys(self, n: int, gap: tuple[float, float], start: float = 0.0) -> list[float]:
        """n keys, `gap` seconds apart; the first after `start` seconds."""
        if start:
            await asyncio.sleep(start)
        rtts = []
        for _ in range(n):
            rtts.append(await self.key())
            await asyncio.sleep(self.rng.uniform(*gap))
        return rtts


async def type_keys(client: Client, row: int, n: int, gap: tuple[float, float], rng: random.Random) -> list[float]:
    """Type n letters into the email field; each key's round trip in seconds."""
    return await Typist(client, row, rng).keys(n, gap)


async def rush(port: int) -> tuple[list[Client], list[float]]:
    """SESSIONS clients connecting at once; those that got the kiosk's first
    screen, and the seconds from the start until each did. Timed to the
    first sight of KIOSK_TEXT (a partial Welcome counts), not to a whole,
    still screen as first_paint() is: this measures that every
    session is let in and answered under load."""
    started = time.perf_counter()

    async def arrive() -> tuple[Client, float]:
        c = await Client.open(port, "kiosk")
        shown = await c.until_text(KIOSK_TEXT, 60)
        return c, shown - started

    results = await asyncio.gather(*(arrive() for _ in range(SESSIONS)), return_exceptions=True)
    ok = [r for r in results if not isinstance(r, BaseException)]
    return [c for c, _ in ok], [t for _, t in ok]


def stats(values: list[float]) -> str:
    return f"median {fmt_ms(statistics.median(values))}, p95 {fmt_ms(percentile(values, 95))}"


async def measure(table: Table) -> None:
    where = machine()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-ssh-") as tmp:
        data = Path(tmp) / "data"
        seed(data)
        with Door(data, zygote=True) as door, Door(data, zygote=False) as fresh:
            # --- first paint, interleaved with the yardstick ------------------------
            base, kiosk, staff, kiosk_fresh, connects = [], [], [], [], []
            await first_paint(door.port, "kiosk", KIOSK_WELCOME)  # the client side warms up too
            for _ in range(SAMPLES):
                base.append(await asyncio.get_running_loop().run_in_executor(None, cold_start))
                await asyncio.sleep(0.2)
                seconds, connect = await first_paint(door.port, "kiosk", KIOSK_WELCOME)
                kiosk.append(seconds)
                connects.append(connect)
                await asyncio.sleep(0.2)
                staff.append((await first_paint(door.port, "staff", STAFF_WELCOME))[0])
                await asyncio.sleep(0.2)
                kiosk_fresh.append((await first_paint(fresh.port, "kiosk", KIOSK_WELCOME))[0])
                await asyncio.sleep(0.2)
            b = statistics.median(base)
            table.add("minimal Textual app, cold start to first frame", stats(base), "yardstick")
            for name, values in (("kiosk", kiosk), ("staff", staff)):
                ratio = statistics.median(values) / b
                table.add(f"first paint after connect, {name} (zygote)", f"{stats(values)}; {ratio:.2f} x yardstick",
                          f"<= {FIRST_PAINT_RATIO} x", ratio <= FIRST_PAINT_RATIO)
            table.add("first paint after connect, kiosk (--no-zygote, before)",
                      f"{stats(kiosk_fresh)}; {statistics.median(kiosk_fresh) / b:.2f} x yardstick")
            table.add("SSH connect + auth (not in first paint)", stats(connects))

            # the rush and the memory with fresh processes, for comparison
            opened, times = await rush(fresh.port)
            table.add(f"{SESSIONS} sessions connecting at once (--no-zygote, before)",
                      f"{len(opened)}/{SESSIONS}; last after {fmt_ms(max(times)) if times else '-'}")
            for client in opened[:3]:
                row = await to_login(client)
                await type_keys(client, row, 5, (0.02, 0.05), rng)
            fresh_uss = [memory(pid)["uss"] for pid in fresh.app_pids()]
            for client in opened:
                await client.close()
            if fresh_uss:
                table.add(f"USS per session (--no-zygote, before; {len(fresh_uss)} open)", f"median {mib(statistics.median(fresh_uss))}")
            fresh.stop()

            # --- keystrokes, one session ------------------------------------------------
            client = await Client.open(door.port, "kiosk")
            row = await to_login(client)
            one = await type_keys(client, row, KEYS_ONE, (0.05, 0.15), rng)
            await client.close()
            table.add("keystroke round trip, 1 session", stats(one), f"p95 <= {RTT_ONE_MS} ms",
                      percentile(one, 95) * 1000 <= RTT_ONE_MS)

            # --- 20 sessions connecting at once ---------------------------------------
            await asyncio.sleep(0.5)
            clients, times = await rush(door.port)
            table.add(f"{SESSIONS} sessions connecting at once: first screens",
                      f"{len(clients)}/{SESSIONS}; last after {fmt_ms(max(times)) if times else '-'}, median {fmt_ms(statistics.median(times)) if times else '-'}",
                      f"{SESSIONS}/{SESSIONS}", len(clients) == SESSIONS)

            # --- keystrokes, 20 sessions typing at once -------------------------------
            rows = await asyncio.gather(*(to_login(c) for c in clients))
            many_lists = await asyncio.gather(*(
                type_keys(c, r, KEYS_EACH, (0.1, 0.3), random.Random(i)) for i, (c, r) in enumerate(zip(clients, rows))
            ))
            many = [x for xs in many_lists for x in xs]
            table.add(f"keystroke round trip, {len(clients)} sessions typing", f"{stats(many)}, max {fmt_ms(max(many))}",
                      f"p95 <= {RTT_MANY_MS} ms", percentile(many, 95) * 1000 <= RTT_MANY_MS)

            # --- memory with 20 sessions open -----------------------------------------
            figures = [memory(pid) for pid in door.app_pids()]
            uss = [f["uss"] for f in figures]
            zygote = door.zygote_pid()
            if uss:
                table.add(f"USS per session (zygote, {len(uss)} open)",
                          f"median {mib(statistics.median(uss))}, max {mib(max(uss))}; PSS median {mib(statistics.median(f['pss'] for f in figures))}",
                          f"<= {USS_MIB} MiB", max(uss) <= USS_MIB << 20)
            if zygote:
                z = memory(zygote)
                table.add("the zygote itself (shared by all sessions)", f"RSS {mib(z['rss'])}, USS {mib(z['uss'])}")
            for c in clients:
                await c.close()
    table.add("machine", where)


def run() -> Table:
    table = Table("SSH door (issue 7: fast at clinic scale)")
    asyncio.run(measure(table))
    return table


if __name__ == "__main__":
    print(run().format())
