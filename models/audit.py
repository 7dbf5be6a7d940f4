"""The append-only audit trail, chained by keyed hashes.

Each row's hash is an HMAC (keyed by the secret outside the database) over
its fields and the previous row's hash, so editing, deleting or reordering
rows breaks the chain, and someone holding only the database cannot forge a
new chain. Deleting the newest rows leaves a shorter chain that still
verifies: models/audit_anchor.py keeps the newest committed event in a signed
checkpoint outside the database, and verify_trail() compares the two.
Details never hold a password, code or date of birth.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from . import audit_anchor, clock, codes
from .audit_anchor import AnchorCheck
from .tables import AuditEvent

GENESIS = "0" * 64
AUDIT_LOCK = 0x61756469  # advisory lock id for appending to the chain


@dataclass(frozen=True)
class Actor:
    """Who did something, and from where (kiosk, ssh:<peer>, workstation)."""

    kind: str        # staff, client, system
    ref: str         # username, account id, or a name for system jobs
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.ref}"


SYSTEM = Actor("system", "portal")


def _digest(prev_hash: str, event: AuditEvent) -> str:
    fields = [
        str(event.id),
        event.at.isoformat(),
        event.actor,
        "" if event.chart is None else str(event.chart),
        event.action,
        event.source,
        event.outcome,
        event.detail,
        prev_hash,
    ]
    payload = "\x1f".join(fields).encode()
    return hmac.new(codes.key(), payload, hashlib.sha256).hexdigest()


def record(actor: Actor, action: str, *, chart: int | None = None, outcome: str = "ok", detail: str = "") -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    from .db import database, serialize_appends

    own_transaction = not database.in_transaction()
    with database.atomic():
        serialize_appends(AUDIT_LOCK)
        last = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
        prev = last.hash if last else GENESIS
        event = AuditEvent(
            id=(last.id + 1) if last else 1,
            at=clock.now(),
            actor=actor.label,
            chart=chart,
            action=action,
            source=actor.source,
            outcome=outcome,
            detail=detail,
            prev_hash=prev,
            hash="",
        )
        event.hash = _digest(prev, event)
        event.save(force_insert=True)
        audit_anchor.anchor_after_commit(event, own_transaction=own_transaction)  # once this commits
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    row_id: int | None = None


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Walk the whole chain; name the first row where it breaks."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.select().where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch))
        if not rows:
            return VerifyResult(True, checked)
        for event in rows:
            if event.id != expected_id:
                return VerifyResult(False, checked, f"row {expected_id} is missing (next row is {event.id})", expected_id)
            if event.prev_hash != prev:
                return VerifyResult(False, checked, f"row {event.id} does not follow row {event.id - 1} (rows deleted or reordered)", event.id)
            if _digest(prev, event) != event.hash:
                return VerifyResult(False, checked, f"row {event.id} was changed after it was written", event.id)
            prev = event.hash
            expected_id += 1
            checked += 1
            last_id = event.id


@dataclass(frozen=True)
class TrailReport:
    """The chain walked, and its newest events compared with the checkpoint."""

    chain: VerifyResult
    anchor: AnchorCheck

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.anchor.ok

    @property
    def exit_code(self) -> int:
        """0 intact; 1 rows changed, deleted, reordered or missing; 2 the checkpoint is missing or not valid."""
        if self.ok:
            return 0
        return 1 if not self.chain.ok or self.anchor.trail_damaged else 2

    @property
    def problems(self) -> list[str]:
        found = [] if self.chain.ok else [f"audit chain: {self.chain.problem}"]
        if not self.anchor.ok:
            found.append(f"audit checkpoint: {self.anchor.message}")
        return found


def verify_trail() -> TrailReport:
    """verify_chain() and the checkpoint check (read first: see audit_anchor.check)."""
    anchor = audit_anchor.check()
    return TrailReport(verify_chain(), anchor)


def recent_for_chart(chart_id: int, limit: int = 100) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.chart == chart_id).order_by(AuditEvent.id.desc()).limit(limit))


def recent_for_actor(actor_label: str, limit: int = 50) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.actor == actor_label).order_by(AuditEvent.id.desc()).limit(limit))
