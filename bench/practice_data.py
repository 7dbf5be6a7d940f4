"""A generated practice at clinic scale, written with bulk inserts.

100,000 charts, 150,000 invitations (resends leave superseded ones behind),
accounts for the active owners and 1,000,000 hash-chained audit events. Rows
follow the domain's rules (one current owner per chart, at most one pending
code per chart, a valid audit chain) without paying for each domain call.
"""
from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from models import audit, clock, codes
from models.config import Settings
from models.db import database
from models.setup import open_portal
from models.tables import AuditEvent, ChartAccess, Client, Invitation, PortalAccount, StaffUser
from models.text import fold

FIRST = ["Avery", "Jordan", "Riley", "Sofia", "Noah", "Emma", "Liam", "Ava", "Ethan", "Mia", "Lucas", "Chloe", "Mason", "Zoe", "Elijah", "Aria", "Logan", "Nora", "Caleb", "Layla", "Owen", "Ruby", "Miles", "Ivy", "Ezra", "Hazel", "Leo", "Stella", "Jude", "Grace"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores"]
BATCH = 2000


def _bulk(model, rows):
    for start in range(0, len(rows), BATCH):
        model.insert_many(rows[start : start + BATCH]).execute()


def build(data_dir: Path | None = None, *, charts: int = 100_000, invitations: int = 150_000, audit_events: int = 1_000_000, seed: int = 7) -> tuple[Settings, float]:
    """Create the practice in a fresh data dir; returns its settings and the seconds it took."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="portal-bench-"))
    settings = open_portal(Settings(data_dir=data_dir))
    rng = random.Random(seed)
    started = time.perf_counter()
    now = clock.now()
    fake_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
    with database.atomic():
        staff = StaffUser.create(username="bench", full_name="Bench Staff", role="front_desk", password_hash=fake_hash, created_at=now)
        client_rows = []
        for i in range(charts):
            first, last = rng.choice(FIRST), rng.choice(LAST) + ("" if i % 3 else f"-{rng.choice(LAST)}")
            client_rows.append({
                "chart_number": f"{i + 1001:06d}", "first_name": first, "last_name": last,
                "first_name_key": fold(first), "last_name_key": fold(last),
                "date_of_birth": dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30000)),
                "email": f"c{i}@example.com", "phone": "", "created_at": now,
            })
        _bulk(Client, client_rows)

        # Owners for 60% of charts; every third of those registered.
        owned = rng.sample(range(1, charts + 1), int(charts * 0.6))
        account_rows, access_rows = [], []
        for n, cid in enumerate(owned):
            registered = n % 3 == 0
            if registered:
                account_rows.append({"email": f"c{cid - 1}@example.com", "display_name": "Owner", "password_hash": fake_hash, "created_at": now, "password_changed_at": now})
            access_rows.append({"client": cid, "owner_name": "Owner", "relationship": "self", "email": f"c{cid - 1}@example.com", "account": None, "started_at": now - dt.timedelta(days=30), "started_by": staff.id, "granted_at": None})
        _bulk(PortalAccount, account_rows)
        account_ids = {a.email: a.id for a in PortalAccount.select(PortalAccount.id, PortalAccount.email)}
        for row in access_rows:
            row["account"] = account_ids.get(row["email"])
            row["granted_at"] = now if row["account"] else None
        _bulk(ChartAccess, access_rows)

        accesses = list(ChartAccess.select(ChartAccess.id, ChartAccess.client, ChartAccess.account))
        inv_rows = []
        per = invitations // len(accesses)
        extra = invitations - per * len(accesses)
        for n, acc in enumerate(accesses):
            count = per + (1 if n < extra else 0)
            for k in range(count):
                sent = now - dt.timedelta(days=rng.randrange(1, 20), seconds=k)
                last_one = k == count - 1
                inv_rows.append({
                    "access": acc.id, "client": acc.client_id, "email": "x@example.com",
                    "code_digest": codes.digest(f"bench-{n}-{k}"), "sent_at": sent, "sent_by": staff.id,
                    "expires_at": sent + dt.timedelta(days=7),
                    "consumed_at": sent if (last_one and acc.account_id) else None,
                    "superseded_at": None if last_one else sent + dt.timedelta(hours=1),
                })
        _bulk(Invitation, inv_rows)

    # The audit chain, computed as audit.record would, in big batches.
    prev = audit.GENESIS
    with database.atomic():
        rows = []
        for i in range(1, audit_events + 1):
            event = AuditEvent(id=i, at=now - dt.timedelta(seconds=audit_events - i), actor="staff:bench", chart=(i % charts) + 1,
                               action="chart.view", source="bench", outcome="ok", detail="", prev_hash=prev, hash="")
            event.hash = audit._digest(prev, event)
            prev = event.hash
            rows.append(event.__data__)
            if len(rows) == 10_000:
                AuditEvent.insert_many(rows).execute()
                rows = []
        if rows:
            AuditEvent.insert_many(rows).execute()
    database.execute_sql("ANALYZE")
    return settings, time.perf_counter() - started
