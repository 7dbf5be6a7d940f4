"""An invitation code never shows in a process list: the door hands it to the kiosk on a pipe.

Every local user can read every process's command line (`ps`,
/proc/PID/cmdline), so `kiosk --code CODE` told them the codes of everyone
registering over SSH. The door now runs `kiosk --code-fd 3` with the code on
an inherited pipe, with fresh processes (`portal serve --no-zygote`) and
with the zygote alike.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from models.config import Settings
from tui.commands.kiosk import read_code_fd
from tui.ssh import ProcessLauncher, app_command
from tui.ssh.apps import CODE_FD, code_pipe
from tui.ssh.zygote import ZygoteLauncher

from .termclient import Term, connect, door_for, echo_argv, pid_gone, run, wait_until

pytestmark = pytest.mark.ssh


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def command_lines_holding(secret: str) -> list[int]:
    """Every process whose command line contains `secret` (any case)."""
    needle = secret.lower().encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if needle in cmdline.lower():
            found.append(int(entry))
    return found


def environment_holds(pid: int, secret: str) -> bool:
    return secret.lower().encode() in Path(f"/proc/{pid}/environ").read_bytes().lower()


def random_code() -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def test_the_scan_finds_a_code_on_a_command_line():
    code = random_code()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; print('up', flush=True); sys.stdin.read()", code.lower()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline() == b"up\n"  # running: its command line is in place
        assert command_lines_holding(code) == [holder.pid]  # what `kiosk --code CODE` looked like
    finally:
        holder.communicate(b"")


class RecordingLauncher(ProcessLauncher):
    """`portal serve --no-zygote`'s launcher, noting the pids it starts."""

    def __init__(self, rewrite=None) -> None:
        super().__init__(rewrite=rewrite)
        self.pids: list[int] = []

    async def spawn(self, request):
        child = await super().spawn(request)
        self.pids.append(child.pid)
        return child


def test_no_zygote_door_runs_the_real_kiosk_with_the_code_off_its_command_line(settings):
    from models.setup import open_portal
    from tests.staff.helpers import invite, make_chart

    open_portal(settings)  # at the real time: the kiosk in its own process reads the system clock
    code = invite(make_chart())
    launcher = RecordingLauncher()  # the real `python -m tui kiosk ...`, as `portal serve --no-zygote`

    async def body():
        async with await door_for(settings, launcher=launcher) as door:
            conn = await connect(door.port, f"register+{code}")
            term = await Term.open(conn, 80, 24)
            await term.wait_for("Last name", 20)  # the kiosk got the code and accepted it
            (pid,) = launcher.pids
            assert Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[3:] == [b"kiosk", b"--code-fd", b"3", b""]
            assert command_lines_holding(code) == []
            assert not environment_holds(pid, code)
            conn.close()
            await wait_until(lambda: pid_gone(pid), 10, "kiosk reaped", on=door.changes)

    run(body(), timeout=60)


def test_zygote_door_passes_the_code_on_a_pipe_too(settings, monkeypatch):
    code = random_code()
    # The door's own secret: a forked app's /proc/PID/environ is the zygote's
    # start-up environment, so the zygote must not be started with it.
    smtp_password = random_code()
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", smtp_password)

    async def body():
        launcher = ZygoteLauncher(rewrite=echo_argv, preload=("textual.app", "textual.widgets"), start_timeout=20)
        try:
            async with await door_for(settings, launcher=launcher) as door:
                conn = await connect(door.port, f"register+{code}")
                term = await Term.open(conn, 80, 24)
                await term.wait_for(rf"CODE\[{code}\]")
                pid = int((await term.wait_for(r"pid=(\d+)")).group(1))
                assert launcher.spawned == 1
                assert command_lines_holding(code) == []
                assert not environment_holds(pid, code)
                assert not environment_holds(pid, smtp_password) and not environment_holds(launcher.pid, smtp_password)
                conn.close()
                await wait_until(lambda: pid_gone(pid), 5, "app reaped", on=door.changes)
        finally:
            await launcher.close()

    run(body())


def test_the_command_names_a_descriptor_never_the_code(tmp_path):
    code = "AB12-CD34-EF56-GH78"
    argv = app_command(f"register+{code}", Settings(data_dir=tmp_path))
    assert argv[-2:] == ["--code-fd", str(CODE_FD)]
    assert not any(code.lower() in arg.lower() for arg in argv)


def test_the_code_pipe_carries_the_code_once():
    assert code_pipe("kiosk") is None and code_pipe("register+--help") is None
    fd = code_pipe("register+AB12-cd34")
    assert fd > CODE_FD and not os.get_inheritable(fd)  # reaches only the app it is dup2'd into
    assert read_code_fd(fd) == "AB12-cd34"
    with pytest.raises(OSError):
        os.fstat(fd)  # read once, then closed


def test_the_kiosk_reads_only_a_pipe(tmp_path):
    assert read_code_fd(987) is None  # not open
    path = tmp_path / "code.txt"
    path.write_text("AB12-CD34\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert read_code_fd(fd) is None  # a file (or a terminal) was not meant for us
        os.fstat(fd)  # and is left open
    finally:
        os.close(fd)
    read_end, write_end = os.pipe()
    os.close(write_end)
    assert read_code_fd(read_end) is None  # an empty pipe: no code, and no waiting


def test_portal_kiosk_takes_a_code_fd():
    from tui.cli import build_parser

    args = build_parser("kiosk").parse_args(["kiosk", "--code-fd", "3"])
    assert args.code_fd == 3 and args.code is None
    with pytest.raises(SystemExit):
        build_parser("kiosk").parse_args(["kiosk", "--code", "X", "--code-fd", "3"])
