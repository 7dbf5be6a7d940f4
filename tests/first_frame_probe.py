"""Run `portal <app>` and save the first write to the terminal that contains
`text`, then exit at once (for tests/test_first_frame.py). With MODULES_FILE,
also save the names of the modules imported by then, one a line (for
tests/test_startup_imports.py).

    python tests/first_frame_probe.py APP TEXT OUT_FILE [MODULES_FILE]

`first_write(...)` runs it on a pseudo-terminal.
"""
from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path


def first_write(app: str, title: str, data_dir: Path, tmp_path: Path, modules: Path | None = None) -> str:
    """The first write of `portal <app>` holding `title`, on an 80x24 pseudo-terminal."""
    out = tmp_path / "frame.txt"
    env = {
        **os.environ,
        "PORTAL_CONFIG": str(tmp_path / "none.toml"),
        "PORTAL_DATA_DIR": str(data_dir),
        "TERM": "xterm-256color",
    }
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    argv = [sys.executable, __file__, app, title, str(out), *([str(modules)] if modules else [])]
    proc = subprocess.Popen(argv, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True, close_fds=True)
    os.close(child)
    try:
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([main], [], [], 0.1)[0]:
                try:
                    os.read(main, 65536)  # keep the terminal drained
                except OSError:
                    break
        proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)
    assert out.exists(), f"{title!r} was never written"
    return out.read_text(encoding="utf-8")


def _probe(app_name: str, text: str, out_file: str, modules_file: str | None) -> None:
    from textual.drivers import linux_driver

    _write = linux_driver.LinuxDriver.write

    def write(self, data: str) -> None:
        _write(self, data)
        if text in data:
            if modules_file:
                with open(modules_file, "w", encoding="utf-8") as out:
                    out.write("\n".join(sorted(sys.modules)))
            with open(out_file, "w", encoding="utf-8") as out:
                out.write(data)
            os._exit(0)

    linux_driver.LinuxDriver.write = write

    from tui.cli import main  # after the driver is wrapped

    main([app_name])


if __name__ == "__main__":
    _probe(*sys.argv[1:4], sys.argv[4] if len(sys.argv) > 4 else None)
