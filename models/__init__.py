"""The portal's domain: tables and rules, no UI (see README "Layout")."""
from __future__ import annotations

import sys


def _import_peewee_without_psycopg() -> None:
    """peewee imports psycopg (~60 ms) whenever it is installed, but only a
    PostgreSQL practice needs it: load peewee without it here, and
    `db.connect` brings it in for a postgresql:// URL."""
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` now fails fast
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


_import_peewee_without_psycopg()
