"""Opening the portal's storage: settings, database, migrations, secret key.

Light to import (the database layer is imported by `open_portal`), so an
app can show its first frame and open the portal just after it, in a thread
(`opening_elsewhere`; tui.shared.runtime.open_after_first_frame).
"""
from __future__ import annotations

import threading

from .config import Settings, load_settings

_settings: Settings | None = None
# Clear while an open_portal announced by `opening_elsewhere` has not
# returned; every worker's connection (models.threads) waits for it.
_not_opening = threading.Event()
_not_opening.set()


def open_portal(settings: Settings | None = None, *, migrate: bool = True) -> Settings:
    """Bind the database and key for this process; returns the settings used."""
    global _settings
    try:
        from . import codes, db
        from .file_modes import tighten

        settings = settings or load_settings()
        db.ensure_private_dir(settings.data_dir)
        db.connect(settings.db_url)
        if migrate:
            db.upgrade()
        codes.load_key(settings.secret_path)
        tighten(settings.secret_path)  # 0600 even if an older install or a copy left it readable
        _settings = settings
        return settings
    finally:
        _not_opening.set()  # failed too: the waiters then fail on the unbound database, not hang


def opening_elsewhere() -> None:
    """Say that open_portal is about to run in another thread: until it
    returns, `wait_until_open` (every worker's connection) waits."""
    _not_opening.clear()


def wait_until_open() -> None:
    _not_opening.wait()


def open_portal_in_worker(settings: Settings) -> Settings:
    """open_portal, from a worker thread (after `opening_elsewhere`), keeping
    one connection open for the process's life (`keep_open`) in place of
    the worker's own, closed here rather than left to its thread's end."""
    settings = open_portal(settings)
    path = sqlite_file(settings.db_url)
    if path and _kept is None:
        import sqlite3

        keep_open(sqlite3.connect(path, check_same_thread=False))
    from . import db

    db.database.close()  # this thread's own; the kept one stays
    return settings


def sqlite_file(url: str) -> str:
    """The file of a sqlite:/// URL; "" for anything else (PostgreSQL, memory)."""
    path = url.split(":///", 1)[1] if url.startswith("sqlite:///") else ""
    return "" if path == ":memory:" else path


_kept = None  # sqlite3.Connection, see keep_open


def keep_open(connection) -> None:
    """Keep one connection to the SQLite file open while the process lives
    (a second one offered is closed). Workers open and close a connection
    per call; when the last connection to a WAL database closes, SQLite
    checkpoints it and removes the WAL, and the next call rebuilds its
    index. An app that opens the portal on its main thread keeps that
    thread's connection all along; one that opens it after its first frame
    keeps this one (tests/ssh/test_zygote.py looks for it in the kiosk).
    It reads once: a connection that never read has not opened the WAL,
    and does not count."""
    global _kept
    if _kept is None:
        connection.execute("PRAGMA schema_version").fetchall()
        _kept = connection
    elif connection is not _kept:
        connection.close()


def current_settings() -> Settings | None:
    """The settings the portal was opened with, or None before open_portal."""
    return _settings


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("The portal is not open; call models.setup.open_portal first.")
    return _settings


def upgrade_schema() -> list[str]:
    """Apply pending migrations to the open portal's database; returns their names."""
    from . import db

    return db.upgrade()


def migration_status() -> list[tuple[str, object]]:
    """Each migration's name and whether (when) it was applied."""
    from . import db

    return db.migration_status()
