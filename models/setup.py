"""Opening the portal's storage: settings, database, migrations, secret key."""
from __future__ import annotations

from .config import Settings, load_settings
from . import codes, db
from .file_modes import tighten

_settings: Settings | None = None


def open_portal(settings: Settings | None = None, *, migrate: bool = True) -> Settings:
    """Bind the database and key for this process; returns the settings used."""
    global _settings
    settings = settings or load_settings()
    db.ensure_private_dir(settings.data_dir)
    db.connect(settings.db_url)
    if migrate:
        db.upgrade()
    codes.load_key(settings.secret_path)
    tighten(settings.secret_path)  # 0600 even if an older install or a copy left it readable
    _settings = settings
    return settings


def current_settings() -> Settings | None:
    """The settings the portal was opened with, or None before open_portal."""
    return _settings


def settings() -> Settings:
    if _settings is None:
        raise RuntimeError("The portal is not open; call models.setup.open_portal first.")
    return _settings


def upgrade_schema() -> list[str]:
    """Apply pending migrations to the open portal's database; returns their names."""
    return db.upgrade()


def migration_status() -> list[tuple[str, object]]:
    """Each migration's name and whether (when) it was applied."""
    return db.migration_status()
