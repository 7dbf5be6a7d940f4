"""tui/shared/warm_up.py: the import worker runs only when there is something to import.

Through the SSH door the zygote has imported every module already: a worker
there only started a thread (with its stack and malloc arena) in each
session, 0.3 MiB of unique memory per app (BENCHMARKS.md, "Memory and CPU per
session through the SSH door").
"""
from __future__ import annotations

import asyncio
import sys

from textual.app import App

from tui.shared.warm_up import after_first_frame


class Bare(App):
    def __init__(self, folder, modules) -> None:
        super().__init__()
        self.folder, self.modules, self.workers_started = folder, modules, []

    def on_mount(self) -> None:
        after_first_frame(self, self.folder, self.modules)

    def run_worker(self, work, *args, **kwargs):
        self.workers_started.append(kwargs.get("group"))
        return super().run_worker(work, *args, **kwargs)


def run(app: Bare) -> None:
    async def go() -> None:
        async with app.run_test(size=(40, 10)) as pilot:
            await pilot.pause()
            await pilot.pause()
            await app.workers.wait_for_complete()

    asyncio.run(asyncio.wait_for(go(), 30))


def test_modules_already_imported_start_no_worker(tmp_path):
    app = Bare(tmp_path, ["json", "textual.widgets"])
    run(app)
    assert app.workers_started == []


def test_a_module_not_yet_imported_is_imported_in_a_worker(tmp_path, monkeypatch):
    (tmp_path / "later_screen_for_warm_up.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "later_screen_for_warm_up", raising=False)
    app = Bare(tmp_path, ["json", "later_screen_for_warm_up"])
    run(app)
    assert app.workers_started == ["warm-up"]
    assert "later_screen_for_warm_up" in sys.modules
    sys.modules.pop("later_screen_for_warm_up")


def test_the_zygotes_typing_warm_up_leaves_one_thread_and_is_preloaded():
    """The doors' zygote runs type_in_a_form() before forking, and forks
    only while it has one thread (else every app would inherit locks that
    another thread held)."""
    import subprocess

    from tui.ssh.zygote import DEFAULT_PRELOAD

    assert "tui.shared.warm_up:type_in_a_form" in DEFAULT_PRELOAD
    code = (
        "import os, sys\n"
        "from tui.shared.warm_up import type_in_a_form\n"
        "typed = type_in_a_form()\n"
        "print(typed, len(os.listdir('/proc/self/task')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    typed, threads = out.split()
    assert int(typed) > 20 and threads == "1"
