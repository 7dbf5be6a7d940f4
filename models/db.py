"""Database binding: one proxy the tables use, bound at start-up.

SQLite gets WAL, foreign keys, a busy timeout and IMMEDIATE transactions
(every `atomic()` takes the write lock up front, so read-then-write
transactions never fail with "database is locked" under several writers).
"""
from __future__ import annotations

import os
from pathlib import Path

from peewee import DatabaseProxy, Model, OperationalError, SqliteDatabase

from .errors import DomainError
from .file_modes import PRIVATE_DIR, make_private_dirs, private_sqlite_file

database = DatabaseProxy()

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "secure_delete": 1,  # scrubbed codes must not linger in free pages
}


# SQLite's words for "cannot write here": the screens say so plainly instead
# of crashing, and the transaction rolls back, so nothing is half-saved.
_UNWRITABLE = ("readonly database", "disk is full", "disk i/o error", "unable to open database")


UNWRITABLE_MESSAGE = (
    "The portal can't save anything right now: its database is read-only or the disk is full. "
    "Nothing was changed. Please tell the practice's administrator."
)


class StorageUnavailable(DomainError, OperationalError):
    """The database cannot be written (read-only, full, gone); screens show the message."""


def _translate(exc: OperationalError) -> OperationalError:
    text = str(exc).lower()
    return StorageUnavailable(UNWRITABLE_MESSAGE) if any(words in text for words in _UNWRITABLE) else exc


class PortalSqliteDatabase(SqliteDatabase):
    """SQLite that names unwritable storage, and lets its original error through.

    On SQLITE_FULL (and some I/O errors) SQLite rolls the whole transaction
    back by itself; peewee's own ROLLBACK / ROLLBACK TO SAVEPOINT then fails
    and would hide the real error. Those are no-ops once nothing is open.
    """

    def _gone(self) -> bool:
        return not self.is_closed() and not self.connection().in_transaction

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except OperationalError as exc:
            if sql.lstrip().upper().startswith("ROLLBACK") and self._gone():
                return self.cursor()
            raise _translate(exc) from exc

    def rollback(self):
        if self._gone():
            return
        super().rollback()

    def begin(self, lock_type=None):
        try:
            super().begin(lock_type)
        except OperationalError as exc:
            raise _translate(exc) from exc

    def commit(self):
        try:
            super().commit()
        except OperationalError as exc:
            raise _translate(exc) from exc


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def _enable_psycopg() -> None:
    """Hand peewee the PostgreSQL driver that models/__init__ kept it from importing."""
    import peewee

    if peewee.psycopg is not None or peewee.psycopg2 is not None:
        return
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    peewee.psycopg, peewee.TransactionStatus = psycopg, TransactionStatus
    peewee.Json_pg3, peewee.Jsonb_pg3 = Json, Jsonb


def connect(url: str):
    """Open the database named by `url` and bind the proxy to it."""
    if url.startswith("sqlite:"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            private_sqlite_file(path)  # 0600 (and so its -wal/-shm), in 0700 dirs it makes
        db = PortalSqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    else:
        _enable_psycopg()
        from playhouse.db_url import connect as connect_url  # loads the PostgreSQL extensions

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


def _pending_migrations() -> bool:
    """Cheap check: are there migration files not recorded as applied?

    The runner itself imports every database extension (PostgreSQL's driver
    included, ~90 ms), which each app would otherwise pay at start-up.
    """
    files = {p.stem for p in MIGRATIONS_DIR.glob("[0-9]*.py")}
    db = database.obj
    if "schema_migration" not in db.get_tables():
        return bool(files)
    applied = {name for (name,) in db.execute_sql("SELECT name FROM schema_migration").fetchall()}
    return bool(files - applied)


def upgrade() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    if not _pending_migrations():
        return []
    from playhouse.migrations import Runner

    return Runner(database.obj, str(MIGRATIONS_DIR)).up()


def migration_status() -> list[tuple[str, object]]:
    from playhouse.migrations import Runner

    return [(m.name, m.applied) for m in Runner(database.obj, str(MIGRATIONS_DIR)).status()]


def ensure_private_dir(path: Path) -> Path:
    """The portal's own directory (the data dir): 0700, even if it was there
    before; missing parents are made 0700 too."""
    make_private_dirs(path)
    os.chmod(path, PRIVATE_DIR)
    return path
