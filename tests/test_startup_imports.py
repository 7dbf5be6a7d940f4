"""What a SQLite practice's app start imports, and what it must not.

psycopg's import is 45% of a minimal Textual app's start (models/__init__.py
says why it is kept out); the kiosk and staff apps on SQLite never need it.
"""
from __future__ import annotations

import subprocess
import sys


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
