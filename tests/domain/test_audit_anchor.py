"""The audit checkpoint: deleting the newest events, or all of them, is named;
rollbacks, kills and concurrent writers never raise a false alarm."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from models import audit_anchor
from models.audit import Actor, record, verify_chain, verify_trail
from models.charts import create_chart
from models.db import database
from models.integrity import problems
from models.tables import AuditEvent
from tests.pg import sqlite_and_postgresql

from .helpers import STAFF, make_staff

database_url = sqlite_and_postgresql("portal_anchor")

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("audit_anchor_worker.py")
ACTOR = Actor("staff", "tester", "workstation")


def _events(n: int) -> None:
    for i in range(n):
        record(ACTOR, "test.event", detail=str(i))


def _checkpoint() -> audit_anchor.Checkpoint:
    return audit_anchor.read_checkpoint()


def _head_file(portal) -> Path:
    return portal.secret_path.with_name("audit.head")


def test_real_changes_keep_the_checkpoint_at_the_newest_event(portal):
    make_staff()
    create_chart(STAFF, first_name="Ana", last_name="Lee", date_of_birth="01/02/1990")
    _events(3)
    newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    cp = _checkpoint()
    assert (cp.seq, cp.head) == (newest.id, newest.hash)
    report = verify_trail()
    assert report.ok and report.exit_code == 0 and "matches the checkpoint" in report.anchor.message
    assert oct(_head_file(portal).stat().st_mode & 0o777) == "0o600"


def test_deleting_the_newest_events_is_named(portal):
    _events(6)
    AuditEvent.delete().where(AuditEvent.id > 4).execute()
    assert verify_chain().ok  # what the chain alone cannot see
    report = verify_trail()
    assert not report.ok and report.exit_code == 1 and report.anchor.kind == "truncated"
    assert report.anchor.message == "the newest 2 events are missing: #5..#6, last seen at 2026-11-20 15:00:00 UTC"
    assert any("#5..#6" in p for p in problems())  # and `portal db check` says so too
    AuditEvent.delete().where(AuditEvent.id == 4).execute()
    assert verify_trail().anchor.message.startswith("the newest 3 events are missing: #4..#6")


def test_deleting_only_the_newest_event_is_named(portal):
    _events(3)
    AuditEvent.delete().where(AuditEvent.id == 3).execute()
    assert verify_trail().anchor.message == "the newest event is missing: #3, last seen at 2026-11-20 15:00:00 UTC"


def test_an_emptied_trail_is_reported_as_emptied(portal):
    _events(6)
    AuditEvent.delete().execute()
    report = verify_trail()
    assert report.chain.ok and report.chain.checked == 0  # "intact: 0 events verified" before
    assert report.anchor.kind == "emptied" and report.exit_code == 1
    assert report.anchor.message == (
        "the trail is empty but the checkpoint says 6 events were recorded up to 2026-11-20 15:00:00 UTC"
    )


def test_new_events_after_a_cut_do_not_paper_over_it(portal):
    _events(6)
    AuditEvent.delete().where(AuditEvent.id > 3).execute()
    _events(2)  # the chain regrows to #5: still short of the checkpoint
    assert verify_trail().anchor.message.startswith("the newest event is missing: #6")
    _events(3)  # #8 now, past the checkpoint, but #6 is another event
    report = verify_trail()
    assert report.anchor.kind == "rewritten" and "event #6 is not the one" in report.anchor.message
    assert _checkpoint().seq == 6  # kept as evidence, never moved back or over


def test_rolled_back_events_never_reach_the_checkpoint(portal):
    _events(2)
    with pytest.raises(ZeroDivisionError):
        with database.atomic():
            record(ACTOR, "rolled.back")
            1 / 0
    with database.atomic():  # committed, but the savepoint inside it rolled back
        record(ACTOR, "kept")
        with pytest.raises(ZeroDivisionError):
            with database.atomic():
                record(ACTOR, "rolled.back.savepoint")
                1 / 0
    assert _checkpoint().seq == AuditEvent.select().count() == 3
    assert verify_trail().ok
    _events(2)  # the rolled-back ids are used again, by other events
    assert verify_trail().ok and _checkpoint().seq == 5


def test_a_commit_without_its_checkpoint_write_is_no_alarm(portal, monkeypatch):
    """A process killed between COMMIT and the checkpoint write leaves it behind, not ahead."""
    _events(2)
    monkeypatch.setattr(audit_anchor, "advance", lambda committed=None: None)
    _events(3)
    monkeypatch.undo()
    report = verify_trail()
    assert report.ok and "3 newer events were recorded after it" in report.anchor.message
    _events(1)
    assert _checkpoint().seq == 6 and verify_trail().ok


def test_a_tampered_checkpoint_is_reported_and_left_alone(portal):
    _events(4)
    path = _head_file(portal)
    forged = path.read_bytes().replace(b'"seq":4', b'"seq":9')
    path.write_bytes(forged)
    report = verify_trail()
    assert report.anchor.kind == "invalid" and report.exit_code == 2
    assert "signature does not match" in report.anchor.message and str(path) in report.anchor.message
    _events(2)
    assert path.read_bytes() == forged  # the evidence stays until `portal audit anchor`
    path.write_bytes(b"not a checkpoint\n")
    assert "unreadable" in verify_trail().anchor.message


def test_a_torn_slot_falls_back_to_the_other(portal):
    _events(3)
    path = _head_file(portal)
    data = bytearray(path.read_bytes())
    newest = audit_anchor.parse(bytes(data))[1]
    start = newest * audit_anchor.SLOT
    data[start + 20 : start + 60] = b"\0" * 40  # what a power cut mid-write could leave
    path.write_bytes(bytes(data))
    report = verify_trail()
    assert report.ok and "1 newer event was recorded after it" in report.anchor.message
    _events(1)
    assert _checkpoint().seq == 4 and verify_trail().ok


def test_a_missing_checkpoint_is_said_and_restarted(portal):
    _events(2)
    _head_file(portal).unlink()
    report = verify_trail()
    assert report.anchor.kind == "missing" and report.exit_code == 2
    assert audit_anchor.advance().seq == 2 and verify_trail().ok


def test_threads_with_their_own_connections_keep_it_consistent(portal):
    _events(1)
    errors = []

    def work(n):
        try:
            for i in range(15):
                if i % 4 == 0:
                    with database.atomic():
                        record(Actor("staff", f"t{n}", "thread"), "pair")
                        record(Actor("staff", f"t{n}", "thread"), "pair")
                else:
                    record(Actor("staff", f"t{n}", "thread"), "single")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.select().count() == 1 + 4 * 19
    assert _checkpoint().seq == 1 + 4 * 19
    assert verify_trail().ok


PER_WORKER = 150


def test_two_processes_recording_at_once_keep_it_consistent(portal, database_url):
    _events(1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), str(portal.data_dir), database_url, str(PER_WORKER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
        )
        for _ in range(2)
    ]
    seen, stop = [], threading.Event()

    def watch():
        # While they write: the checkpoint only moves forward and only ever
        # names an event the database holds (it is read before the row).
        try:
            while not stop.is_set():
                cp = audit_anchor.read_checkpoint()
                row = AuditEvent.get_or_none(AuditEvent.id == cp.seq)
                seen.append((cp.seq, row is not None and row.hash == cp.head))
        finally:
            database.close()

    watcher = threading.Thread(target=watch)
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        watcher.start()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            assert p.stdout.readline().strip() == "done"
            assert p.wait(timeout=60) == 0
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.stdin.close()
            p.stdout.close()
    total = 1 + 2 * (PER_WORKER + PER_WORKER // 3)  # a third of each worker's steps record a pair
    assert AuditEvent.select().count() == total
    assert _checkpoint().seq == total
    assert verify_trail().ok
    assert len(seen) > 10 and all(held for _, held in seen)
    assert [seq for seq, _ in seen] == sorted(seq for seq, _ in seen)


def _portal_cli(portal, database_url, *args):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "PORTAL_DATA_DIR": str(portal.data_dir),
        "PORTAL_CONFIG": str(portal.data_dir / "none.toml"),
    }
    if database_url:
        env["PORTAL_DATABASE_URL"] = database_url
    done = subprocess.run([sys.executable, "-m", "tui", "audit", *args], env=env, capture_output=True, text=True, cwd=ROOT)
    return done.returncode, done.stdout + done.stderr


def test_portal_audit_verify_names_what_is_missing(portal, database_url):
    _events(6)
    code, out = _portal_cli(portal, database_url, "verify")
    assert code == 0 and "Audit trail intact: 6 events verified; the newest, #6" in out

    AuditEvent.delete().where(AuditEvent.id > 4).execute()
    code, out = _portal_cli(portal, database_url, "verify")
    assert code == 1
    assert "Audit trail TRUNCATED: the newest 2 events are missing: #5..#6, last seen at 2026-11-20 15:00:00 UTC." in out

    AuditEvent.delete().execute()
    code, out = _portal_cli(portal, database_url, "verify")
    assert code == 1 and "Audit trail EMPTIED: the trail is empty but the checkpoint says 6 events" in out

    path = _head_file(portal)
    path.write_bytes(path.read_bytes().replace(b'"seq":6', b'"seq":7'))
    code, out = _portal_cli(portal, database_url, "verify")
    assert code == 2 and "is not valid (its signature does not match" in out

    code, out = _portal_cli(portal, database_url, "anchor")
    assert code == 0 and "now #1" in out
    assert AuditEvent.get_by_id(1).action == "audit.anchor" and "not valid" in AuditEvent.get_by_id(1).detail
    code, out = _portal_cli(portal, database_url, "verify")
    assert code == 0 and "intact: 1 event verified" in out
