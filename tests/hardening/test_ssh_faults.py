"""The SSH door under faults and floods: a vanished client, 200 rapid connects."""
from __future__ import annotations

import asyncio
import time

import asyncssh
import pytest

from models.config import Settings
from tests.ssh.termclient import Term, connect, door_for, pid_gone, run, wait_until

pytestmark = pytest.mark.ssh


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data")


def test_client_that_vanishes_leaves_no_app_behind(settings):
    """The client's TCP connection drops without an SSH goodbye (a killed laptop)."""

    async def body():
        async with await door_for(settings) as door:
            conn = await connect(door.port, "kiosk")
            term = await Term.open(conn)
            pid = int((await term.wait_for(r"pid=(\d+)")).group(1))
            started = time.monotonic()
            conn.abort()  # drop the socket: no channel close, no disconnect message
            await wait_until(lambda: pid_gone(pid), 10, "app process gone", on=door.changes)
            print(f"\napp gone {time.monotonic() - started:.2f} s after its client vanished")

    run(body())


def test_two_hundred_rapid_connections_are_limited_and_others_still_served(settings):
    async def body():
        async with await door_for(settings) as door:
            accepted = refused = 0

            async def attempt():
                nonlocal accepted, refused
                try:
                    conn = await connect(door.port, "kiosk")
                except (asyncssh.Error, ConnectionError, OSError):
                    refused += 1
                    return
                accepted += 1
                conn.close()

            await asyncio.gather(*(attempt() for _ in range(200)))
            assert accepted + refused == 200
            assert refused >= 180, (accepted, refused)
            # another address still gets a working session while this one is limited
            conn = await connect(door.port, "kiosk", local_addr=("127.0.0.3", 0))
            term = await Term.open(conn)
            await term.wait_for(r"pid=(\d+)")
            conn.close()
            print(f"\n200 rapid connects from one address: {accepted} accepted, {refused} refused")

    run(body(), timeout=60)
