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
