"""Database files 0600 and the directories the portal makes 0700, whatever the umask and wherever they are.

With the usual umask (022), SQLite created portal.db, -wal and -shm 0644,
and a `database_url` outside the data dir gave a world-readable database in
0755 directories: only the data dir's own 0700 had been protecting it.
"""
from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from models.config import Settings
from models.file_modes import make_private_dirs
from models.setup import open_portal


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def close_db():
    yield
    from models.db import database

    database.obj.close()


def test_a_database_outside_the_data_dir_is_private_and_so_are_the_dirs_made_for_it(tmp_path, close_db):
    shared = tmp_path / "srv"
    shared.mkdir(mode=0o755)  # somebody else's directory: left as it is
    os.chmod(shared, 0o755)
    db_file = shared / "portal" / "db" / "portal.db"
    settings = Settings(data_dir=tmp_path / "home" / "share" / "data", database_url=f"sqlite:///{db_file}")
    open_portal(settings)  # migrations write: the WAL and its index exist now

    from models.tables import StaffUser

    assert StaffUser.select().count() == 0
    for name in ("portal.db", "portal.db-wal", "portal.db-shm"):
        assert mode(db_file.parent / name) == 0o600, name
    for made in (shared / "portal", shared / "portal" / "db", tmp_path / "home", tmp_path / "home" / "share", settings.data_dir):
        assert mode(made) == 0o700, made
    assert mode(shared) == 0o755
    assert mode(settings.secret_path) == 0o600


def test_the_default_database_in_the_data_dir_is_private(tmp_path, close_db):
    settings = Settings(data_dir=tmp_path / "data")
    open_portal(settings)
    for name in ("portal.db", "portal.db-wal", "portal.db-shm", "secret.key"):
        assert mode(settings.data_dir / name) == 0o600, name
    assert mode(settings.data_dir) == 0o700


def test_files_an_older_version_left_readable_are_tightened_at_open(tmp_path, close_db):
    settings = Settings(data_dir=tmp_path / "data")
    open_portal(settings)
    from models.db import database

    database.obj.close()
    for name in ("portal.db", "portal.db-wal", "portal.db-shm", "secret.key"):
        if (settings.data_dir / name).exists():
            os.chmod(settings.data_dir / name, 0o644)
    open_portal(settings)
    for name in ("portal.db", "portal.db-wal", "portal.db-shm", "secret.key"):
        assert mode(settings.data_dir / name) == 0o600, name


def test_private_dirs_ignore_the_umask_and_leave_existing_ones(tmp_path):
    os.umask(0o277)  # would give r-x------ to a plain mkdir
    make_private_dirs(tmp_path / "a" / "b")
    os.umask(0o022)
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    os.chmod(tmp_path / "a", 0o750)
    make_private_dirs(tmp_path / "a" / "b" / "c")
    assert mode(tmp_path / "a") == 0o750  # already there: not ours to change
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError):
        make_private_dirs(tmp_path / "file")


def test_the_maildir_logs_and_ssh_host_key_are_private(tmp_path):
    from types import SimpleNamespace

    from models.mail.local_server import MaildirHandler
    from tui.ssh.hostkey import host_key_path, load_or_create_host_key
    from tui.ssh.logs import configure_logging

    settings = Settings(data_dir=tmp_path / "data")
    make_private_dirs(settings.data_dir)
    handler = MaildirHandler(settings.maildir)
    envelope = SimpleNamespace(original_content=b"Subject: hi\r\n\r\nbody\r\n", content=None, mail_from="a@x", rcpt_tos=["b@y"])
    assert asyncio.run(handler.handle_DATA(None, SimpleNamespace(peer="127.0.0.1"), envelope)).startswith("250")
    for sub in ("", "tmp", "new", "cur"):
        assert mode(settings.maildir / sub) == 0o700, sub
    (message,) = (settings.maildir / "new").iterdir()
    assert mode(message) == 0o600

    handlers = configure_logging(settings, stderr=False)
    try:
        assert mode(settings.data_dir / "ssh.log") == 0o600
    finally:
        import logging

        for h in handlers:
            logging.getLogger("portal.ssh").removeHandler(h)
            h.close()

    load_or_create_host_key(host_key_path(settings.data_dir))
    assert mode(host_key_path(settings.data_dir)) == 0o600


def test_the_door_and_the_key_make_a_new_data_dirs_parents_private(tmp_path):
    """`portal serve` opens its log and host key before the database, and the
    first run creates secret.key: none may leave a umask-mode parent behind."""
    from tui.ssh.hostkey import load_or_create_host_key
    from tui.ssh.logs import configure_logging

    from models import codes

    for name, make in (
        ("log", lambda d: configure_logging(Settings(data_dir=d), stderr=False)),
        ("host key", lambda d: load_or_create_host_key(d / "ssh_host_ed25519_key")),
        ("secret", lambda d: codes.load_key(d / "secret.key")),
    ):
        previous_key = codes._key
        data_dir = tmp_path / name / "srv" / "portal"
        handlers = make(data_dir)
        codes._key = previous_key  # load_key installs the key it read
        for directory in (tmp_path / name / "srv", data_dir):
            assert mode(directory) == 0o700, (name, directory)
        if isinstance(handlers, list):
            import logging

            for h in handlers:
                logging.getLogger("portal.ssh").removeHandler(h)
                h.close()
