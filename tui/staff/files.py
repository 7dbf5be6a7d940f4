"""Files of the workstation: documents and PDFs only from the import folder, exports only into the export folder.

No Textual here, so the rule is tested on its own (tests/staff/test_file_import.py).

A staff app reached through a door (the SSH door today, a browser door later)
runs as the door host's user: any path it opened would be a file of that
host (/etc, the portal's data dir with its keys). So such an app never opens
files (`local_workstation` says when it may), and the app's default is "no
files" (`StaffApp(file_import=None)`): only the `portal staff` command at the
workstation turns it on. Even there, files come only from the configured
import folder (`import_folder`, none by default), never from the portal's
own storage, and every refusal about where a path leads gets one message,
`NOT_IN_FOLDER`, so typing paths tells nothing about the rest of the disk.

How a path is checked: resolved first (realpath, strict: every part must
exist); refused unless it lies inside the folder; then opened one directory
at a time below the folder with O_NOFOLLOW (a part swapped for a symlink
after the check fails instead of leading out), the last part with O_NONBLOCK
(a FIFO cannot make the app wait); and what was opened, not the name, is
checked: a regular file, and no directory on the way (nor the file) one of
the portal's own (compared by device and inode, which also catches a hard
link to secret.key).

Exports (a completed response as a PDF) follow the same rule the other way:
only from `portal staff` at the workstation, only into the configured export
folder (`export_folder`, none by default), never a folder inside the
portal's own storage. The file is made new with O_CREAT|O_EXCL|O_NOFOLLOW
(a name already there, a symlink included, is never written through or
over: the next free name is taken), mode 0600.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from typing import Iterable, Mapping

NOT_IN_FOLDER = "There is no such file in the import folder. Type the name of a text file that is in it."
IMPORT_OFF = (
    "Loading files is off. To share text files from this computer, set import_folder in portal.toml "
    "(or PORTAL_IMPORT_FOLDER) to a folder that holds only files meant for clients."
)
REMOTE = "Files can only be loaded at the practice's own workstation, not in a remote session."
EXPORT_OFF = (
    "Exporting is off. To save responses as PDF files on this computer, set export_folder in portal.toml "
    "(or PORTAL_EXPORT_FOLDER) to a folder for them."
)
EXPORT_REMOTE = "Files can only be exported at the practice's own workstation, not in a remote session."
MAX_EXPORT_NAMES = 1000   # "response-12 (2).pdf" ... before giving up on a crowded folder

# What a door or a remote terminal leaves in the environment of the app it starts.
REMOTE_MARKS = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "TEXTUAL_DRIVER")


class FileProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def local_workstation(environ: Mapping[str, str]) -> bool:
    """Whether a staff app started with this environment runs at the machine's
    own terminal. Every door says where its sessions come from
    (PORTAL_SESSION_SOURCE=ssh:<peer>, which the audit trail needs anyway);
    a browser front end (textual-serve) sets TEXTUAL_DRIVER; an OpenSSH login
    sets SSH_CONNECTION. Any of them means remote."""
    if environ.get("PORTAL_SESSION_SOURCE", "workstation") != "workstation":
        return False
    return not any(environ.get(name) for name in REMOTE_MARKS)


def portal_paths(settings, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The portal's own storage, never read as a document: the data dir (keys,
    logs, maildir), an SQLite database kept elsewhere and its side files, and
    the config file (it may hold the mail password)."""
    from models.config import default_config_path

    paths = [str(settings.data_dir), str(settings.secret_path)]
    url = settings.db_url
    if url.startswith("sqlite:") and ":///" in url:
        db = url.split(":///", 1)[1]
        if db and db != ":memory:":
            paths += [db + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    paths.append(str(default_config_path(os.environ if environ is None else environ)))
    return tuple(paths)


@dataclass(frozen=True)
class FileImport:
    """Where a workstation's staff app may load files from.

    folder         the import folder as configured ("" : loading is off)
    protected      paths never read, even inside the folder (`portal_paths`)
    export_folder  where exports are written ("" : exporting is off)
    """

    folder: str = ""
    protected: tuple[str, ...] = ()
    export_folder: str = ""

    @classmethod
    def from_settings(cls, settings, environ: Mapping[str, str] | None = None) -> "FileImport":
        return cls(folder=settings.import_folder.strip(), protected=portal_paths(settings, environ),
                   export_folder=settings.export_folder.strip())

    @property
    def enabled(self) -> bool:
        return bool(self.folder.strip())

    @property
    def export_enabled(self) -> bool:
        return bool(self.export_folder.strip())

    def read(self, typed_path: str, limit: int | None = None) -> tuple[str, str]:
        """(title, text) of a UTF-8 text file in the folder, at most `limit` bytes
        (a document's limit by default); raises FileProblem."""
        if limit is None:
            # Here, not at the top: `portal staff` builds a FileImport before its
            # first frame, and models.records brings most of the domain with it.
            from models.records import MAX_DOCUMENT

            limit = MAX_DOCUMENT
        raw = (typed_path or "").strip()
        if self.enabled and not raw:
            raise FileProblem("Type the name of a text file in the import folder first.")
        data = self.read_bytes(raw, limit)
        text = _decode(data)
        stem = os.path.splitext(os.path.basename(raw.rstrip("/")))[0]
        return stem.replace("_", " ").strip() or os.path.basename(raw), text

    def read_bytes(self, typed_path: str, limit: int) -> bytes:
        """The bytes of a file in the folder, at most `limit`; raises FileProblem."""
        if not self.enabled:
            raise FileProblem(IMPORT_OFF)
        raw = (typed_path or "").strip()
        if not raw:
            raise FileProblem("Choose a file in the import folder first.")
        folder = self._folder()
        parts = _parts_inside(folder, raw)
        fd = _open_below(folder, parts, _identities(self.protected))
        try:
            return _read_text_bytes(fd, limit)
        finally:
            os.close(fd)

    def names(self, suffix: str) -> list[str]:
        """The plain files directly in the folder whose names end with `suffix` (any case), sorted.

        A name is only offered here; reading it still goes through every check of `read_bytes`.
        """
        folder = self._folder()
        try:
            with os.scandir(folder) as entries:
                found = [e.name for e in entries if e.name.lower().endswith(suffix.lower())
                         and not e.name.startswith(".") and e.is_file(follow_symlinks=False)]
        except OSError:
            raise FileProblem(f"The import folder {self.folder} can't be read here.") from None
        return sorted(found, key=str.casefold)

    def _folder(self) -> str:
        return _checked_folder(self.folder, "import_folder", self.protected)

    def write_export(self, name: str, data: bytes) -> str:
        """Write `data` as a new file in the export folder; returns its path. Never
        overwrites, never follows a symlink; the file is 0600. Raises FileProblem."""
        if not self.export_enabled:
            raise FileProblem(EXPORT_OFF)
        folder = _checked_folder(self.export_folder, "export_folder", self.protected)
        stem, ext = os.path.splitext(_safe_name(name))
        try:
            directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            raise FileProblem(f"The export folder {self.export_folder} can't be opened here.") from None
        try:
            opened = os.fstat(directory)
            if (opened.st_dev, opened.st_ino) in _identities(self.protected):  # swapped for one of ours since the check
                raise FileProblem("The export folder is inside the portal's own data; ask the administrator to choose another one.")
            for n in range(1, MAX_EXPORT_NAMES + 1):
                candidate = f"{stem}{ext}" if n == 1 else f"{stem} ({n}){ext}"
                try:
                    fd = os.open(candidate, EXPORT_FLAGS, 0o600, dir_fd=directory)
                except FileExistsError:
                    continue  # a file (or a symlink) has that name: never written through, take the next
                except OSError as exc:
                    raise FileProblem(f"The export could not be written: {exc.strerror or exc}.") from None
                try:
                    os.fchmod(fd, 0o600)
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fsync(fd)
                except OSError as exc:
                    os.close(fd)
                    os.unlink(candidate, dir_fd=directory)
                    raise FileProblem(f"The export could not be written: {exc.strerror or exc}.") from None
                os.close(fd)
                return os.path.join(folder, candidate)
            raise FileProblem("The export folder already holds too many files of that name; ask the administrator to tidy it.")
        finally:
            os.close(directory)


EXPORT_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _safe_name(name: str) -> str:
    """A plain file name: no directory parts, no hidden dot-file, nothing but letters, digits, '-', '_', '.'."""
    base = os.path.basename(name or "")
    cleaned = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in base).lstrip(".")
    return cleaned or "export.pdf"


def _checked_folder(configured: str, setting: str, protected: tuple[str, ...]) -> str:
    """The configured folder, resolved; refused if missing, not a folder, or inside the portal's storage."""
    what = "import" if setting == "import_folder" else "export"
    try:
        folder = os.path.realpath(os.path.expanduser(configured), strict=True)
        if not stat.S_ISDIR(os.stat(folder).st_mode):
            raise NotADirectoryError(folder)
    except (OSError, ValueError):
        raise FileProblem(f"The {what} folder {configured} is not there. Ask the administrator to check {setting}.") from None
    for path in protected:
        try:
            own = os.path.realpath(path, strict=True)
        except (OSError, ValueError):
            continue
        if _inside(own, folder):
            raise FileProblem(f"The {what} folder is inside the portal's own data; ask the administrator to choose another one.")
    return folder


def _inside(folder: str, path: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _parts_inside(folder: str, raw: str) -> list[str]:
    """The resolved path's parts below `folder`; NOT_IN_FOLDER for anything
    missing or leading elsewhere (`..`, an absolute path, a symlink out)."""
    try:
        real = os.path.realpath(os.path.join(folder, os.path.expanduser(raw)), strict=True)
    except (OSError, ValueError):  # missing, a symlink loop, unreadable on the way, NUL
        raise FileProblem(NOT_IN_FOLDER) from None
    if not _inside(folder, real):
        raise FileProblem(NOT_IN_FOLDER)
    if real == folder:
        raise FileProblem("That is the import folder itself. Type the name of a file in it.")
    return os.path.relpath(real, folder).split(os.sep)


def _identities(paths: Iterable[str]) -> set[tuple[int, int]]:
    ids = set()
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        ids.add((st.st_dev, st.st_ino))
    return ids


def _not_plain(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "That is a folder, not a file."
    return "That is not a plain file (a pipe, device or socket). Only plain text files can be shared."


DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _open_below(folder: str, parts: list[str], protected: set[tuple[int, int]]) -> int:
    """Open folder/parts without following any symlink; the checks are made
    on what was opened."""

    def check(fd: int) -> os.stat_result:
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) in protected:
            raise FileProblem(NOT_IN_FOLDER)
        return st

    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        raise FileProblem(NOT_IN_FOLDER) from None
    try:
        check(directory)
        for part in parts[:-1]:
            below = os.open(part, DIR_FLAGS, dir_fd=directory)
            os.close(directory)
            directory = below
            check(directory)
        # Look before opening: opening a device can do things (a tape rewinds).
        mode = os.stat(parts[-1], dir_fd=directory, follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(_not_plain(mode))
        fd = os.open(parts[-1], FILE_FLAGS, dir_fd=directory)
    except FileProblem:
        raise
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise FileProblem("That file can't be read here (permission denied).") from None
        raise FileProblem(NOT_IN_FOLDER) from None  # changed under us: a part became a symlink or went away
    finally:
        os.close(directory)
    try:
        st = check(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between the look and the open
            raise FileProblem(_not_plain(st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_text_bytes(fd: int, limit: int) -> bytes:
    size = os.fstat(fd).st_size
    if size > limit:
        raise FileProblem(f"That file is too large to share ({size // 1024:,} KB; the limit is {limit // 1000} KB).")
    chunks, total = [], 0
    try:
        while total <= limit:
            chunk = os.read(fd, limit + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise FileProblem(f"That file can't be read: {exc.strerror or exc}.") from None
    if total > limit:
        raise FileProblem(f"That file is too large to share (the limit is {limit // 1000} KB).")
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise FileProblem("That looks like a binary file (a PDF, image or program?). Only plain text files can be shared.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("That file is not UTF-8 text. Save it as plain UTF-8 text and try again.") from None
    if not text.strip():
        raise FileProblem("That file is empty.")
    return text
