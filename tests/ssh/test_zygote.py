"""The zygote launcher: apps forked from a pre-loaded process, behind the real door.

Most tests run tests/ssh/echo_app.py (through `rewrite`) in a zygote that
preloads only Textual, so they stay fast; one runs the real kiosk app through
the door's default launcher.
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from models.config import Settings
from tui.ssh import start_server
from tui.ssh.server import default_launcher
from tui.ssh.zygote import ZygoteLauncher, runnable_in_zygote

from .termclient import ECHO_APP, Term, connect, door_for, echo_argv, pid_alive, pid_gone, run, wait_until

pytestmark = pytest.mark.ssh

LIGHT_PRELOAD = ("textual.app", "textual.widgets", "textual.drivers.linux_driver")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


class EchoZygote(ZygoteLauncher):
    """The echo app from a light zygote, with extra environment variables."""

    def __init__(self, **extra_env: str) -> None:
        super().__init__(rewrite=echo_argv, preload=LIGHT_PRELOAD, start_timeout=20)
        self.extra_env = extra_env

    async def spawn(self, request):
        return await super().spawn(replace(request, env={**request.env, **self.extra_env}))


def open_files(pid: int) -> list[str]:
    targets = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            targets.append(os.readlink(fd))
        except OSError:  # closed meanwhile
            pass
    return targets


def zygote_status(launcher: ZygoteLauncher) -> dict:
    """The running zygote's live children and its threads, as the kernel lists them."""
    pid = launcher.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {"children": sorted(map(int, children)), "threads": len(os.listdir(f"/proc/{pid}/task"))}


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


async def open_echo(door, username: str = "kiosk", cols: int = 80, rows: int = 24):
    conn = await connect(door.port, username)
    term = await Term.open(conn, cols, rows)
    match = await term.wait_for(r"pid=(\d+)")
    return conn, term, int(match.group(1))


def test_session_through_the_zygote_shows_the_app_resizes_and_is_reaped(settings):
    async def body():
        launcher = EchoZygote()
        await launcher.start()
        zygote = launcher.pid
        try:
            async with await door_for(settings, launcher=launcher) as door:
                conn, term, pid = await open_echo(door, "register+AB12-cd34")
                text = term.text()
                assert re.search(r"args=\[kiosk --code-fd \d+\]", text) and "CODE[AB12-cd34]" in text
                assert "ctty=yes" in text and "source=ssh:127.0.0.1" in text
                assert "term=xterm-256color" in text and "color=truecolor" in text
                assert "SIZE 80x24" in text
                assert parent_of(pid) == zygote, "the app is forked by the zygote"
                assert launcher.spawned == 1 and launcher.fallbacks == 0

                term.type("hello")
                await term.wait_for(r"KEYS\[hello\]")
                term.resize(120, 40)
                await term.wait_for("SIZE 120x40")

                conn.close()
                await wait_until(lambda: pid_gone(pid), 5, "app exited and reaped (no zombie)", on=door.changes)
                await wait_until(lambda: door.active_sessions == 0, 5, "slot released", on=door.changes)
                info = zygote_status(launcher)
                assert info["children"] == [] and info["threads"] == 1
        finally:
            await launcher.close()
        await wait_until(lambda: pid_gone(zygote), 5, "zygote stopped", on=launcher.changes)

    run(body())


def test_app_exit_status_and_hangup_handling(settings):
    async def body():
        launcher = EchoZygote(ECHO_IGNORE_HUP="1", ECHO_GRANDCHILD="1")
        try:
            async with await door_for(settings, launcher=launcher, hangup_grace=0.5) as door:
                # the app ignores SIGHUP and leaves a grandchild: both go, nothing is left over
                conn, term, pid = await open_echo(door)
                grandchild = int((await term.wait_for(r"grandchild=(\d+)")).group(1))
                assert grandchild and pid_alive(grandchild)
                conn.close()
                await wait_until(lambda: pid_gone(pid), 5, "app killed and reaped", on=door.changes)
                await wait_until(lambda: pid_gone(grandchild), 5, "grandchild killed and reaped by the zygote", on=launcher.changes)

                # an app that quits: its exit status reaches the client
                conn, term, pid = await open_echo(door)
                term.type("\x18")  # ctrl+x quits the echo app
                await term.wait_closed(5)
                await term.process.wait_closed()
                assert term.process.exit_status == 0
                await wait_until(lambda: pid_gone(pid), 5, "app reaped", on=door.changes)
                conn.close()
        finally:
            await launcher.close()

    run(body())


def test_the_zygote_is_restarted_after_being_killed_and_sessions_go_on(settings):
    async def body():
        launcher = EchoZygote()
        await launcher.start()
        first = launcher.pid
        try:
            async with await door_for(settings, launcher=launcher, connect_burst=50) as door:
                conn_a, term_a, pid_a = await open_echo(door)
                os.kill(first, signal.SIGKILL)
                await wait_until(lambda: launcher.pid not in (None, first) and launcher.ready, 15, "a new zygote", on=launcher.changes)
                second = launcher.pid

                # the session started by the dead zygote goes on
                term_a.type("still here")
                await term_a.wait_for(r"KEYS\[still here\]")
                # new sessions come from the new zygote
                conn_b, term_b, pid_b = await open_echo(door)
                assert parent_of(pid_b) == second
                assert launcher.fallbacks == 0 and launcher.deaths == 1

                # ending the orphaned session still ends its app
                conn_a.close()
                await wait_until(lambda: not pid_alive(pid_a), 5, "orphaned app ended", on=door.changes)
                await wait_until(lambda: door.active_sessions == 1, 5, "its slot released", on=door.changes)
                conn_b.close()
                await wait_until(lambda: pid_gone(pid_b), 5, "app reaped", on=door.changes)
        finally:
            await launcher.close()

    run(body())


def test_falls_back_to_fresh_processes_while_the_zygote_keeps_dying(settings):
    async def body():
        launcher = EchoZygote()
        await launcher.start()
        try:
            for _ in range(2):  # two quick deaths: restarts back off
                pid = launcher.pid
                os.kill(pid, signal.SIGKILL)
                await wait_until(lambda: launcher.deaths >= 1 and launcher.pid != pid, 10, "zygote death noticed", on=launcher.changes)
                if launcher.pid is not None:
                    await launcher.start()
            assert launcher.pid is None
            async with await door_for(settings, launcher=launcher) as door:
                conn, term, pid = await open_echo(door)
                assert "ctty=yes" in term.text()
                assert parent_of(pid) == os.getpid(), "started by the door itself"
                assert launcher.fallbacks == 1
                conn.close()
                await wait_until(lambda: pid_gone(pid), 5, "app reaped", on=door.changes)
        finally:
            await launcher.close()

    run(body())


def test_the_zygote_warms_up_and_stays_single_threaded(settings):
    async def body():
        launcher = ZygoteLauncher(
            rewrite=echo_argv, preload=LIGHT_PRELOAD, start_timeout=20,
            warm_up=[[sys.executable, "-m", "tui", "kiosk"]],
        )
        try:
            await launcher.start()
            await wait_until(lambda: launcher.warmed, 15, "warm-up done", on=launcher.changes)
            info = zygote_status(launcher)
            assert info["threads"] == 1 and info["children"] == []
        finally:
            await launcher.close()

    run(body())


def test_what_runs_in_the_zygote():
    py = sys.executable
    assert runnable_in_zygote([py, "-m", "tui", "kiosk", "--code", "X"])
    assert runnable_in_zygote([py, str(ECHO_APP), "staff"])
    assert not runnable_in_zygote(["/bin/sh", "-c", "true"])
    assert not runnable_in_zygote([py, "-X", "importtime", "-m", "tui"])
    assert not runnable_in_zygote([py, "-m", "tui;rm"])
    assert not runnable_in_zygote([py])


def test_the_door_forks_the_real_kiosk_from_its_own_zygote(settings):
    from models.setup import open_portal

    open_portal(settings)  # the database exists before the apps start

    async def body():
        launcher = default_launcher(settings)
        assert isinstance(launcher, ZygoteLauncher)
        assert [argv[3:] for argv in launcher.warm_up] == [["kiosk"], ["staff", "--remote"]]
        door = await start_server(settings, host="127.0.0.1", port=0)
        try:
            assert isinstance(door.launcher, ZygoteLauncher)
            conn = await connect(door.port, "kiosk")
            term = await Term.open(conn, 100, 30)
            await term.wait_for("Log in", timeout=20)
            await wait_until(lambda: door.launcher.pid is not None, 5, "zygote running", on=door.launcher.changes)
            zygote = door.launcher.pid
            info = zygote_status(door.launcher)
            apps = info["children"]
            assert apps and all(parent_of(pid) == zygote for pid in apps)
            assert Path(f"/proc/{apps[-1]}/comm").read_text().strip() == "tui kiosk"
            assert info["threads"] == 1
            # the app has its own database connection; the zygote never opens one
            assert any("portal.db" in target for target in open_files(apps[-1]))
            assert not any("portal.db" in target for target in open_files(zygote))
            term.resize(90, 25)
            await term.wait_for("Log in")
            conn.close()
            await wait_until(lambda: door.active_sessions == 0, 10, "session ended", on=door.changes)
            await wait_until(lambda: door.launcher.warmed, 20, "warm-up done", on=door.launcher.changes)
            assert zygote_status(door.launcher)["threads"] == 1
            assert door.launcher.info["prepared"]["tui.textual_patches.css_cache:prime"] > 20, "the apps' stylesheets are parsed in the zygote"
        finally:
            await door.close()
        await wait_until(lambda: pid_gone(zygote), 5, "the door stopped its zygote", on=door.launcher.changes)
        assert all(pid_gone(pid) for pid in apps)

    run(body(), timeout=60)
