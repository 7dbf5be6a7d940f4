"""Files and directories the portal creates: 0600 and 0700, whatever the umask.

The database holds health data wherever `database_url` puts it, so its file
is created private before SQLite opens it (SQLite then gives its -wal, -shm
and -journal files the database file's mode), and the directories the
portal makes for it are 0700. Directories that were already there (a
user's home, /srv, /tmp) are never changed: they are not the portal's.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private_dirs(path: Path | str) -> Path:
    """Create `path` and its missing parents, each 0700; existing ones are left alone.

    (`Path.mkdir(parents=True, mode=...)` gives the parents the umask's mode.)
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # made meanwhile by someone else: not ours to change
        os.chmod(directory, PRIVATE_DIR)  # the umask may have taken bits off
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a directory")
    return path


def tighten(path: Path | str) -> None:
    """Take group and other bits off a file of ours (one made before this rule)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and st.st_mode & 0o077:
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o077)


def private_sqlite_file(path: Path | str) -> None:
    """Before SQLite opens `path`: its directory (made 0700 if missing), the
    file itself created 0600 if missing, and it and its side files 0600 if an
    older version left them readable by others."""
    path = Path(path)
    make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        try:
            os.fchmod(fd, PRIVATE_FILE)  # exactly 0600, whatever bits the umask took
        finally:
            os.close(fd)
    for name in (str(path), *(str(path) + suffix for suffix in SQLITE_SIDE_FILES)):
        tighten(name)
