"""One address, or a few, cannot fill the SSH door.

Real door, real asyncssh clients and raw TCP sockets. All of 127.0.0.0/8 is
loopback on Linux, so a test binds its clients to 127.x source addresses to
play several hosts; loopback gets no exemption from the limits.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time

import asyncssh
import pytest

from models.config import Settings
from tui.ssh import configure_logging
from tui.ssh.limits import WaitingPool, address_key

from .termclient import FakeClock, Term, connect, door_for, pid_gone, run, wait_until

pytestmark = pytest.mark.ssh

REFUSED = (asyncssh.DisconnectError, ConnectionError)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


async def _session(conn) -> tuple[Term, int]:
    term = await Term.open(conn)
    match = await term.wait_for(r"pid=(\d+)")
    return term, int(match.group(1))


async def _refused_session(conn) -> str:
    term = await Term.open(conn)
    await term.wait_closed(5)
    return term.output()


def test_an_address_at_its_limits_leaves_other_addresses_able_to_connect(settings):
    async def body():
        async with await door_for(settings) as door:  # the defaults: 4 connections, 4 sessions per address
            busy = "127.0.0.5"
            first = await connect(door.port, "register+SECRET-CODE-1", local_addr=(busy, 0))
            second = await connect(door.port, "staff", local_addr=(busy, 0))
            sessions = [await _session(c) for c in (first, first, second, second)]
            third = await connect(door.port, "register+SECRET-CODE-3", local_addr=(busy, 0))
            assert f"Too many sessions from {busy} are open (4)" in await _refused_session(third)
            fourth = await connect(door.port, "kiosk", local_addr=(busy, 0))
            with pytest.raises(REFUSED) as refused:
                await connect(door.port, "kiosk", local_addr=(busy, 0))
            assert f"Too many connections from {busy} are open (4)" in str(refused.value)

            # Another address gets a connection and a session at once.
            other = await connect(door.port, "kiosk", local_addr=("127.0.0.6", 0))
            term, _ = await _session(other)
            assert "source=ssh:127.0.0.6" in term.text()
            assert door.active_sessions == 5

            # A session ended at the busy address frees its place there.
            first_term, first_pid = sessions[0]
            first_term.process.close()
            await wait_until(lambda: pid_gone(first_pid) and door.active_sessions == 4, 5,
                             "session ended", on=door.changes)
            await _session(third)
            for conn in (first, second, third, fourth, other):
                conn.close()
            await wait_until(lambda: door.open_connections == 0, 5, "connections closed", on=door.changes)

    handlers = configure_logging(settings, stderr=False)
    try:
        run(body())
    finally:
        for handler in handlers:
            logging.getLogger("portal.ssh").removeHandler(handler)
            handler.close()
    text = (settings.data_dir / "ssh.log").read_text()
    assert "refused session peer=127.0.0.5 user=register+<code>: per-address limit" in text
    assert re.search(r"refused connection peer=127\.0\.0\.5:\d+: Too many connections from 127\.0\.0\.5", text)
    assert "SECRET" not in text


def test_the_last_slots_are_kept_for_addresses_holding_none(settings):
    async def body():
        async with await door_for(settings, max_sessions=3, session_reserve=1) as door:
            here = await connect(door.port, "kiosk", local_addr=("127.0.0.7", 0))
            await _session(here)
            await _session(here)
            again = await connect(door.port, "kiosk", local_addr=("127.0.0.7", 0))
            assert "The portal is busy right now (2 sessions open)" in await _refused_session(again)
            assert door.active_sessions == 2  # one slot left, kept for another address
            there = await connect(door.port, "staff", local_addr=("127.0.0.8", 0))
            await _session(there)
            assert door.active_sessions == 3
            for conn in (here, again, there):
                conn.close()

    run(body())


class SilentFlood:
    """Raw TCP connections to the door from many addresses that never speak
    SSH (every other address sends the version line and then nothing). Each
    stays open until the door closes it."""

    def __init__(self, port: int, addresses: list[str]) -> None:
        self.port = port
        self.addresses = addresses
        self.attempts = 0
        self._readers: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []

    async def _attempt(self, ip: str, banner: bool) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, local_addr=(ip, 0))
        self._writers.append(writer)
        self.attempts += 1
        if banner:
            writer.write(b"SSH-2.0-flood\r\n")
        try:
            if not await reader.read(4096):  # the door's version line: it has decided
                return
        except OSError:
            return
        task = asyncio.create_task(self._until_closed(reader))
        self._readers.add(task)
        task.add_done_callback(self._readers.discard)

    async def _until_closed(self, reader: asyncio.StreamReader) -> None:
        try:
            while await reader.read(4096):
                pass
        except OSError:
            pass

    async def wave(self, per_address: int) -> None:
        """Each address opens `per_address` connections, one after another."""
        async def one(index: int, ip: str) -> None:
            for _ in range(per_address):
                await self._attempt(ip, banner=index % 2 == 1)

        await asyncio.gather(*(one(i, ip) for i, ip in enumerate(self.addresses)))

    async def stop(self) -> None:
        for writer in self._writers:
            writer.close()
        for task in list(self._readers):
            task.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


@pytest.mark.parametrize("addresses", [12, 60])
def test_a_flood_of_silent_connections_from_many_addresses_keeps_no_client_out(settings, addresses):
    """Each address opens more silent connections than the rate limiter
    allows every 10 s, and keeps them open; before, twelve addresses held all
    200 connection places within two waves and a client was refused (sixty
    would fill them even at 4 per address). The client comes while the
    door's waiting places are full and the flood goes on."""

    async def body():
        clock = FakeClock()
        async with await door_for(settings, clock=clock, check_interval=0.02) as door:
            limits = door.limits
            waits, held = [], []

            async def client() -> None:
                started = time.monotonic()
                conn = await connect(door.port, "kiosk")
                await _session(conn)
                waits.append(time.monotonic() - started)
                conn.close()

            await client()
            quiet = waits.pop()
            flood = SilentFlood(door.port, [f"127.0.1.{i}" for i in range(1, addresses + 1)])
            try:
                first_half = limits.connect_burst // 2
                for _ in range(3):
                    clock.advance(limits.connect_window)  # tokens back; the last wave's logins overdue
                    # The door closes the overdue ones on its next sweep; until then they count toward each address's cap.
                    await wait_until(lambda: door.open_connections == 0, 5, "the overdue flood to be closed", on=door.changes)
                    await flood.wave(first_half)
                    # Every waiting place is taken (the door may accept the last connects a moment after they were sent).
                    await wait_until(lambda: door.open_connections >= limits.max_waiting, 5,
                                     "the flood to fill the waiting places", on=door.changes)
                    held.append(door.open_connections)
                    await asyncio.gather(client(), flood.wave(limits.connect_burst + 2 - first_half))
                await wait_until(lambda: door.active_sessions == 0, 5, "clients' sessions ended", on=door.changes)
            finally:
                await flood.stop()
            print(f"\nsilent flood from {addresses} addresses, {flood.attempts} connects: a client had its session "
                  f"after {max(waits):.2f} s at worst ({', '.join(f'{w:.2f}' for w in waits)}); "
                  f"the flood held {min(held)}-{max(held)} connections as the client came; "
                  f"{quiet:.2f} s without a flood")
            assert max(waits) < 1.5, waits

    run(body())


def test_connections_must_log_in_and_start_a_session_in_time(settings):
    async def body():
        clock = FakeClock()
        async with await door_for(settings, clock=clock, check_interval=0.02) as door:
            limits = door.limits

            async def judged_after(seconds: float) -> None:
                clock.advance(seconds)
                await clock.wait_reads(2)  # the door has checked its deadlines at the new time

            # Silent after the TCP connect: closed once the login is overdue.
            reader, writer = await asyncio.open_connection("127.0.0.1", door.port, local_addr=("127.0.0.9", 0))
            assert (await reader.readline()).startswith(b"SSH-2.0-")
            await judged_after(limits.login_timeout - 1)
            assert not reader.at_eof()
            clock.advance(2)
            await asyncio.wait_for(reader.read(), 5)  # returns at EOF: the door hung up
            assert reader.at_eof()
            writer.close()

            # Logged in, but no session: closed once the session is overdue.
            conn = await connect(door.port, "kiosk")
            closed = asyncio.ensure_future(conn.wait_closed())
            await judged_after(limits.session_timeout - 1)
            assert not closed.done()
            clock.advance(2)
            await asyncio.wait_for(closed, 5)

            # After its last session ended, a connection has the same time to start another.
            conn = await connect(door.port, "kiosk")
            term, pid = await _session(conn)
            await judged_after(limits.session_timeout + 1)  # a running session has no deadline
            term.process.close()
            await wait_until(lambda: pid_gone(pid) and door.active_sessions == 0, 5, "session ended", on=door.changes)
            closed = asyncio.ensure_future(conn.wait_closed())
            await judged_after(limits.session_timeout - 1)
            assert not closed.done()
            clock.advance(2)
            await asyncio.wait_for(closed, 5)
            await wait_until(lambda: door.open_connections == 0, 5, "connections closed", on=door.changes)

    run(body())


def test_addresses_are_counted_per_host_and_per_ipv6_64():
    assert address_key("192.0.2.7") == "192.0.2.7"
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("fe80::1%eth0") == "fe80::/64"


def test_waiting_pool_displaces_the_least_advanced_then_the_busiest_address():
    pool: WaitingPool[str] = WaitingPool(4)
    for item, key in (("a1", "a"), ("b1", "b"), ("a2", "a"), ("a3", "a")):
        assert pool.add(item, key) == []
    assert pool.add("c1", "c") == ["a1"]      # a holds the most: its oldest goes
    assert pool.add("d1", "d") == ["a2"]
    assert pool.add("e1", "e") == ["b1"]      # all hold one now: the oldest goes
    assert list(pool) == ["a3", "c1", "d1", "e1"] and pool.count("a") == 1
    pool.discard("c1")
    assert pool.add("f1", "f") == [] and len(pool) == 4

    progress = {"hello": 1, "login": 2}
    pool = WaitingPool(2, progress=lambda item: progress.get(item, 0))
    pool.add("hello", "a")
    pool.add("silent", "b")
    assert pool.add("login", "c") == ["silent"]  # not the older one that has said hello
    assert pool.add("silent2", "d") == ["hello"]  # a newcomer always gets its place
    assert pool.add("silent3", "d") == ["silent2"]
    assert list(pool) == ["login", "silent3"]
