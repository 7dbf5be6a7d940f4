"""The apps open the portal just after their first frame (tui.shared.runtime.
open_after_first_frame): the staff sign-in reads nothing stored, and the
kiosk's Welcome reads the practice straight from the SQLite file
(models.practice.practice_view_before_open). That keeps the database layer's
import and the open out of the first frame (BENCHMARKS.md, "Start-up: the
last 0.08 x"). These tests hold what that must not break: a worker's query
waits for the open, the open does happen, and the early read of the practice
is the same as the ordinary one.
"""
from __future__ import annotations

import subprocess
import sys

from models.config import Settings
from models.practice import practice_view, practice_view_before_open, update_practice


def test_a_worker_query_waits_for_an_open_announced_elsewhere(tmp_path):
    """Without the wait, the worker's query ran on an unbound database
    ("database must be initialized") while the main thread was still
    opening; in a fresh interpreter nothing else binds it."""
    code = (
        "import threading\n"
        "from pathlib import Path\n"
        "from models import setup\n"
        "from models.config import Settings\n"
        "setup.opening_elsewhere()\n"
        "from models.threads import own_connection\n"
        "from models.practice import practice_view\n"
        "about_to_query = threading.Event()\n"
        "seen = []\n"
        "def worker():\n"
        "    about_to_query.set()\n"
        "    try:\n"
        "        with own_connection():\n"
        "            seen.append(practice_view().name)\n"
        "    except Exception as exc:\n"
        "        seen.append(repr(exc))\n"
        "thread = threading.Thread(target=worker)\n"
        "thread.start()\n"
        "about_to_query.wait()\n"
        f"setup.open_portal(Settings(data_dir=Path({str(tmp_path / 'data')!r})))\n"
        "thread.join()\n"
        "print(seen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['Our Practice']"


def test_the_app_opens_the_portal_once_its_first_frame_is_out(tmp_path):
    code = (
        "import asyncio\n"
        "from pathlib import Path\n"
        "from textual.app import App\n"
        "from textual.widgets import Static\n"
        "from models import setup\n"
        "from models.config import Settings\n"
        "from tui.shared.runtime import open_after_first_frame\n"
        "class Probe(App):\n"
        "    def compose(self):\n"
        "        yield Static('hello')\n"
        "app = Probe()\n"
        f"settings = Settings(data_dir=Path({str(tmp_path / 'data')!r}))\n"
        "open_after_first_frame(app, settings)\n"
        "async def main():\n"
        "    async with app.run_test() as pilot:\n"
        "        before = setup.current_settings()\n"
        "        await pilot.pause()\n"
        "        await app.workers.wait_for_complete()\n"
        "        print(before is None, setup.current_settings() is settings)\n"
        "asyncio.run(main())\n"
        "import os\n"
        "def target(fd):\n"
        "    try:\n"
        "        return os.readlink(f'/proc/self/fd/{fd}')\n"
        "    except OSError:  # listdir's own, closed meanwhile\n"
        "        return ''\n"
        "print(any(target(fd).endswith('portal.db') for fd in os.listdir('/proc/self/fd')))\n"
        "print(settings.data_dir.joinpath('portal.db-wal').exists())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # ... and a connection stays open once the worker's has closed, so the
    # WAL stays (without one, SQLite checkpoints and drops it after every
    # worker's call: models.setup.keep_open)
    assert out.split() == ["True", "True", "True", "True"]


def test_the_practice_read_before_the_open_is_the_ordinary_one(portal):
    update_practice(name="Harbor Light Counseling", phone="555-0100", time_zone="America/Chicago")
    assert practice_view_before_open(portal) == practice_view()
    update_practice(time_zone="Not/AZone")  # an unknown zone shows as UTC in both
    assert practice_view_before_open(portal) == practice_view()


def test_without_a_readable_practice_the_portal_is_opened_first(tmp_path):
    """None means "open the portal, then practice_view()", which makes what is missing."""
    data_dir = tmp_path / "data"
    assert practice_view_before_open(Settings(data_dir=data_dir)) is None  # no file yet
    assert not (data_dir / "portal.db").exists()  # and the read made none
    data_dir.mkdir()
    import sqlite3

    sqlite3.connect(data_dir / "portal.db").close()  # a file without the tables
    assert practice_view_before_open(Settings(data_dir=data_dir)) is None
    postgres = Settings(data_dir=data_dir, database_url="postgresql://portal@localhost/portal")
    assert practice_view_before_open(postgres) is None


def test_a_practice_without_its_row_is_read_after_the_open(portal):
    from models.db import database

    database.execute_sql("DELETE FROM practice")
    assert practice_view_before_open(portal) is None
    assert practice_view().name == "Our Practice"
