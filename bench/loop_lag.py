"""The event loop never blocks (issue 15): loop lag of the real apps over a slow database.

A person drives the staff app (sign in, search, open a chart,
Communications, resend an invitation, then two polls of the Chart Owner box
and a session poll go by) and the kiosk (log in, switch panes, open a
document, two session polls) headless (`App.run_test`, keys through Pilot
at a typist's pace), on the seeded demo practice in a private PostgreSQL
schema, with the product's real argon2 hashes. A 5 ms ticker on the app's
event loop measures its lag: each tick sleeps 5 ms and counts how much
later than that it woke.

Each drive runs twice: through a TCP proxy that delays every chunk by 20 ms
each way (bench/_delay_proxy.py, in its own process: a database across a
clinic's network, where a call made on the loop holds it for a round trip
or more), and straight to PostgreSQL for reference. Targets are for the
proxied drive: maximum lag <= 30 ms, p99 <= 15 ms. The app's start-up, to
its first screen, is not counted: every Textual app builds its first
screen on the loop.

What blocks is named too: every callback the loop runs is timed, and while
one has run for more than 5 ms a watchdog thread samples the loop thread's
stack every 2 ms. A callback of 10 ms or more is a stall, named by its most
sampled stack: the innermost frame in tui/ (the screen code), the outermost
frame in models/ below it (the domain call) and, in brackets, the package
of the innermost frame ([psycopg]: waiting on the database). The rows list
the stalls that cost most in total, for both drives: with no added
latency, what is left is the apps' own work (Textual's layout and
painting, and local queries). Each stall also says how much CPU time the
loop's thread spent in it, and a row gives the longest callback by that
measure: on a shared, loaded machine the wall-clock lag includes waiting
for a core, and CPU time is what the code itself costs.

Each drive runs in a fresh process (as a workstation runs one app) on a
freshly seeded schema; the process builds its app with the collector
paused and its heap frozen, and installs the patches, as `portal staff` /
`portal kiosk` do (tui.startup.run_app).
Headless, Textual computes every frame but does not write it to a terminal.

`python -m bench loop_lag` runs it alone (~2 min); PORTAL_TEST_POSTGRES
names the server (default postgresql://postgres@127.0.0.1:5432/test).
"""
from __future__ import annotations

import asyncio
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

from bench import Table
from bench._sshkit import ROOT, machine, portal_env, seed
from bench.startup_baseline import percentile

PG_URL = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
DELAY = 0.020          # seconds added to every chunk, each way
TICK = 0.005           # the ticker's sleep
MAX_LAG_MS = 30
P99_LAG_MS = 15
STALL = 0.010          # a callback this long is a stall, and is named
SAMPLE_AFTER = 0.005   # the watchdog samples a callback running longer than this ...
SAMPLE_EVERY = 0.002   # ... this often
KEY_GAP = 0.06         # between keystrokes while typing
LOOK = 0.3             # a person looks at the screen before the next step
POLLS_STAFF = 7.0      # two 3 s Chart Owner refreshes and the 5 s session poll
POLLS_KIOSK = 4.5      # two 2 s session polls (and the idle ticks)
STAFF_USER, STAFF_PASSWORD = "frontdesk", "blue lantern orchard"
CLIENT_EMAIL, CLIENT_PASSWORD = "riley.brooks@example.com", "quiet river morning walk"
TOP_STALLS = 6          # stalls listed for the proxied drive ...
TOP_DIRECT = 3          # ... and for the direct one


# --- measuring, in the drive's process ---------------------------------------------------


class LagMeter:
    """The ticker: (phase, lag in seconds) for every 5 ms tick."""

    def __init__(self) -> None:
        self.phase = "start"
        self.samples: list[tuple[str, float]] = []
        self._task: asyncio.Task | None = None

    def start(self, phase: str) -> None:
        self.phase = phase
        self._task = asyncio.get_running_loop().create_task(self._tick(), name="lag ticker")

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            t0 = loop.time()
            await asyncio.sleep(TICK)
            self.samples.append((self.phase, loop.time() - t0 - TICK))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def _where(frame: Any) -> str:
    """A stack, named by its screen code, its domain call and its innermost package."""
    tui = models = None
    innermost = None
    f = frame
    while f is not None:
        path = f.f_code.co_filename
        if innermost is None:
            innermost = path
        rel = _relative(path)
        name = f"{rel} {f.f_code.co_qualname.replace('.<locals>', '')}"
        if rel.startswith("tui/") and not rel.startswith("tui/textual_patches/") and tui is None:
            tui = name  # (a patch's frame is Textual's work: named by its step below)
        elif rel.startswith("models/") and tui is None:
            models = name  # walking outwards: the last one seen is the outermost
        f = f.f_back
    lib = _package(innermost or "")
    parts = [p for p in (tui, models) if p]
    if not parts:
        return f"(no portal code) [{lib}] {_textual_step(frame)}"
    return " -> ".join(parts) + f" [{lib}]"


@functools.lru_cache(maxsize=None)
def _relative(path: str) -> str:
    """The path inside the repository, or "" (cached: the watchdog holds the GIL meanwhile)."""
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return ""


@functools.lru_cache(maxsize=None)
def _package(path: str) -> str:
    p = Path(path)
    if "site-packages" in p.parts:
        return p.parts[p.parts.index("site-packages") + 1].removesuffix(".py")
    rel = _relative(path)
    return rel.split("/", 1)[0] if rel else p.stem  # the standard library: the module's name


def _textual_step(frame: Any) -> str:
    """For a stack in Textual alone: the handler the loop was in and its
    next call (e.g. `Screen._on_timer_update > Screen._compositor_refresh`:
    painting), and the widget whose lines were being rendered, if any."""
    chain = []
    f = frame
    while f is not None:
        chain.append(f)
        f = f.f_back
    chain.reverse()  # outermost first
    names = [(Path(f.f_code.co_filename).name, f.f_code.co_qualname) for f in chain]
    dispatch = ("_callback.py", "message_pump.py", "timer.py", "events.py", "base_events.py", "loop_lag.py")
    start = max((i for i, (file, _) in enumerate(names) if file in dispatch), default=-1) + 1
    steps = [q for _, q in names[start:start + 2]]
    widget = next((q for _, q in reversed(names) if q.endswith(".render_lines") and not q.startswith("Widget.")), None)
    return " > ".join(steps) + (f" ({widget})" if widget else "")


class StallWatch:
    """Times every callback the loop thread runs; samples the stack of long ones."""

    def __init__(self, meter: LagMeter) -> None:
        self.meter = meter
        self.main = threading.get_ident()
        self.stalls: list[dict[str, Any]] = []
        self.longest_cpu: tuple[float, str] = (0.0, "")  # the callback that used most CPU, and its phase
        self._current: tuple[float, list[str]] | None = None  # (started, samples) of the running callback
        self._stop = threading.Event()
        self._original = asyncio.events.Handle._run

    def install(self) -> None:
        watch, original = self, self._original

        def _run(handle: asyncio.events.Handle) -> None:
            if threading.get_ident() != watch.main:
                return original(handle)
            samples: list[str] = []
            started = time.perf_counter()
            cpu = time.thread_time()
            watch._current = (started, samples)
            try:
                return original(handle)
            finally:
                took = time.perf_counter() - started
                cpu = time.thread_time() - cpu
                watch._current = None
                if watch.meter.phase != "start":  # start-up, to the first screen, is not counted
                    watch.longest_cpu = max(watch.longest_cpu, (cpu, watch.meter.phase))
                if took >= STALL:
                    watch._record(handle, took, cpu, samples)

        asyncio.events.Handle._run = _run  # type: ignore[method-assign]
        threading.Thread(target=self._sample, name="stall watchdog", daemon=True).start()

    def uninstall(self) -> None:
        self._stop.set()
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            current = self._current
            if current is None or time.perf_counter() - current[0] < SAMPLE_AFTER:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is not None and self._current is current:  # still the same callback
                current[1].append(_where(frame))

    def _record(self, handle: asyncio.events.Handle, took: float, cpu: float, samples: list[str]) -> None:
        if samples:
            where = Counter(samples).most_common(1)[0][0]
        else:
            where = "(not sampled) " + _handle_name(handle)
        self.stalls.append({"phase": self.meter.phase, "ms": took * 1000, "cpu_ms": cpu * 1000, "where": where})


def _handle_name(handle: asyncio.events.Handle) -> str:
    """A task's name and coroutine (as asyncio's debug mode names a slow callback)."""
    task = getattr(handle._callback, "__self__", None)
    if isinstance(task, asyncio.Task):
        return f"task {task.get_name()!r} ({task.get_coro().__qualname__})"
    return repr(handle)[:120]


def _screen_words(app: Any) -> str:
    """What is on the app's screen, for a drive that lost its way."""
    texts = []
    for widget in app.screen.query("Static"):
        words = _text(widget).strip()
        if words and widget.display:
            texts.append(words)
    return f"{type(app.screen).__name__}: " + " | ".join(texts)[:1500]


async def _until(predicate: Callable[[], bool], what: str, timeout: float = 30.0, app: Any = None) -> None:
    """Wait, looking at the screen every 20 ms, until `predicate()` holds."""
    deadline = time.perf_counter() + timeout
    while True:
        try:
            if predicate():
                return
        except Exception:  # a widget not there yet
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no {what} after {timeout:.0f} s" + (f"; on screen: {_screen_words(app)}" if app else ""))
        await asyncio.sleep(0.02)


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
        await asyncio.sleep(KEY_GAP)


def _text(widget: Any) -> str:
    return str(widget.render())


def _on(app: Any, *screens: str) -> bool:
    """Is the app showing one of these screens? (By name: the drive imports
    no screen itself, so each is imported when the app first needs it, as
    for a person.)"""
    return type(app.screen).__name__ in screens


async def drive_staff(meter: LagMeter) -> None:
    from tui.startup import collector_paused

    with collector_paused():
        from tui.staff.app import StaffApp

        app = StaffApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(lambda: _on(app, "StaffLoginScreen") and app.focused.id == "username", "sign-in screen")
        await asyncio.sleep(LOOK)
        meter.start("sign in")
        await _type(pilot, STAFF_USER)
        await pilot.press("enter")
        await _type(pilot, STAFF_PASSWORD)
        await pilot.press("enter")

        def page_shown() -> bool:
            screen = app.screen
            return _on(app, "ClientListScreen") and screen.query_one("#clients").row_count > 0
        await _until(page_shown, "client list", app=app)
        await asyncio.sleep(LOOK)

        meter.phase = "search"
        await pilot.press("ctrl+f")
        await _type(pilot, "avery")

        def found() -> bool:
            table = app.screen.query_one("#clients")
            rows = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
            return app.screen.term == "avery" and bool(rows) and all("Avery" in r for r in rows)
        await _until(found, "Avery in the results")
        await asyncio.sleep(LOOK)

        meter.phase = "open chart"
        await pilot.press("enter")  # the search is done: to the results
        await pilot.press("enter")  # open the highlighted chart
        await _until(lambda: _on(app, "ChartRoomScreen") and app.screen.query_one("#overview-tab").is_mounted, "chart room")
        await asyncio.sleep(LOOK)

        meter.phase = "communications"
        await pilot.press("f3")
        await _until(lambda: _text(app.screen.query_one("#owner-tag")).strip() != "", "Chart Owner box")
        await asyncio.sleep(LOOK)

        meter.phase = "resend"
        await pilot.press("ctrl+o")
        await _until(lambda: _on(app, "OwnerActionsMenu"), "owner menu")
        menu = app.screen.query_one("#owner-actions")
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        await asyncio.sleep(LOOK)
        for _ in range(ids.index("resend")):
            await pilot.press("down")
            await asyncio.sleep(KEY_GAP)
        await pilot.press("enter")
        await _until(lambda: _on(app, "ConfirmActionScreen"), "confirmation")
        await asyncio.sleep(LOOK)
        await pilot.press("tab")  # a confirmation opens on Cancel
        await asyncio.sleep(KEY_GAP)
        await pilot.press("enter")
        await _until(lambda: _on(app, "ChartRoomScreen")
                     and "Invited" in _text(app.screen.query_one("#owner-tag")), "the resent invitation")

        meter.phase = "polls"
        await asyncio.sleep(POLLS_STAFF)
        meter.stop()


async def drive_kiosk(meter: LagMeter) -> None:
    from tui.startup import collector_paused

    with collector_paused():
        from textual.widgets import TabbedContent

        from tui.kiosk.app import KioskApp

        app = KioskApp(source="kiosk")
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(lambda: _on(app, "WelcomeScreen") and app.screen.is_mounted, "welcome screen")
        await asyncio.sleep(LOOK)
        meter.start("kiosk log in")
        await pilot.press("enter")  # a letter here would open the form with it typed in the email
        await _until(lambda: _on(app, "LoginScreen") and app.focused.id == "email", "login form")
        await asyncio.sleep(LOOK)
        await _type(pilot, CLIENT_EMAIL)
        await pilot.press("enter")
        await _type(pilot, CLIENT_PASSWORD)
        await pilot.press("enter")
        await _until(lambda: _on(app, "DashboardScreen", "ChooseChartScreen"), "dashboard", app=app)
        if _on(app, "ChooseChartScreen"):
            await asyncio.sleep(LOOK)
            await pilot.press("enter")
        await _until(lambda: _on(app, "DashboardScreen")
                     and app.screen.query_one("#documents-table").row_count > 0, "documents list")
        # A client with forms waiting lands on Forms once their list is in: a
        # key pressed before that was undone by the landing (the drive then
        # waited 30 s for a pane the landing had left).
        await _until(lambda: app.screen.landed, "the dashboard landed", app=app)
        await asyncio.sleep(LOOK)

        meter.phase = "switch panes"
        tabs = app.screen.query_one("#tabs", TabbedContent)
        for key, pane in (("f4", "appointments"), ("f5", "balance"), ("f6", "account"), ("f3", "documents")):
            await pilot.press(key)
            await _until(lambda: tabs.active == pane and app.screen.query_one(f"#{pane}-pane").is_mounted, f"the {pane} pane", app=app)
            await asyncio.sleep(LOOK)

        meter.phase = "open document"
        await _until(lambda: app.focused.id == "documents-table", "the documents list focused")
        await pilot.press("enter")
        await _until(lambda: _on(app, "DocumentScreen") and app.screen.is_mounted, "the document")
        await asyncio.sleep(LOOK)
        await pilot.press("escape")
        await _until(lambda: _on(app, "DashboardScreen"), "back to the documents")

        meter.phase = "kiosk polls"
        await asyncio.sleep(POLLS_KIOSK)
        meter.stop()


def drive(which: str, out: Path) -> None:
    """One drive in this process (the portal opened from PORTAL_* as the
    product does); writes the ticks and stalls to `out` as JSON."""
    from tui.shared.runtime import open_app_storage
    from tui.textual_patches import install_all

    open_app_storage()
    install_all()  # as tui.startup.run_app does for `portal staff` / `portal kiosk`
    meter = LagMeter()
    watch = StallWatch(meter)
    watch.install()
    try:
        asyncio.run(asyncio.wait_for((drive_staff if which == "staff" else drive_kiosk)(meter), 120))
    finally:
        watch.uninstall()
    out.write_text(json.dumps({"samples": meter.samples, "stalls": watch.stalls, "longest_cpu": watch.longest_cpu}))


# --- the bench, in the parent process -----------------------------------------------------


def _admin():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)


def _schema_url(base: str, schema: str) -> str:
    return f"{base}?options=-csearch_path%3D{schema}"


def _via(url: str, port: int) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


class DelayProxy:
    """bench/_delay_proxy.py in its own process, in front of PostgreSQL."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench._delay_proxy", str(target_port), str(delay)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError("the delay proxy did not start")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _one_drive(which: str, url: str, tag: str) -> dict[str, Any]:
    """Seed a fresh schema, then drive `which` in a child process against `url_for(schema)`."""
    schema = f"bench_looplag_{os.getpid()}_{tag}"
    with _admin() as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        with tempfile.TemporaryDirectory(prefix="bench-looplag-") as tmp:
            data = Path(tmp) / "data"
            seed(data, database_url=_schema_url(PG_URL, schema))
            out = Path(tmp) / "result.json"
            env = portal_env(data, PORTAL_DATABASE_URL=_schema_url(url, schema))
            done = subprocess.run(
                [sys.executable, "-m", "bench.loop_lag", "drive", which, str(out)],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
            )
            if done.returncode != 0 or not out.exists():
                raise RuntimeError(f"the {which} drive failed:\n{done.stderr[-4000:]}")
            return json.loads(out.read_text())
    finally:
        with _admin() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _lag_summary(lags: list[float]) -> str:
    over15 = sum(1 for x in lags if x > 0.015)
    over30 = sum(1 for x in lags if x > 0.030)
    return (f"max {_ms(max(lags))}, p99 {_ms(percentile(lags, 99))}, median {_ms(statistics.median(lags))}; "
            f"{over15} ticks > 15 ms, {over30} > 30 ms, of {len(lags)}")


def _phases(samples: list[tuple[str, float]]) -> str:
    worst: dict[str, float] = {}
    slow: Counter[str] = Counter()
    order: list[str] = []
    for phase, lag in samples:
        if phase not in worst:
            order.append(phase)
            worst[phase] = lag
        worst[phase] = max(worst[phase], lag)
        if lag > 0.015:
            slow[phase] += 1
    return "; ".join(f"{p} {worst[p] * 1000:.0f} ms ({slow[p]} > 15)" for p in order)


def _top_stalls(stalls: list[dict[str, Any]]) -> list[tuple[str, int, float, float, float, list[str]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in stalls:
        if s["phase"] != "start":  # start-up, to the first screen, is not counted
            groups[s["where"]].append(s)
    ranked = []
    for where, items in groups.items():
        phases = list(dict.fromkeys(s["phase"] for s in items))
        longest = max(items, key=lambda s: s["ms"])
        ranked.append((where, len(items), sum(s["ms"] for s in items), longest["ms"], longest["cpu_ms"], phases))
    ranked.sort(key=lambda r: -r[2])
    return ranked


def measure(table: Table) -> None:
    pg_port = urlsplit(PG_URL).port or 5432
    proxy = DelayProxy(pg_port, DELAY)
    try:
        for which, name in (("staff", "staff app"), ("kiosk", "kiosk")):
            slow = _one_drive(which, _via(PG_URL, proxy.port), f"{which}_proxy")
            direct = _one_drive(which, PG_URL, f"{which}_direct")
            lags = [lag for phase, lag in slow["samples"]]
            table.add(f"{name}, PostgreSQL +{DELAY * 1000:.0f} ms each way: loop lag", _lag_summary(lags))
            table.add(f"{name}, maximum lag", _ms(max(lags)), f"<= {MAX_LAG_MS} ms", max(lags) * 1000 <= MAX_LAG_MS)
            p99 = percentile(lags, 99)
            table.add(f"{name}, p99 lag", _ms(p99), f"<= {P99_LAG_MS} ms", p99 * 1000 <= P99_LAG_MS)
            table.add(f"{name}, worst lag by phase (+{DELAY * 1000:.0f} ms)", _phases(slow["samples"]))
            cpu, phase = slow["longest_cpu"]
            table.add(f"{name}, longest callback in CPU time of the loop's thread (+{DELAY * 1000:.0f} ms)",
                      f"{_ms(cpu)} ({phase})")
            for where, n, total, worst, worst_cpu, phases in _top_stalls(slow["stalls"])[:TOP_STALLS]:
                table.add("  blocks the loop",
                          f"{total:.0f} ms in {n} x, longest {worst:.0f} ms (CPU {worst_cpu:.0f} ms) ({', '.join(phases)}): {where}")
            table.add(f"{name}, direct PostgreSQL (reference): loop lag",
                      _lag_summary([lag for _, lag in direct["samples"]]))
            table.add(f"{name}, worst lag by phase (direct)", _phases(direct["samples"]))
            for where, n, total, worst, worst_cpu, phases in _top_stalls(direct["stalls"])[:TOP_DIRECT]:
                table.add("  blocks the loop (direct)",
                          f"{total:.0f} ms in {n} x, longest {worst:.0f} ms (CPU {worst_cpu:.0f} ms) ({', '.join(phases)}): {where}")
    finally:
        proxy.stop()
    table.add("machine", machine())


def run() -> Table:
    table = Table("Event loop lag over a slow database (issue 15: the event loop never blocks)")
    try:
        _admin().close()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        table.add("loop lag", f"not measured: PostgreSQL not reachable at {PG_URL} ({exc})", "PostgreSQL", False)
        return table
    measure(table)
    return table


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "drive":
        try:
            drive(sys.argv[2], Path(sys.argv[3]))
        except BaseException:
            traceback.print_exc()
            sys.exit(1)
    else:
        print(run().format())
