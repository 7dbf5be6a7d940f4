"""The SSH door, driven by real SSH clients (asyncssh's and OpenSSH's).

The apps are replaced by tests/ssh/echo_app.py through the launcher; the
door, PTYs, processes and clients are all real.
"""
from __future__ import annotations

import asyncio
import logging
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pyte
import pytest

from models.config import Settings
from tui.ssh import app_command, child_env, configure_logging, start_server
from tui.ssh.hostkey import HOST_KEY_NAME
from tui.ssh.limits import ConnectionRateLimiter
from tui.ssh.pty_bridge import set_winsize

from .termclient import (
    EnvLauncher,
    FakeClock,
    Term,
    connect,
    door_for,
    pid_alive,
    pid_gone,
    run,
    wait_exited,
    wait_until,
)

pytestmark = pytest.mark.ssh


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


async def _open_app(door, username: str, cols: int = 80, rows: int = 24):
    conn = await connect(door.port, username)
    term = await Term.open(conn, cols, rows)
    match = await term.wait_for(r"pid=(\d+)")
    return conn, term, int(match.group(1))


# --- sessions ----------------------------------------------------------------


def test_kiosk_session_keys_resize_and_reaping(settings):
    async def body():
        async with await door_for(settings) as door:
            started = time.monotonic()
            conn, term, pid = await _open_app(door, "kiosk")
            assert time.monotonic() - started < 2.0, "first screen must come within 2 s"
            screen = await term.wait_for(r"args=\[(.*?)\]")
            assert screen.group(1) == "kiosk"
            text = term.text()
            assert "SIZE 80x24" in text
            assert "source=ssh:127.0.0.1" in text
            assert "term=xterm-256color" in text and "color=truecolor" in text
            assert "ctty=yes" in text
            assert door.active_sessions == 1

            term.type("hello")
            await term.wait_for(r"KEYS\[hello\]")
            term.resize(100, 30)
            await term.wait_for("SIZE 100x30")

            conn.close()
            await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)
            await wait_until(lambda: door.active_sessions == 0, 5, "session slot released", on=door.changes)

    run(body())


@pytest.mark.parametrize(
    ("username", "expected_args", "code"),
    [("staff", "staff --remote", "-"), ("register+ABCD-1234-efgh-5678", "kiosk --code-fd 3", "ABCD-1234-efgh-5678")],
)
def test_user_name_picks_the_app(settings, username, expected_args, code):
    async def body():
        async with await door_for(settings) as door:
            conn, term, pid = await _open_app(door, username)
            assert term.text().count(f"args=[{expected_args}]") == 1
            assert f"CODE[{code}]" in term.text()  # the code comes on a pipe, not in argv
            term.type("x")
            await term.wait_for(r"KEYS\[x\]")
            conn.close()
            await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)

    run(body())


def test_app_quitting_ends_the_session_with_its_status(settings):
    async def body():
        async with await door_for(settings) as door:
            conn, term, pid = await _open_app(door, "kiosk")
            term.type("\x18")  # ctrl+x quits the echo app
            await term.wait_closed(5)
            await term.process.wait_closed()
            assert term.process.exit_status == 0
            assert pid_gone(pid)
            conn.close()

    run(body())


def test_extreme_window_sizes_are_clamped(settings):
    async def body():
        async with await door_for(settings) as door:
            conn = await connect(door.port, "kiosk")
            # 0x0 means "unknown": the app gets the default 80x24
            process = await conn.create_process(term_type="xterm", term_size=(0, 0), encoding=None)
            term = Term(process, 80, 24)
            match = await term.wait_for(r"pid=(\d+)")
            await term.wait_for("SIZE 80x24")
            term.resize(10000, 10000, screen_cols=500, screen_rows=200)
            await term.wait_for("SIZE 500x200", timeout=15)
            term.resize(0, 0, screen_cols=80, screen_rows=24)
            await term.wait_for("SIZE 80x24")
            term.type("ok")
            await term.wait_for(r"KEYS\[ok\]")
            conn.close()
            await wait_until(lambda: pid_gone(int(match.group(1))), 5, "app process reaped", on=door.changes)

    run(body())


def test_hangup_ignored_means_kill_and_no_orphans(settings):
    async def body():
        launcher = EnvLauncher(ECHO_IGNORE_HUP="1", ECHO_GRANDCHILD="1")
        async with await door_for(settings, launcher=launcher, hangup_grace=0.5) as door:
            conn, term, pid = await _open_app(door, "kiosk")
            grandchild = int((await term.wait_for(r"grandchild=(\d+)")).group(1))
            assert grandchild and pid_alive(grandchild)
            conn.close()
            await wait_until(lambda: pid_gone(pid), 5, "app killed and reaped", on=door.changes)
            await wait_exited(grandchild, 5, "grandchild killed")
            assert not pid_alive(grandchild)

    run(body())


def test_close_ends_sessions_and_reaps(settings):
    async def body():
        door = await door_for(settings)
        conn1, term1, pid1 = await _open_app(door, "kiosk")
        conn2, term2, pid2 = await _open_app(door, "staff")
        await door.close()
        assert pid_gone(pid1) and pid_gone(pid2)
        assert door.active_sessions == 0
        await term1.wait_closed(5)
        assert "restarting" in term1.output()
        with pytest.raises((OSError, asyncssh.Error)):
            await connect(door.port, "kiosk")

    run(body())


def test_concurrent_sessions_each_get_a_first_screen_within_two_seconds(settings):
    async def body():
        async with await door_for(settings) as door:
            async def one(name):
                started = time.monotonic()
                conn = await connect(door.port, name)
                term = await Term.open(conn)
                await term.wait_for(r"SIZE 80x24", timeout=10)
                return conn, time.monotonic() - started

            results = await asyncio.gather(*(one(n) for n in ("kiosk", "staff", "kiosk", "register+A1")))
            for conn, _ in results:
                conn.close()
            slowest = max(t for _, t in results)
            assert slowest < 2.0, f"slowest first screen {slowest:.2f}s"

    run(body())


# --- refusals ------------------------------------------------------------------


def test_unknown_user_names_are_refused(settings):
    async def body():
        async with await door_for(settings, connect_burst=50) as door:
            for name in ("root", "mailbox", "register+", "register+bad/code", "register+" + "A" * 41, "Kiosk"):
                with pytest.raises(asyncssh.PermissionDenied):
                    await connect(door.port, name)
            assert door.active_sessions == 0

    run(body())


def test_mailbox_only_in_demo_mode(tmp_path):
    async def body():
        settings = Settings(data_dir=tmp_path / "data", demo=True)
        async with await door_for(settings) as door:
            conn, term, pid = await _open_app(door, "mailbox")
            assert "args=[mailbox]" in term.text()
            conn.close()
            await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)

    run(body())


def test_exec_forwarding_and_sftp_are_refused(settings):
    async def body():
        async with await door_for(settings) as door:
            async with await connect(door.port, "kiosk") as conn:
                with pytest.raises(asyncssh.Error):
                    await conn.run("ls", check=True)
                with pytest.raises(asyncssh.Error):
                    await conn.run("ls", term_type="xterm", check=True)
                with pytest.raises(asyncssh.ChannelOpenError):
                    await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", door.port)
                with pytest.raises(asyncssh.ChannelListenError):
                    await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
                with pytest.raises(asyncssh.Error):
                    await conn.start_sftp_client()
                with pytest.raises(asyncssh.Error):
                    await conn.run(subsystem="anything", check=True)
                # the connection still works for what it is for
                term = await Term.open(conn)
                await term.wait_for(r"pid=\d+")
            assert door.active_sessions <= 1

    run(body())


def test_a_client_preferring_chacha20_gets_aes_gcm(settings):
    # OpenSSH and asyncssh clients name chacha20-poly1305 first; asyncssh's
    # is ten times AES-GCM's CPU a packet, and a key is packets both ways.
    async def body():
        async with await door_for(settings) as door:
            ciphers = ("chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-ctr")
            async with await connect(door.port, "kiosk", encryption_algs=ciphers) as conn:
                assert conn.get_extra_info("send_cipher") == "aes256-gcm@openssh.com"
                assert conn.get_extra_info("recv_cipher") == "aes256-gcm@openssh.com"
            async with await connect(door.port, "kiosk", encryption_algs=("aes128-ctr",)) as conn:
                assert conn.get_extra_info("send_cipher") == "aes128-ctr"  # an older client still gets in

    run(body())


def test_session_without_pty_gets_an_explanation(settings):
    async def body():
        async with await door_for(settings) as door:
            async with await connect(door.port, "kiosk") as conn:
                result = await conn.run(encoding=None)  # shell request, no PTY
                assert result.exit_status == 1
                assert b"needs a terminal" in result.stdout
                assert f"ssh -t -p {door.port} kiosk@127.0.0.1".encode() in result.stdout
            assert door.active_sessions == 0

    run(body())


def test_staff_can_be_restricted_to_authorized_keys(tmp_path):
    async def body():
        staff_key = asyncssh.generate_private_key("ssh-ed25519")
        other_key = asyncssh.generate_private_key("ssh-ed25519")
        keys_file = tmp_path / "staff_keys"
        keys_file.write_bytes(staff_key.export_public_key())
        settings = Settings(data_dir=tmp_path / "data", ssh_staff_keys=str(keys_file))
        async with await door_for(settings, connect_burst=50) as door:
            with pytest.raises(asyncssh.PermissionDenied):
                await connect(door.port, "staff")
            with pytest.raises(asyncssh.PermissionDenied):
                await connect(door.port, "staff", client_keys=[other_key])
            # a key good for staff opens nothing under another name
            with pytest.raises(asyncssh.PermissionDenied):
                await connect(door.port, "root", client_keys=[staff_key])
            conn, term, pid = await _open_app(door, "kiosk")  # others stay open
            conn.close()
            conn = await connect(door.port, "staff", client_keys=[staff_key])
            term = await Term.open(conn)
            await term.wait_for(r"args=\[staff --remote\]")
            conn.close()

    run(body())


# --- limits --------------------------------------------------------------------


def test_connection_rate_per_address(settings):
    async def body():
        clock = FakeClock()
        async with await door_for(settings, clock=clock, connect_burst=3, connect_window=30) as door:
            for _ in range(3):
                conn = await connect(door.port, "kiosk")
                conn.close()
                await conn.wait_closed()
            for _ in range(5):  # past the limit: refused with a reason
                with pytest.raises((asyncssh.DisconnectError, ConnectionError)) as refused:
                    await connect(door.port, "kiosk")
            assert "Too many connections" in str(refused.value)

            # another address is not affected (all of 127/8 is loopback)
            conn, term, pid = await _open_app_from(door, "kiosk", "127.0.0.2")
            conn.close()

            clock.advance(10)  # one token back (3 per 30 s)
            conn, term, pid = await _open_app(door, "kiosk")
            assert "SIZE 80x24" in term.text()
            conn.close()
            with pytest.raises((asyncssh.DisconnectError, ConnectionError)):
                await connect(door.port, "kiosk")

    run(body())


async def _open_app_from(door, username, local_ip):
    conn = await connect(door.port, username, local_addr=(local_ip, 0))
    term = await Term.open(conn)
    match = await term.wait_for(r"pid=(\d+)")
    assert f"source=ssh:{local_ip}" in term.text()
    return conn, term, int(match.group(1))


def test_session_limits_refuse_politely(settings):
    async def body():
        async with await door_for(settings, max_sessions=1, max_sessions_per_connection=1) as door:
            conn1, term1, pid1 = await _open_app(door, "kiosk")
            # a second session on the same connection
            extra = await Term.open(conn1)
            await extra.wait_closed(5)
            assert "This connection already has 1 session open" in extra.output()
            # a session on another connection: the server is full
            conn2 = await connect(door.port, "staff")
            term2 = await Term.open(conn2)
            await term2.wait_closed(5)
            assert "The portal is busy right now" in term2.output()
            conn2.close()
            # ending the first session frees both limits
            term1.process.close()
            await wait_until(lambda: pid_gone(pid1), 5, "app process reaped", on=door.changes)
            await wait_until(lambda: door.active_sessions == 0, 5, "slot released", on=door.changes)
            term3 = await Term.open(conn1)
            await term3.wait_for(r"args=\[kiosk\]")
            conn1.close()

    run(body())


def test_idle_limit_ends_the_session(settings):
    async def body():
        clock = FakeClock()
        async with await door_for(settings, clock=clock, idle_seconds=900, check_interval=0.02) as door:
            conn, term, pid = await _open_app(door, "kiosk")
            clock.advance(600)
            term.type("a")  # input resets the idle timer
            await term.wait_for(r"KEYS\[a\]")
            clock.advance(600)
            # Two reads: the watchdog has judged the new time at least once.
            await clock.wait_reads(2)
            assert not term.closed.is_set()
            clock.advance(301)
            await term.wait_closed(5)
            assert "Session closed after 15 minutes without input" in term.text()
            assert "\x1b[?1049l" in term.output()  # terminal put back
            await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)
            conn.close()

    run(body())


def test_absolute_limit_ends_the_session(settings):
    async def body():
        clock = FakeClock()
        async with await door_for(settings, clock=clock, max_session_seconds=8 * 3600,
                                  idle_seconds=3600, check_interval=0.02) as door:
            conn, term, pid = await _open_app(door, "kiosk")
            for i in range(8):
                clock.advance(3599)
                term.type("k")
                await term.wait_for(r"KEYS\[" + "k" * (i + 1) + r"\]")
            assert not term.closed.is_set()  # 7 h 59 min 52 s, never idle
            clock.advance(9)
            await term.wait_closed(5)
            assert "the 8 hours session limit was reached" in term.text()
            await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)
            conn.close()

    run(body())


# --- OpenSSH -------------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("ssh"), reason="OpenSSH client not installed")
def test_real_openssh_client(settings):
    async def body():
        async with await door_for(settings) as door:
            master, slave = pty.openpty()
            set_winsize(slave, 90, 25)
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm-256color",
                   "HOME": str(settings.data_dir)}
            ssh = subprocess.Popen(
                [shutil.which("ssh"), "-tt", "-F", "/dev/null",
                 "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                 "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                 "-p", str(door.port), "kiosk@127.0.0.1"],
                stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
            )
            os.close(slave)
            screen = pyte.Screen(90, 25)
            stream = pyte.ByteStream(screen)
            loop = asyncio.get_running_loop()
            got = asyncio.Event()

            def readable():
                try:
                    data = os.read(master, 65536)
                except OSError:
                    data = b""
                if not data:
                    loop.remove_reader(master)
                    got.set()
                    return
                stream.feed(data)
                got.set()

            loop.add_reader(master, readable)

            async def wait_screen(pattern, timeout=10):
                deadline = time.monotonic() + timeout
                while not re.search(pattern, "\n".join(screen.display)):
                    assert time.monotonic() < deadline, "\n".join(screen.display)
                    got.clear()
                    try:
                        await asyncio.wait_for(got.wait(), 0.2)
                    except asyncio.TimeoutError:
                        pass
                return re.search(pattern, "\n".join(screen.display))

            try:
                pid = int((await wait_screen(r"pid=(\d+)")).group(1))
                await wait_screen("SIZE 90x25")
                await wait_screen(r"args=\[kiosk\]")
                os.write(master, b"hi")
                await wait_screen(r"KEYS\[hi\]")
                set_winsize(master, 100, 30)  # ssh gets SIGWINCH and forwards the size
                os.killpg(ssh.pid, signal.SIGWINCH)
                screen.resize(30, 100)
                await wait_screen("SIZE 100x30")
                ssh.terminate()
                await wait_exited(ssh.pid, 5, "ssh exits")
                assert ssh.poll() is not None
                await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)
            finally:
                loop.remove_reader(master)
                if ssh.poll() is None:
                    ssh.kill()
                ssh.wait()
                os.close(master)

    run(body())


# --- host key, logging, CLI --------------------------------------------------


def test_host_key_persists_across_restarts(settings):
    async def body():
        door = await door_for(settings)
        first = door.fingerprint
        await door.close()
        key_path = settings.data_dir / HOST_KEY_NAME
        assert key_path.stat().st_mode & 0o777 == 0o600
        door = await door_for(settings)
        assert door.fingerprint == first
        # the fingerprint clients see is the stored one
        async with await connect(door.port, "kiosk") as conn:
            seen = conn.get_server_host_key().get_fingerprint("sha256")
        await door.close()
        return first, seen

    first, seen = run(body())
    assert seen == first


def test_log_has_connects_and_disconnects_but_never_input_or_codes(settings):
    handlers = configure_logging(settings, stderr=False)
    try:
        async def body():
            async with await door_for(settings) as door:
                conn, term, pid = await _open_app(door, "register+SECRET-CODE-1234")
                term.type("my-password-typed")
                await term.wait_for(r"KEYS\[my-password-typed\]")
                conn.close()
                await wait_until(lambda: pid_gone(pid), 5, "app process reaped", on=door.changes)
                with pytest.raises(asyncssh.PermissionDenied):
                    await connect(door.port, "hunter2-typed-as-name")
                await wait_until(lambda: door.open_connections == 0, 5, "connections closed", on=door.changes)

        run(body())
    finally:
        logger = logging.getLogger("portal.ssh")
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
    text = (settings.data_dir / "ssh.log").read_text()
    assert re.search(r"connect peer=127\.0\.0\.1:\d+", text)
    assert re.search(r"session start peer=127\.0\.0\.1 user=register\+<code> term=xterm-256color size=80x24 pid=\d+", text)
    assert re.search(r"session end .* size=80x24 duration=\d+\.\ds", text)
    assert re.search(r"disconnect peer=127\.0\.0\.1:\d+ user=register\+<code> size=80x24 duration=", text)
    assert "refused user=<unknown>" in text
    for secret in ("SECRET", "my-password", "hunter2"):
        assert secret not in text


def test_portal_serve_runs_until_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_DATA_DIR=str(tmp_path / "data"), PORTAL_CONFIG=str(tmp_path / "none.toml"))
    proc = subprocess.Popen([sys.executable, "-m", "tui", "serve", "--host", "127.0.0.1", "--port", "0"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        port = None
        deadline = time.monotonic() + 15
        lines = []
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"listening on 127\.0\.0\.1 port (\d+)", line)
            port = int(found.group(1)) if found else None
        assert port, "".join(lines)

        async def probe():
            async with await connect(port, "kiosk") as conn:
                return conn.get_server_host_key().get_fingerprint("sha256")

        fp = run(probe())
        assert fp in "".join(lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert "stopped listening" in proc.stderr.read()
        assert (tmp_path / "data" / "ssh.log").is_file()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --- units ---------------------------------------------------------------------


def test_app_command_mapping(tmp_path):
    plain = Settings(data_dir=tmp_path)
    demo = Settings(data_dir=tmp_path, demo=True)
    base = [sys.executable, "-m", "tui"]
    assert app_command("staff", plain) == base + ["staff", "--remote"]
    assert app_command("kiosk", plain) == base + ["kiosk"]
    assert app_command("register+AB12-CD34", plain) == base + ["kiosk", "--code-fd", "3"]
    assert app_command("register+" + "x" * 40, plain) is not None
    assert app_command("mailbox", demo) == base + ["mailbox"]
    for refused in ("mailbox", "root", "", "register+", "register+a b", "register+A\n",
                    "register+" + "x" * 41, "register+--help", "staff ", "register+ÄB"):
        assert app_command(refused, plain) is None, refused


def test_child_env(tmp_path):
    settings = Settings(data_dir=tmp_path / "d")
    env = child_env(settings, client_term="screen-256color", peer_ip="10.1.2.3",
                    base_env={"PORTAL_SMTP_HOST": "mx", "PORTAL_SMTP_PASSWORD": "pw", "SECRET_TOKEN": "x", "HOME": "/h"})
    assert env["PORTAL_SMTP_HOST"] == "mx" and "SECRET_TOKEN" not in env
    assert "PORTAL_SMTP_PASSWORD" not in env  # only the door's host sends mail
    assert env["TERM"] == "screen-256color" and env["COLORTERM"] == "truecolor"
    assert env["PORTAL_SESSION_SOURCE"] == "ssh:10.1.2.3"
    assert env["PORTAL_DATA_DIR"] == str(tmp_path / "d")
    assert child_env(settings, client_term=None, peer_ip="::1", base_env={})["TERM"] == "xterm-256color"
    assert child_env(settings, client_term="x\x1b]evil", peer_ip="::1", base_env={})["TERM"] == "xterm-256color"


def test_rate_limiter_token_bucket():
    clock = FakeClock()
    limiter = ConnectionRateLimiter(burst=10, window=10, clock=clock, max_tracked=3)
    assert all(limiter.allow("a") for _ in range(10))
    assert not limiter.allow("a")
    assert limiter.retry_after("a") == pytest.approx(1.0)
    clock.advance(1)
    assert limiter.allow("a") and not limiter.allow("a")
    for key in "bcdef":
        limiter.allow(key)
    assert len(limiter) <= 3
