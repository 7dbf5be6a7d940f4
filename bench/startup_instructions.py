"""Start-up in instructions: `portal kiosk` and `portal staff` to their first
frame, against the minimal Textual app (target <= 1.3 x), counted by valgrind.

Wall-clock start-up on a shared machine moves by +-0.3 x between runs of the
same code (bench/startup.py); instruction counts do not depend on load. Each
program runs under `valgrind --tool=callgrind` on its own 80x24 pseudo-
terminal, with PYTHONHASHSEED=0, from the interpreter's start until its
first write to the terminal that holds its first screen's title
(bench/_first_write_exit.py): "Welcome to the client portal", "Staff sign
in", the minimal app's one line. Every thread counts. Each runs once without
valgrind first, so compiled modules (__pycache__) are written and the count
is not of compiling them; the same tree counted twice gives the same figure
to ~1 M. The kiosk and staff apps open a migrated SQLite practice.

Without valgrind on the PATH the table says so and counts nothing.
`python -m bench startup_instructions` (~1-2 min).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

from bench import Table
from bench._sshkit import ROOT
from bench.startup import _prepared_data_dir

TARGET = 1.3
TITLES = {
    "minimal": "MINIMAL TEXTUAL APP READY",
    "kiosk": "Welcome to the client portal",
    "staff": "Staff sign in",
}
PROBE = Path(__file__).with_name("_first_write_exit.py")


def _run_on_pty(argv: list[str], env: dict[str, str]) -> None:
    """Run `argv` on a new 80x24 pseudo-terminal until it exits, its output drained."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    try:
        while True:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:  # the child closed its side
                break
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def count(which: str, data_dir: Path, out_dir: Path) -> int:
    """Instructions from the interpreter's start to `which`'s first frame."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "USER", "VIRTUAL_ENV") if k in os.environ}
    env.update(LANG="C.UTF-8", TERM="xterm-256color", COLORTERM="truecolor", PYTHONHASHSEED="0",
               PORTAL_DATA_DIR=str(data_dir), PORTAL_CONFIG=str(data_dir / "none.toml"),
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    program = [sys.executable, str(PROBE), TITLES[which], which]
    _run_on_pty(program, env)  # writes __pycache__, so the count is not of compiling
    out = out_dir / f"callgrind.{which}"
    _run_on_pty(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--log-file=/dev/null", *program], env)
    for line in out.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {out}")


def run() -> Table:
    table = Table("Start-up in instructions (valgrind): first frame of the local apps")
    if shutil.which("valgrind") is None:
        table.add("instructions to the first frame", "not measured: valgrind is not installed", f"<= {TARGET} x", False)
        return table
    data_dir = _prepared_data_dir()
    with tempfile.TemporaryDirectory(prefix="startup-instructions-") as tmp:
        base = count("minimal", data_dir, Path(tmp))
        table.add("minimal Textual app, instructions to its first frame", f"{base / 1e9:.3f} G")
        for which in ("kiosk", "staff"):
            n = count(which, data_dir, Path(tmp))
            ratio = n / base
            table.add(f"portal {which}, instructions to its first frame (ratio)", f"{n / 1e9:.3f} G ({ratio:.2f} x)",
                      f"<= {TARGET} x", ratio <= TARGET)
    return table


if __name__ == "__main__":
    print(run().format())
