"""Shared by the SSH benches (bench/ssh.py, bench/logins.py).

- `seed(data_dir, accounts=n)`: the demo practice plus n client accounts
  (one chart each, registered, password hashed with the product's default
  argon2 parameters), made in a child process through the domain functions.
- `Door`: `portal serve` in its own process (zygote or not), as a clinic
  would run it; its apps are found through the process tree.
- `Client`: an asyncssh session with a PTY rendered into a pyte screen;
  `until()` wakes on every chunk of output, so measured times are not
  rounded up to a polling interval. `until_still()` times a first screen the
  way bench/startup_baseline.py does: the last change to the screen's text
  once the wanted texts are there and the screen has then been still.
- `uss()`, `descendants()`, `machine()`: memory and process-tree figures.

The client runs in the bench process; the door and the apps in theirs.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Sequence

import asyncssh
import pyte

from bench.startup_baseline import SETTLE

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "quiet river morning walk"
SCREEN = (80, 24)


# --- the portal's data ---------------------------------------------------------


def portal_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "TEXTUAL"))}
    env.update(
        PORTAL_DATA_DIR=str(data_dir),
        PORTAL_CONFIG=str(data_dir / "no-config.toml"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.setdefault("LANG", "C.UTF-8")
    env.update(extra)
    return env


def seed(data_dir: Path, accounts: int = 0, *, database_url: str = "") -> dict:
    """Seed in a child process (this one keeps no database state); returns
    {"practice": name, "accounts": [email, ...], "hash_params": "m=..,t=..,p=.."}.
    `database_url`: seed that database (e.g. a PostgreSQL schema) instead
    of the data dir's SQLite file."""
    extra = {"PORTAL_DATABASE_URL": database_url} if database_url else {}
    out = subprocess.run(
        [sys.executable, "-m", "bench._sshkit", "seed", str(data_dir), str(accounts)],
        env=portal_env(data_dir, **extra), cwd=ROOT, capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _seed_here(data_dir: Path, accounts: int) -> dict:
    import argon2

    from models import passwords
    from models.chart_owner import activate_access
    from models.audit import Actor
    from models.charts import create_chart
    from models.config import load_settings
    from models.practice import get_practice
    from models.registration import register
    from models.seed import seed_demo
    from models.setup import open_portal
    from models.tables import OutboxMessage, PortalAccount

    open_portal(load_settings())
    seed_demo()
    desk = Actor("staff", "frontdesk", "bench")
    emails = []
    real = passwords.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    try:
        for i in range(accounts):
            email = f"bench{i:02d}@example.com"
            client = create_chart(desk, first_name="Bench", last_name=f"Client{chr(65 + i % 26)}{i:02d}",
                                  date_of_birth="04/05/1980", email=email)
            activate_access(desk, client)
            msg = OutboxMessage.select().where(OutboxMessage.kind == "invitation").order_by(OutboxMessage.id.desc()).get()
            register(json.loads(msg.context)["code"], client.last_name, "04/05/1980", PASSWORD, PASSWORD, source="bench")
            emails.append(email)
    finally:
        passwords.use_hasher(real)
    # One hash at the product's default parameters for every bench account
    # (what a login really verifies), instead of paying for n of them here.
    stored = passwords.hash_password(PASSWORD)
    if emails:
        PortalAccount.update(password_hash=stored).where(PortalAccount.email.in_(emails)).execute()
    params = re.search(r"\$(m=\d+,t=\d+,p=\d+)\$", stored).group(1)
    return {"practice": get_practice().name, "accounts": emails, "hash_params": params}


# --- the door in its own process ---------------------------------------------------------


class Door:
    """`python -m tui serve` on 127.0.0.1, port picked by the kernel."""

    def __init__(self, data_dir: Path, *, zygote: bool = True, max_sessions: int = 60) -> None:
        self.data_dir = data_dir
        self.zygote = zygote
        args = [sys.executable, "-m", "tui", "serve", "--host", "127.0.0.1", "--port", "0"]
        if not zygote:
            args.append("--no-zygote")
        self.proc = subprocess.Popen(
            args, env=portal_env(data_dir, PORTAL_SSH_MAX_SESSIONS=str(max_sessions)), cwd=ROOT,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True,  # its own session, as a service would run (and its own CPU autogroup)
        )
        self.pid = self.proc.pid
        self.port = 0
        self.log: deque[str] = deque(maxlen=2000)
        self._ready = threading.Event()
        self._warm = threading.Event()
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line.rstrip())
            match = re.search(r"ssh -t -p (\d+)", line)
            if match:
                self.port = int(match.group(1))
                self._ready.set()
            if "warm-up of" in line:
                self._warm.set()
        self._ready.set()
        self._warm.set()

    def wait_ready(self, timeout: float = 60.0) -> "Door":
        """Until it listens (and, with a zygote, has warmed up: a clinic's door
        has been up for a while when the first client comes)."""
        if not self._ready.wait(timeout) or not self.port:
            raise RuntimeError("the door did not start:\n" + "\n".join(self.log))
        if self.zygote and not self._warm.wait(timeout):
            raise RuntimeError("the zygote did not warm up:\n" + "\n".join(self.log))
        return self

    def zygote_pid(self) -> int | None:
        for pid in children_of(self.pid):
            if "zygote_main" in cmdline(pid):
                return pid
        return None

    def app_pids(self) -> list[int]:
        """The session apps: the zygote's children (or the door's own, without one)."""
        if self.zygote:
            zygote = self.zygote_pid()
            return children_of(zygote) if zygote else []
        return [pid for pid in children_of(self.pid) if "zygote_main" not in cmdline(pid)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Door":
        return self.wait_ready()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- clients --------------------------------------------------------------------------

_addresses = itertools.count(1)


def use_addresses_from(n: int) -> None:
    """Another client process takes its addresses from another range."""
    global _addresses
    _addresses = itertools.count(n)


def next_address() -> str:
    """A fresh loopback source address: the door limits connects per address,
    and these stand for many clients."""
    n = next(_addresses)
    return f"127.0.{(n // 250) % 250 + 1}.{n % 250 + 1}"


class Client:
    """One SSH session with a PTY, rendered into a pyte screen."""

    def __init__(self, conn: asyncssh.SSHClientConnection, process: asyncssh.SSHClientProcess,
                 cols: int, rows: int) -> None:
        self.conn = conn
        self.process = process
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.closed = False
        self.fed_at = time.perf_counter()  # when the last chunk of output arrived
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._pump())

    @classmethod
    async def open(cls, port: int, username: str, *, cols: int = SCREEN[0], rows: int = SCREEN[1],
                   connected: Callable[[], None] | None = None) -> "Client":
        conn = await asyncssh.connect(
            "127.0.0.1", port, username=username, local_addr=(next_address(), 0),
            known_hosts=None, client_keys=None, agent_path=None, config=None, password=None,
        )
        if connected is not None:
            connected()
        process = await conn.create_process(term_type="xterm-256color", term_size=(cols, rows), encoding=None)
        return cls(conn, process, cols, rows)

    async def _pump(self) -> None:
        try:
            while True:
                data = await self.process.stdout.read(65536)
                if not data:
                    break
                self.fed_at = time.perf_counter()
                self.stream.feed(data)
                self._changed.set()
        except (asyncssh.Error, OSError):
            pass
        finally:
            self.closed = True
            self._changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def has(self, text: str) -> bool:
        return any(text in line for line in self.screen.display)

    async def until(self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> float:
        """Wait until predicate() holds (checked after every chunk of output);
        returns the perf_counter time it first held."""
        deadline = time.perf_counter() + timeout
        while True:
            if predicate():
                return time.perf_counter()
            if self.closed:
                raise RuntimeError(f"session closed while waiting for {what or predicate}:\n{self.text()}")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no {what or predicate} after {timeout}s:\n{self.text()}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def until_text(self, text: str, timeout: float = 30.0) -> float:
        return await self.until(lambda: self.has(text), timeout, repr(text))

    async def until_still(self, texts: str | Sequence[str], settle: float = SETTLE, timeout: float = 30.0) -> float:
        """Wait until every one of `texts` is on screen and the screen's text
        has then not changed for `settle` seconds; returns the perf_counter
        time of the last change (the arrival of the chunk that made it), not
        the end of the quiet wait. Only text counts (`screen.display`), not
        colours. The same rule as startup_baseline.time_to_text: once all
        texts have shown, any later change moves the time on."""
        wanted = [texts] if isinstance(texts, str) else list(texts)
        deadline = time.perf_counter() + timeout
        shown: float | None = None  # when the text last changed, once every wanted text was there
        last: list[str] | None = None
        while True:
            display = self.screen.display
            if display != last:
                last = display
                if shown is not None or all(any(t in line for line in display) for t in wanted):
                    shown = self.fed_at
            now = time.perf_counter()
            if shown is not None and now - shown >= settle:
                return shown
            if self.closed:
                raise RuntimeError(f"session closed while waiting for {wanted!r} on a still screen:\n{self.text()}")
            left = deadline - now
            if left <= 0:
                raise TimeoutError(f"{wanted!r} not on a still screen after {timeout}s:\n{self.text()}")
            wait = left if shown is None else min(left, shown + settle - now)
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), wait)
            except asyncio.TimeoutError:
                pass

    def type(self, text: str) -> None:
        self.process.stdin.write(text.encode())

    async def close(self) -> None:
        self.conn.close()
        try:
            await asyncio.wait_for(self.conn.wait_closed(), 5)
        except (asyncio.TimeoutError, asyncssh.Error, OSError):
            pass
        self._reader.cancel()


# --- processes and memory ------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def children_of(parent: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[1]) == parent and fields[0] != "Z":
                out.append(int(entry))
    return sorted(out)


def tree(root: int) -> list[int]:
    """`root` and all its live descendants."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children_of(pid))
    return pids


def run_ns(pid: int) -> int:
    """Nanoseconds `pid` has run so far, all its threads (the kernel's schedstat)."""
    total = 0
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


class CpuOf:
    """CPU seconds a set of processes used since this was made (every thread's run time)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.start = sum(run_ns(pid) for pid in pids)

    def seconds(self) -> float:
        return (sum(run_ns(pid) for pid in self.pids) - self.start) / 1e9


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def memory(pid: int) -> dict[str, int]:
    """Rss, Pss and USS (Private_Clean + Private_Dirty) in bytes, from smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            values[name.strip()] = int(parts[0]) * 1024
    return {
        "rss": values.get("Rss", 0),
        "pss": values.get("Pss", 0),
        "uss": values.get("Private_Clean", 0) + values.get("Private_Dirty", 0),
    }


def mib(n: float) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    load = os.getloadavg()[0]
    return f"{os.cpu_count()} cores ({model}), {ram / (1 << 30):.1f} GiB RAM, load {load:.2f} at start"


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "seed":
        print(json.dumps(_seed_here(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
    else:
        print("usage: python -m bench._sshkit seed DATA_DIR [ACCOUNTS]", file=sys.stderr)
        sys.exit(2)
