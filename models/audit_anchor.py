"""The audit trail's newest event, anchored outside the database.

The HMAC chain (models/audit.py) finds a changed, deleted or reordered row,
but a trail whose newest rows were deleted is a shorter chain that still
verifies. So each machine keeps a checkpoint beside secret.key, `audit.head`:
the id and hash of the newest committed event it has seen, MACed with a key
derived from secret.key under its own label (a checkpoint MAC can never pass
for a chain hash or a code digest). `portal audit verify` compares the
database with it: fewer events than the checkpoint names is a truncated
trail, none an emptied one, another event under its id a rewritten one.

It never claims an event a rollback took away. record() asks peewee to call
`_after_commit` when the outermost transaction commits (peewee drops the
call on rollback). If record() ran its own transaction, its event is what
committed. Inside a caller's transaction a savepoint rolled back later could
have taken the event away, so the call reads the newest event afresh,
outside any transaction. The checkpoint only moves forward, and only from a
checkpoint the database still agrees with (its event still there with its
hash); once they disagree it stays put, as evidence, until an operator runs
`portal audit anchor`.

What it does not protect (the window): events of transactions still open;
events committed by a process killed between its COMMIT and the checkpoint
write (microseconds; the next commit on this machine anchors them if they
are still there); events other machines sharing a PostgreSQL database wrote
since this machine last committed an event or ran `portal audit verify`.
After a power cut SQLite (synchronous=normal) can lose its last commits;
verify then names them as missing, which they are. Whoever can write the
data dir also holds secret.key and can forge the checkpoint and the chain.

The file: two 2048-byte slots in one 4 KiB page, each a JSON line with its
own MAC. Advancing rewrites the older slot in place (one pwrite, no fsync,
no rename) under an flock on `audit.head.lock`: about 0.1 ms per committed
transaction on the test machine, where write-temp, fsync, rename cost 0.9 ms,
three times record() itself. A kill cannot tear a one-page write; after a
power cut a slot may come back older or torn, and readers take the newest
slot that verifies: behind at worst, never ahead. Creating or resetting the
file is write-temp, fsync, rename.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import clock, codes
from .errors import DomainError
from .tables import AuditEvent

log = logging.getLogger("portal.audit")

FILE_NAME = "audit.head"
SLOT = 2048
SLOTS = 2
_LABEL = b"portal audit checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    seq: int          # id of the newest event anchored
    head: str         # its hash
    at: str           # its time, ISO naive UTC
    started_seq: int  # the newest event when this checkpoint was started
    started_at: str   # when it was started, ISO naive UTC


@dataclass(frozen=True)
class Row:
    seq: int
    hash: str
    prev_hash: str
    at: dt.datetime


class CheckpointInvalid(Exception):
    """The file is there but no slot of it verifies."""


def utc_text(value: dt.datetime | str) -> str:
    """'2026-11-20 15:00:00 UTC' for a naive-UTC time or its ISO text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat(sep=" ") + " UTC"


# -- the signed slots -------------------------------------------------------

_derived: tuple[bytes, bytes] | None = None


def _mac_key() -> bytes:
    global _derived
    secret = codes.key()
    if _derived is None or _derived[0] != secret:
        _derived = (secret, hmac.new(secret, _LABEL, hashlib.sha256).digest())
    return _derived[1]


def _mac(cp: Checkpoint) -> str:
    fields = [str(cp.seq), cp.head, cp.at, str(cp.started_seq), cp.started_at]
    return hmac.new(_mac_key(), "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()


def _encode(cp: Checkpoint) -> bytes:
    fields = {"v": 1, "seq": cp.seq, "head": cp.head, "at": cp.at, "started_seq": cp.started_seq, "started_at": cp.started_at}
    line = json.dumps({**fields, "mac": _mac(cp)}, separators=(",", ":")).encode()
    if len(line) >= SLOT:
        raise ValueError("checkpoint does not fit its slot")
    return line.ljust(SLOT - 1) + b"\n"


_BLANK = b" " * (SLOT - 1) + b"\n"


def _slot(raw: bytes) -> Checkpoint | str | None:
    """A slot's checkpoint; None if unused; "damaged" or "forged" if it does not verify."""
    text = raw.strip()
    if not text:
        return None
    try:
        obj = json.loads(text)
        cp = Checkpoint(**{name: obj[name] for name in Checkpoint.__dataclass_fields__})
        mac = obj["mac"]
        if not (type(cp.seq) is int and type(cp.started_seq) is int and cp.seq >= cp.started_seq >= 0):
            return "damaged"
        if not all(isinstance(v, str) for v in (cp.head, cp.at, cp.started_at, mac)):
            return "damaged"
        dt.datetime.fromisoformat(cp.at), dt.datetime.fromisoformat(cp.started_at)
    except (ValueError, KeyError, TypeError):
        return "damaged"
    return cp if hmac.compare_digest(mac, _mac(cp)) else "forged"


def parse(data: bytes) -> tuple[Checkpoint, int] | None:
    """The newest slot that verifies and its index; None for an empty file.

    A slot that is not JSON is a torn write and is passed over; a slot that
    is well-formed but does not verify was edited, and fails the whole file.
    """
    if not data.strip():
        return None
    best: tuple[Checkpoint, int] | None = None
    forged = False
    for index in range(SLOTS):
        found = _slot(data[index * SLOT : (index + 1) * SLOT])
        if found == "forged":
            forged = True
        elif isinstance(found, Checkpoint) and (best is None or found.seq > best[0].seq):
            best = (found, index)
    if forged:
        raise CheckpointInvalid("its signature does not match: it was edited, or secret.key was replaced")
    if best is None:
        raise CheckpointInvalid("it is unreadable: damaged, or not a checkpoint")
    return best


# -- the file, shared by every process of this machine ----------------------


class _Store:
    """One checkpoint file; its descriptors belong to the process that opened them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.pid = 0
        self.lock_fd: int | None = None
        self.fd: int | None = None
        self.ident: tuple[int, int] | None = None
        self.seen: Checkpoint | None = None   # the newest checkpoint this process read or wrote
        self.bytes: bytes | None = None       # the file as last read or written, and what it holds
        self.parsed: tuple[Checkpoint, int] | None = None
        self.key: bytes | None = None
        self.warned: set[str] = set()

    def _close(self, name: str) -> None:
        fd = getattr(self, name)
        setattr(self, name, None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    @contextmanager
    def locked(self, exclusive: bool) -> Iterator[None]:
        if self.pid != os.getpid():
            # A forked child shares the parent's open file descriptions, and
            # with them the parent's flock: it needs its own.
            self._close("lock_fd")
            self._close("fd")
            self.pid, self.ident = os.getpid(), None
        if self.lock_fd is None:
            self.lock_fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.lock_fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(self.lock_fd, fcntl.LOCK_UN)

    def read(self) -> tuple[Checkpoint, int] | None:
        """The checkpoint and its slot (under the lock); None if there is none."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._close("fd")
            return None
        if self.fd is None or self.ident != (st.st_dev, st.st_ino):
            self._close("fd")  # replaced (created or reset) since we opened it
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            except PermissionError:
                self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            self.ident = (st.st_dev, st.st_ino)
        data = os.pread(self.fd, SLOT * SLOTS, 0)
        key = _mac_key()
        if data != self.bytes or key != self.key:  # else unchanged since we last read or wrote it
            self.parsed, self.bytes, self.key = parse(data), data, key
        if self.parsed is not None:
            self.seen = self.parsed[0]
        return self.parsed

    def put(self, cp: Checkpoint, index: int) -> None:
        """Overwrite one slot in place: one page, one syscall, no tearing on a kill."""
        slot = _encode(cp)
        os.pwrite(self.fd, slot, index * SLOT)
        if self.bytes is not None and len(self.bytes) == SLOT * SLOTS:
            self.bytes = self.bytes[: index * SLOT] + slot + self.bytes[(index + 1) * SLOT :]
            self.parsed = (cp, index)
        self.seen = cp

    def create(self, cp: Checkpoint) -> None:
        """A new file with `cp` in its first slot: write-temp, fsync, rename."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, _encode(cp) + _BLANK)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._close("fd")
        self.seen, self.bytes = cp, None

    def warn_once(self, key: str, message: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            log.warning("audit checkpoint %s: %s", self.path, message)


_stores: dict[Path, _Store] = {}
# Threads of one process share the lock file's description, so flock does
# not keep them apart: this does.
_mutex = threading.Lock()


def _after_fork() -> None:
    global _mutex
    _mutex = threading.Lock()  # a thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_after_fork)


def checkpoint_path() -> Path | None:
    """`audit.head` beside secret.key; None before models.setup.open_portal."""
    from .setup import current_settings

    settings = current_settings()
    return None if settings is None else settings.secret_path.with_name(FILE_NAME)


def _store() -> _Store:
    path = checkpoint_path()
    if path is None:
        raise RuntimeError("The portal is not open; call models.setup.open_portal first.")
    store = _stores.get(path)
    if store is None:
        store = _stores[path] = _Store(path)
    return store


# -- the database side --------------------------------------------------------


def _rows(seq: int = 0) -> tuple[Row | None, dict[int, Row]]:
    """The newest event and event `seq`, in one query.

    Plain SQL: it runs after every commit that recorded an event, and
    building it with peewee cost more than the rest of the checkpoint.
    """
    from .db import database

    table = AuditEvent._meta.table_name
    sql = (
        f'SELECT "id", "hash", "prev_hash", "at" FROM "{table}" '
        f'WHERE "id" = (SELECT MAX("id") FROM "{table}") OR "id" = {database.param}'
    )
    to_time = AuditEvent.at.python_value
    rows = {r[0]: Row(r[0], r[1], r[2], to_time(r[3])) for r in database.execute_sql(sql, (seq,)).fetchall()}
    return (rows[max(rows)] if rows else None), rows


def _agrees(cp: Checkpoint, head: Row, rows: dict[int, Row]) -> bool:
    """Does the database still hold the event `cp` names (so `head` follows it)?"""
    if head.seq == cp.seq + 1 and head.prev_hash == cp.head:
        return True
    if cp.seq not in rows:
        rows = _rows(cp.seq)[1]
    row = rows.get(cp.seq)
    return row is not None and row.hash == cp.head


def _from(head: Row, started: Checkpoint | None) -> Checkpoint:
    started_seq, started_at = (started.started_seq, started.started_at) if started else (head.seq, clock.now().isoformat())
    return Checkpoint(head.seq, head.hash, head.at.isoformat(), started_seq, started_at)


def advance(committed: Row | None = None) -> Checkpoint | None:
    """Move the checkpoint to the newest committed event; the new checkpoint or None.

    Only outside a transaction (what is read then is committed), only
    forward, and only from a checkpoint the database agrees with.
    `committed`: an event known to be committed, so no read is needed.
    """
    from .db import database

    if database.in_transaction():
        return None
    store = _store()
    with _mutex:
        if committed is not None:
            head, rows = committed, {}
        else:
            head, rows = _rows(store.seen.seq if store.seen else 0)
        if head is None or (store.seen is not None and head.seq <= store.seen.seq and store.path.exists()):
            return None  # nothing newer than what the file holds
        try:
            with store.locked(exclusive=True):
                return _advance_locked(store, head, rows)
        except OSError as exc:  # a full disk, a read-only data dir: the trail itself is fine
            store.warn_once("io", f"could not be written: {exc}")
            return None


def _advance_locked(store: _Store, head: Row, rows: dict[int, Row]) -> Checkpoint | None:
    try:
        found = store.read()
    except CheckpointInvalid as exc:
        store.warn_once("invalid", f"not advanced: {exc}")
        return None
    if found is None:
        if store.seen is not None:
            store.warn_once("gone", "the file was removed; starting a new one")
        store.create(_from(head, None))
        return store.seen
    cp, index = found
    if cp.seq >= head.seq:
        return None
    if not _agrees(cp, head, rows):
        store.warn_once("disagrees", f"not advanced: the trail no longer holds event #{cp.seq} as recorded")
        return None
    store.put(_from(head, cp), 1 - index)
    return store.seen


def reset() -> tuple[Checkpoint | None, Checkpoint]:
    """Start a new checkpoint at the newest event, whatever the old one says.

    For an operator who has looked into what verify reported (a restored
    backup, say). Returns (the old checkpoint if it verified, the new one).
    """
    store = _store()
    with _mutex, store.locked(exclusive=True):
        try:
            found = store.read()
        except CheckpointInvalid:
            found = None
        head, _ = _rows()
        if head is None:
            raise DomainError("The audit trail is empty: there is nothing to anchor.")
        store.create(_from(head, None))
        return (found[0] if found else None), store.seen


def read_checkpoint() -> Checkpoint | None:
    """The checkpoint as it is now (raises CheckpointInvalid)."""
    store = _store()
    with _mutex, store.locked(exclusive=False):
        found = store.read()
    return found[0] if found else None


# -- record()'s hook ------------------------------------------------------------

_hooked = threading.local()


def _after_commit(committed: Row | None) -> None:
    _hooked.txn = None
    if checkpoint_path() is None:
        return  # not opened through open_portal: nothing to anchor beside
    try:
        advance(committed)
    except Exception:  # noqa: BLE001 - the change it follows is committed; never fail it
        log.exception("could not advance the audit checkpoint")


def anchor_after_commit(event: AuditEvent, *, own_transaction: bool) -> None:
    """Called by record() inside its transaction: advance once it commits.

    When record() ran its own transaction, the commit is the event's and
    it is the one to anchor. Inside a caller's transaction a savepoint may
    still roll it back, so after the commit the newest event is read afresh.
    """
    from .db import database

    txn = database.top_transaction()
    if getattr(_hooked, "txn", None) is txn:
        return  # already hooked to this transaction
    known = Row(event.id, event.hash, event.prev_hash, event.at) if own_transaction else None
    try:
        database.after_commit(lambda: _after_commit(known))
    except ValueError:
        return  # manual_commit has no commit hook; a later commit anchors this event
    _hooked.txn = txn


# -- what verify reports ------------------------------------------------------


@dataclass(frozen=True)
class AnchorCheck:
    kind: str      # intact, empty, missing, invalid, truncated, emptied, rewritten
    message: str
    checkpoint: Checkpoint | None = None
    newest: int = 0     # id of the newest event in the database

    @property
    def ok(self) -> bool:
        return self.kind in ("intact", "empty")

    @property
    def trail_damaged(self) -> bool:
        """Events are gone or replaced (rather than the checkpoint being unusable)."""
        return self.kind in ("truncated", "emptied", "rewritten")


def check() -> AnchorCheck:
    """Compare the newest events in the database with the checkpoint."""
    store = _store()
    # The checkpoint is read before the rows: it only ever names committed
    # events, so rows read after it hold at least as much, however busy.
    try:
        cp = read_checkpoint()
    except CheckpointInvalid as exc:
        cp, invalid = None, str(exc)
    else:
        invalid = ""
    head, rows = _rows(cp.seq if cp else 0)
    newest = head.seq if head else 0
    if invalid:
        return AnchorCheck(
            "invalid",
            f"the checkpoint {store.path} is not valid ({invalid}), so deletion of the newest events cannot be checked: "
            "look into it, then run `portal audit anchor` to start a new checkpoint",
            None,
            newest,
        )
    if cp is None:
        if head is None:
            return AnchorCheck("empty", "no events yet", None, 0)
        return AnchorCheck(
            "missing",
            f"there is no checkpoint at {store.path}, so deletion of the newest events cannot be checked",
            None,
            newest,
        )
    seen = utc_text(cp.at)
    if head is None:
        return AnchorCheck(
            "emptied", f"the trail is empty but the checkpoint says {cp.seq:,} events were recorded up to {seen}", cp, 0
        )
    if head.seq < cp.seq:
        gone = cp.seq - head.seq
        which = f"#{cp.seq}" if gone == 1 else f"#{head.seq + 1}..#{cp.seq}"
        what = "the newest event is missing" if gone == 1 else f"the newest {gone:,} events are missing"
        return AnchorCheck("truncated", f"{what}: {which}, last seen at {seen}", cp, newest)
    row = rows.get(cp.seq)
    if row is None:
        return AnchorCheck("rewritten", f"event #{cp.seq}, which the checkpoint recorded at {seen}, is missing", cp, newest)
    if row.hash != cp.head:
        return AnchorCheck(
            "rewritten",
            f"event #{cp.seq} is not the one the checkpoint recorded at {seen}: "
            "the trail was cut back and other events written in its place",
            cp,
            newest,
        )
    if head.seq == cp.seq:
        return AnchorCheck("intact", f"the newest, #{cp.seq} ({seen}), matches the checkpoint", cp, newest)
    newer = head.seq - cp.seq
    return AnchorCheck(
        "intact",
        f"the checkpoint holds #{cp.seq} ({seen}); "
        + ("1 newer event was" if newer == 1 else f"{newer:,} newer events were")
        + " recorded after it was last written",
        cp,
        newest,
    )
