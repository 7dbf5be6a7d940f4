"""The portal's domain: tables and rules, no UI (see README "Layout")."""
from __future__ import annotations

import sys


def _import_peewee_without_psycopg() -> None:
    """peewee imports psycopg whenever it is installed, but only a PostgreSQL
    practice needs it: load peewee without it here, and `db.connect` hands it
    to peewee for a postgresql:// URL (`db._enable_psycopg`).

    The one patch of peewee we keep, because it pays: psycopg's import is
    0.39 G instructions, 45% of a minimal Textual app's whole start, paid by
    every kiosk and staff start on SQLite (kiosk 1.82x the minimal app with
    it, 1.38x without; BENCHMARKS.md). psycopg is installed in every dev and
    test venv (the PostgreSQL tests need it) and on any machine that ever
    talks to PostgreSQL. tests/test_startup_imports.py fails without it.
    Upstream: peewee could import its drivers when a database of that kind
    is first created, as playhouse.db_url already does for its extensions.
    """
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` now fails fast
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_import_peewee_without_psycopg()
