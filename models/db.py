"""Database binding: one proxy the tables use, bound at start-up.

SQLite gets WAL, foreign keys, a busy timeout and IMMEDIATE transactions
(every `atomic()` takes the write lock up front, so read-then-write
transactions never fail with "database is locked" under several writers).
"""
from __future__ import annotations

import os
from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "secure_delete": 1,  # scrubbed codes must not linger in free pages
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def connect(url: str):
    """Open the database named by `url` and bind the proxy to it."""
    if url.startswith("sqlite:"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = connect_url(url, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    else:
        db = connect_url(url, unquote_password=True)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def lock_rows(query):
    """SELECT ... FOR UPDATE where the database has it.

    SQLite needs none: its IMMEDIATE transactions already hold the write lock.
    """
    return query if is_sqlite() else query.for_update()


def serialize_appends(key: int) -> None:
    """Make appenders to one chain (the audit trail) take turns, on PostgreSQL."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def upgrade() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    return Runner(database.obj, str(MIGRATIONS_DIR)).up()


def migration_status() -> list[tuple[str, object]]:
    return [(m.name, m.applied) for m in Runner(database.obj, str(MIGRATIONS_DIR)).status()]


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
