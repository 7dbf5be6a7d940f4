"""What a SQLite practice's app start imports, and what it must not.

psycopg's import is 45% of a minimal Textual app's start (models/__init__.py
says why it is kept out); the kiosk and staff apps on SQLite never need it.
Neither app imports, before its first frame, what only later screens use
(instruction counts of what each cost: BENCHMARKS.md, "Start-up and
event-loop lag").
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from models.practice import update_practice
from tests.first_frame_probe import first_write

# Only later screens need these: signing in (argon2, TOTP), mail, forms, PDFs,
# and the domain modules behind the lists and the chart.
LATER = (
    "psycopg", "playhouse", "argon2", "pyotp", "segno", "zxcvbn", "jinja2", "yagmail", "pypdf",
    "models.auth", "models.passwords", "models.two_factor", "models.records", "models.charts",
    "models.chart_owner", "models.audit", "models.outbox", "models.mail", "models.forms",
    "models.staff_views", "models.kiosk_views", "models.roles",
)
# Both apps open the portal just after their first frame (the kiosk reads its
# practice's name straight from the file): the database layer waits too.
DATABASE_LAYER = ("peewee", "models.db", "models.tables", "models.codes", "models.threads")
FIRST_FRAMES = {
    # app: (its first screen's title, what its later screens import)
    "kiosk": ("Welcome to the client portal",
              LATER + DATABASE_LAYER + ("tui.kiosk.login", "tui.kiosk.dashboard", "tui.kiosk.forms")),
    "staff": ("Staff sign in",
              LATER + DATABASE_LAYER + ("sqlite3", "tui.staff.screens.clients", "tui.staff.screens.chart_room",
                                        "tui.staff.widgets")),
}


@pytest.mark.parametrize("app", sorted(FIRST_FRAMES))
def test_the_first_frame_imports_only_the_first_screen(app, portal, tmp_path):
    """models.records (behind the staff import folder's size limit) cost the
    staff app 0.13 G instructions, 15% of a minimal Textual app's start;
    models.kiosk_views (for the practice's name) 0.03 G the kiosk's; the
    database layer and the open 0.05 G each app's."""
    title, later = FIRST_FRAMES[app]
    update_practice(name="Harbor Light Counseling")  # set up (a practice without its row is opened first)
    modules = tmp_path / "modules.txt"
    first_write(app, title, portal.data_dir, tmp_path, modules)
    loaded = modules.read_text(encoding="utf-8").split()
    assert "tui.startup" in loaded  # the real command ran
    early = sorted(m for m in loaded if any(m == name or m.startswith(name + ".") for name in later))
    assert early == []


def test_opening_a_sqlite_portal_does_not_import_psycopg(tmp_path):
    code = (
        "import sys\n"
        "from models.config import Settings\n"
        "from models.setup import open_portal\n"
        f"from pathlib import Path\nopen_portal(Settings(data_dir=Path({str(tmp_path)!r})))\n"
        "import tui.kiosk.app, tui.staff.app\n"
        "print('psycopg' in sys.modules)\n"
    )
    # The first start of a new data dir runs the migrations, whose runner loads
    # every database extension; an app's start on a migrated database does not.
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_postgresql_url_still_gets_its_driver():
    code = (
        "import models.db as db, peewee\n"
        "db._enable_psycopg()\n"
        "print(peewee.psycopg is not None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def test_the_collector_stays_off_until_the_first_frame_then_resumes():
    """tui.startup.run_app: no collection while the first screen is built and
    drawn, and the collector back on after it (a kiosk runs for days)."""
    code = (  # Textual imported inside build(), as `portal kiosk` does (not yet when run_app starts)
        "import gc\n"
        "from tui.startup import run_app\n"
        "seen = []\n"
        "def build():\n"
        "    from textual.app import App\n"
        "    from textual.widgets import Static\n"
        "    class Probe(App):\n"
        "        def compose(self):\n"
        "            yield Static('hello')\n"
        "        def on_mount(self):\n"
        "            seen.append(gc.isenabled())\n"
        "            self.set_timer(0.3, self.exit)\n"
        "        def run(self):\n"
        "            return super().run(headless=True)\n"
        "    return Probe()\n"
        "run_app(build)\n"
        "print(seen, gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[False] True"


@pytest.mark.parametrize("app", ["kiosk", "staff"])
def test_once_the_first_frame_is_out_the_next_screens_are_made_ready(app, tmp_path):
    """tui/shared/warm_up.py: after the first frame, every stylesheet of the
    app is read and the next screens' modules are imported (in a worker), so
    neither happens on the event loop when a person first opens them."""
    app_module, app_class, later, sheet = {
        "kiosk": ("tui.kiosk.app", "KioskApp", "tui.kiosk.dashboard", "tui/kiosk/dashboard.tcss"),
        "staff": ("tui.staff.app", "StaffApp", "tui.staff.screens.chart_room", "tui/staff/screens/chart_room.tcss"),
    }[app]
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from models.config import Settings\n"
        "from models.setup import open_portal\n"
        f"open_portal(Settings(data_dir=Path({str(tmp_path)!r})))\n"
        f"from {app_module} import {app_class}\n"
        f"app = {app_class}()\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        f"        before = {later!r} in sys.modules\n"
        "        await pilot.pause()\n"
        "        await app.workers.wait_for_complete()\n"
        f"        sheets = [s for s, _ in app.stylesheet.source if s.endswith({sheet!r})]\n"
        f"        print(before, {later!r} in sys.modules, bool(sheets))\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]


class _StubApp:
    """What run_app needs of an app: when it runs, whether the collector is on."""

    def __init__(self) -> None:
        self.after_refresh: list = []
        self.collecting_at_run: bool | None = None

    def call_after_refresh(self, callback) -> None:
        self.after_refresh.append(callback)

    def run(self) -> None:
        import gc

        self.collecting_at_run = gc.isenabled()


def test_a_fresh_app_collects_after_its_first_frame_a_forked_one_from_the_start(monkeypatch):
    import gc
    import sys

    import tui.textual_patches
    from tui.startup import run_app

    monkeypatch.setattr(tui.textual_patches, "install_all", lambda: None)
    was = gc.isenabled()
    try:
        gc.enable()
        forked = _StubApp()
        run_app(lambda: forked)  # Textual is imported in this process, as in a zygote's child
        assert forked.collecting_at_run is True and forked.after_refresh == []

        gc.enable()
        monkeypatch.delitem(sys.modules, "textual.app")  # as a fresh `portal kiosk` before build()
        fresh = _StubApp()
        run_app(lambda: fresh)
        assert fresh.collecting_at_run is False and fresh.after_refresh == [gc.enable]
    finally:
        (gc.enable if was else gc.disable)()
