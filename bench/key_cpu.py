"""CPU time per keystroke through each door: a figure that does not depend on load.

Round trips under load say how busy the machine was; CPU time per key says
what a key costs, whatever else runs. Both doors run for real on the seeded
demo practice (`portal serve` with its zygote, as bench/ssh.py starts it;
`portal web`, as bench/web.py starts it), each with SESSIONS kiosk sessions
on the login form, and every session types KEYS_EACH keys into the email
field (a letter, then Backspace, in turn), each key sent once the previous
one's echo arrived and a GAP after it.

- CPU per key: the CPU time (the kernel's per-thread run time, in ns, over
  every thread) of the door's process tree (the door, its zygote and the
  apps) over the typing, less what the same tree uses at rest on the login
  form over the same time, divided by the keys typed; "gross" without that
  subtraction (a blinking cursor is held steady while keys come, so the
  net figure undercounts a tree whose rest figure is mostly blinking). The
  door's own process is shown apart (asyncssh, or aiohttp and textual-serve).
- At rest: the tree's CPU per second with every session on the login form
  and nobody typing, per session (a blinking cursor costs here).
- Bytes per key: what the app wrote back per key, as the client received it.

The clients (asyncssh, or aiohttp websockets; they read bytes, no terminal
emulator) run in this process and are not counted. `python -m bench
key_cpu` runs it alone (~1 min); KEY_CPU_SESSIONS, KEY_CPU_KEYS change it.
"""
from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import asyncssh

from bench import Table
from bench._sshkit import ROOT, CpuOf, Door, machine, next_address, seed, tree

SESSIONS = int(os.environ.get("KEY_CPU_SESSIONS", "20"))
KEYS_EACH = int(os.environ.get("KEY_CPU_KEYS", "50"))
GAP = 0.1          # seconds after a key's echo before the next key
REST = 4.0         # seconds of nobody typing, for the CPU at rest
WELCOME = b"Log in"
PLACEHOLDER = b"ame@example.com"  # its first letter may be drawn apart, under the cursor
KEYS = (b"q", b"\x7f")


# --- sessions: one typist, whatever the transport ----------------------------------------------


class Session:
    """Bytes from the app, and a way to send keys; `echo()` waits for output after a key."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.bytes_in = 0
        self._more = asyncio.Event()

    def fed(self, data: bytes) -> None:
        self.received += data
        self.bytes_in += len(data)
        self._more.set()

    async def send(self, data: bytes) -> None:
        raise NotImplementedError

    async def until(self, text: bytes, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.received:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{text!r} not received")
            self._more.clear()
            try:
                await asyncio.wait_for(self._more.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def key(self, data: bytes) -> None:
        """Send a key; return once the app wrote something back."""
        self.received.clear()
        self._more.clear()
        await self.send(data)
        await asyncio.wait_for(self._more.wait(), 30)

    async def close(self) -> None:
        raise NotImplementedError


class SshSession(Session):
    async def open(self, port: int) -> "SshSession":
        self.conn = await asyncssh.connect(
            "127.0.0.1", port, username="kiosk", local_addr=(next_address(), 0),
            known_hosts=None, client_keys=None, agent_path=None, config=None, password=None,
        )
        self.process = await self.conn.create_process(term_type="xterm-256color", term_size=(80, 24), encoding=None)
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            while data := await self.process.stdout.read(65536):
                self.fed(data)
        except (asyncssh.Error, OSError):
            pass

    async def send(self, data: bytes) -> None:
        self.process.stdin.write(data)

    async def close(self) -> None:
        self.conn.close()
        self.reader.cancel()


class WebSession(Session):
    """A browser tab's websocket, as textual.js speaks it, without the browser."""

    async def open(self, url: str, client: int) -> "WebSession":
        import aiohttp

        self.http = aiohttp.ClientSession()
        headers = {"X-Forwarded-For": f"10.3.{client // 250}.{client % 250 + 1}", "Origin": url}
        self.ws = await self.http.ws_connect(url.replace("http", "ws", 1) + "/ws?width=80&height=24", headers=headers)
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        import aiohttp

        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.fed(message.data)
            elif message.type != aiohttp.WSMsgType.TEXT:
                break

    async def send(self, data: bytes) -> None:
        await self.ws.send_str(json.dumps(["stdin", data.decode()]))

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()
        self.reader.cancel()


# --- the measure --------------------------------------------------------------------------------


async def to_login(session: Session) -> None:
    await session.until(WELCOME)
    await session.send(b"\t\r")  # Welcome: Tab to "Log in", Enter
    await session.until(PLACEHOLDER)


async def type_keys(session: Session, n: int) -> None:
    for i in range(n):
        await session.key(KEYS[i % 2])
        await asyncio.sleep(GAP)


async def measure_door(table: Table, name: str, root: int, sessions: list[Session]) -> dict[str, float]:
    await asyncio.gather(*(to_login(s) for s in sessions))
    await asyncio.sleep(1.5)  # focus settles, the door's tree is complete
    pids = tree(root)
    whole, door, started = CpuOf(pids), CpuOf([root]), time.perf_counter()
    await asyncio.sleep(REST)
    rest_wall = time.perf_counter() - started
    rest = whole.seconds() / rest_wall          # cores, the whole tree
    rest_door = door.seconds() / rest_wall

    bytes0 = sum(s.bytes_in for s in sessions)
    whole, door, started = CpuOf(pids), CpuOf([root]), time.perf_counter()
    await asyncio.gather(*(type_keys(s, KEYS_EACH) for s in sessions))
    wall = time.perf_counter() - started
    keys = KEYS_EACH * len(sessions)
    await asyncio.sleep(0.3)  # the last frames
    gross_ms = whole.seconds() / keys * 1000
    tree_ms = gross_ms - rest * wall / keys * 1000
    door_gross_ms = door.seconds() / keys * 1000
    door_ms = door_gross_ms - rest_door * wall / keys * 1000
    per_key = (sum(s.bytes_in for s in sessions) - bytes0) / keys
    table.add(f"{name}: CPU per key, door and apps ({len(sessions)} sessions, {keys} keys)",
              f"{tree_ms:.2f} ms net of the rest figure (the door's own process {door_ms:.2f} ms; apps and zygote "
              f"{tree_ms - door_ms:.2f} ms); gross {gross_ms:.2f} ms (the door's own {door_gross_ms:.2f} ms); "
              f"{keys / wall:.0f} keys/s over {wall:.1f} s")
    table.add(f"{name}: at rest on the login form",
              f"{rest / len(sessions) * 1000:.2f} ms of CPU a second per session ({rest:.3f} of a core for {len(sessions)})")
    table.add(f"{name}: bytes written back per key", f"{per_key:.0f}")
    return {"key_ms": tree_ms, "door_ms": door_ms, "rest_ms_per_s": rest / len(sessions) * 1000, "bytes": per_key}


async def ssh_part(table: Table, data: Path) -> None:
    with Door(data, zygote=True, max_sessions=SESSIONS + 10) as door:
        sessions: list[Session] = []
        try:
            for _ in range(SESSIONS):
                sessions.append(await SshSession().open(door.port))
            await measure_door(table, "SSH door", door.pid, sessions)
        finally:
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


async def web_part(table: Table, data: Path) -> None:
    from bench.web import start_door

    proc, url = start_door(data)
    try:
        await asyncio.sleep(2.0)  # its zygote warms up
        sessions: list[Session] = []
        try:
            for i in range(SESSIONS):
                sessions.append(await WebSession().open(url, i))
            await measure_door(table, "browser door (websockets, no browser)", proc.pid, sessions)
        finally:
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    finally:
        proc.terminate()
        proc.wait(15)


def run() -> Table:
    table = Table("CPU per keystroke through the doors (load-independent)")
    where = machine()
    with tempfile.TemporaryDirectory(prefix="bench-keycpu-") as tmp:
        data = Path(tmp) / "data"
        seed(data)
        asyncio.run(ssh_part(table, data))
        asyncio.run(web_part(table, data))
    table.add("machine", where)
    table.add("tree", str(ROOT))
    return table


if __name__ == "__main__":
    print(run().format())
