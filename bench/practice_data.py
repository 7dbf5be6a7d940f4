"""A generated practice at clinic scale, written with bulk inserts.

100,000 charts, 150,000 invitations (resends leave superseded ones behind),
accounts for the active owners and 1,000,000 hash-chained audit events. Rows
follow the domain's rules (one current owner per chart, at most one pending
code per chart, a valid audit chain) without paying for each domain call.

The audit events are a practice's mix over about two years (one a minute):
owners signing in and reading their documents and balance (often several
times in a row), wrong passwords and lockouts, staff signing in and working
charts, clinicians reading their own charts' forms, a few refusals and staff
account changes. Six clinicians share most charts; a seventh, new, has 40.
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


# (username, full name, role): who the generated trail names.
STAFF = (
    ("dana", "Dana Whitfield", "front_desk"), ("marco", "Marco Reyes", "front_desk"), ("priya", "Priya Shah", "front_desk"),
    ("ada", "Ada Okafor", "admin"), ("sam", "Sam Lindqvist", "admin"),
    ("drlee", "Dr. Helen Lee", "clinician"), ("drkim", "Dr. Daniel Kim", "clinician"), ("drruiz", "Dr. Ana Ruiz", "clinician"),
    ("drpatel", "Dr. Ravi Patel", "clinician"), ("drbrown", "Dr. Tess Brown", "clinician"), ("drcho", "Dr. Min Cho", "clinician"),
    ("drnew", "Dr. Noor Haddad", "clinician"),
)
NEW_CLINICIAN_CHARTS = 40


def build(data_dir: Path | None = None, *, charts: int = 100_000, invitations: int = 150_000, audit_events: int = 1_000_000,
          seed: int = 7, database_url: str = "") -> tuple[Settings, float]:
    """Create the practice in a fresh data dir (and `database_url`, empty for SQLite
    there); returns its settings and the seconds it took."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="portal-bench-"))
    settings = open_portal(Settings(data_dir=data_dir, database_url=database_url))
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
                chart = client_rows[cid - 1]
                account_rows.append({"email": f"c{cid - 1}@example.com", "display_name": f"{chart['first_name']} {chart['last_name']}", "password_hash": fake_hash, "created_at": now, "password_changed_at": now})
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

        caseloads = _staff_and_caseloads(rng, fake_hash, now, charts)
        owners = [(acc.client_id, acc.account_id) for acc in accesses if acc.account_id]

    # The audit chain, computed as audit.record would, in big batches (under
    # PostgreSQL's 65,535 parameters a statement).
    prev = audit.GENESIS
    with database.atomic():
        rows = []
        events = _audit_mix(rng, audit_events, charts, owners, caseloads)
        for i, (actor, chart, action, outcome, source) in enumerate(events, start=1):
            event = AuditEvent(id=i, at=now - dt.timedelta(minutes=audit_events - i), actor=actor, chart=chart,
                               action=action, source=source, outcome=outcome, detail="", prev_hash=prev, hash="")
            event.hash = audit._digest(prev, event)
            prev = event.hash
            rows.append(event.__data__)
            if len(rows) == 5_000:
                AuditEvent.insert_many(rows).execute()
                rows = []
        if rows:
            AuditEvent.insert_many(rows).execute()
    database.execute_sql("ANALYZE")
    return settings, time.perf_counter() - started


def _staff_and_caseloads(rng: random.Random, password_hash: str, now: dt.datetime, charts: int) -> dict[str, list[int]]:
    """STAFF as users; every chart but the new clinician's 40 goes to one of the
    other six. Returns each clinician's username -> their chart ids."""
    for username, full_name, role in STAFF:
        StaffUser.create(username=username, full_name=full_name, role=role, password_hash=password_hash, created_at=now)
    ids = {s.username: s.id for s in StaffUser.select(StaffUser.id, StaffUser.username)}
    clinicians = [u for u, _, role in STAFF if role == "clinician" and u != "drnew"]
    caseloads: dict[str, list[int]] = {u: [] for u in clinicians}
    caseloads["drnew"] = rng.sample(range(1, charts + 1), NEW_CLINICIAN_CHARTS)
    theirs = set(caseloads["drnew"])
    for chart in range(1, charts + 1):
        if chart not in theirs:
            caseloads[clinicians[chart % len(clinicians)]].append(chart)
    for username, chart_ids in caseloads.items():
        for start in range(0, len(chart_ids), 900):   # under SQLite's limit of parameters a statement
            Client.update(clinician=ids[username]).where(Client.id.in_(chart_ids[start : start + 900])).execute()
    return caseloads


# What the front desk does to a chart, and what a clinician does to their own.
DESK_ACTIONS = ("invite.send", "invite.resend", "document.share", "chart.update", "ledger.charge", "ledger.payment",
                "appointment.approved", "appointment.declined", "form.assign", "access.revoke", "contact.add", "chart.create")
CLINICIAN_ACTIONS = ("form.response.view", "form.response.view", "form.alert.ack", "document.share", "form.assign", "form.recur.start")
OWNER_ACTIONS = ("login", "document.list", "document.view", "balance.view", "appointment.request", "appointment.list",
                 "form.start", "form.submit", "logout")
RARE = (("staff.role", "ok"), ("staff.add", "ok"), ("staff.reset", "ok"), ("audit.export", "ok"), ("two_factor.reset", "ok"),
        ("staff.list", "refused"))


def _audit_mix(rng: random.Random, count: int, charts: int, owners: list[tuple[int, int]], caseloads: dict[str, list[int]]):
    """`count` events as (actor, chart, action, outcome, source), oldest first."""
    desk = [u for u, _, role in STAFF if role == "front_desk"]
    admins = [u for u, _, role in STAFF if role == "admin"]
    clinicians = list(caseloads)
    made = 0
    while made < count:
        roll = rng.random()
        if roll < 0.36:   # an owner at the kiosk or over SSH, often the same thing a few times
            chart, account = rng.choice(owners)
            action = rng.choice(OWNER_ACTIONS)
            batch = [(f"client:{account}", chart, action, "ok", rng.choice(("kiosk", "ssh:203.0.113.7")))] * rng.choice((1, 1, 1, 2, 3))
        elif roll < 0.40:  # wrong passwords, now and then a lockout
            _, account = rng.choice(owners)
            actor = f"client:{account}" if rng.random() < 0.8 else "client:unknown"
            batch = [(actor, None, "login", "failed", "ssh:198.51.100.23")] * rng.choice((1, 2, 4))
            if rng.random() < 0.1:
                batch.append((actor, None, "lockout", "locked", "ssh:198.51.100.23"))
        elif roll < 0.48:  # staff signing in (a few wrong passwords)
            user = rng.choice(desk + admins + clinicians)
            outcome = "failed" if rng.random() < 0.04 else "ok"
            batch = [(f"staff:{user}", None, "login", outcome, "workstation")]
        elif roll < 0.85:  # the front desk (and now and then an admin) working charts
            user = rng.choice(desk * 4 + admins)
            batch = [(f"staff:{user}", rng.randrange(1, charts + 1), rng.choice(DESK_ACTIONS), "ok", "workstation")]
        elif roll < 0.995:  # a clinician on their own charts
            user = rng.choice(clinicians)
            chart = rng.choice(caseloads[user])
            batch = [(f"staff:{user}", chart, rng.choice(CLINICIAN_ACTIONS), "ok", "workstation")]
        elif roll < 0.999:  # the front desk refused clinical results
            batch = [(f"staff:{rng.choice(desk)}", rng.randrange(1, charts + 1), "refused.clinical", "refused", "workstation")]
        else:
            action, outcome = rng.choice(RARE)
            batch = [(f"staff:{rng.choice(admins + desk[:1])}", None, action, outcome, "workstation")]
        for event in batch[: count - made]:
            yield event
        made += len(batch)
