"""The demo practice: staff, ~30 charts in every Chart Owner state, records.

Everything is made through the domain functions (with the clock moved back
where a story needs the past), so the demo data obeys the same rules and
leaves the same audit trail as real use.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from . import chart_owner, clock, seed_forms
from .audit import Actor
from .auth import add_staff_user
from .charts import add_contact, create_chart
from .clock import FrozenClock
from .practice import update_practice
from .records import add_ledger_entry, decide_request, request_appointment, share_document, ClientViewer
from .registration import register
from .tables import AuditEvent, OutboxMessage

STAFF_PASSWORD = "blue lantern orchard"
CLIENT_PASSWORD = "quiet river morning walk"
STAFF = [("frontdesk", "Dana Whitfield", "front_desk"), ("drlee", "Dr. Morgan Lee", "clinician"), ("admin", "Alex Admin", "admin")]
STAFF_EMAILS = {"drlee": "morgan.lee@maplegrove.example"}   # risk alerts on Dr. Lee's charts go to Dr. Lee
# Set up already, as if on their phones (`portal demo code USER` shows the code);
# admin sets it up at the first sign-in over SSH, to show how that looks.
TWO_FACTOR_STAFF = ("frontdesk", "drlee")

# first, last, dob, email, story
CHARTS = [
    ("Jordan", "Avery", "03/14/1991", "jordan.avery@example.com", "expired"),
    ("Mia", "Chen", "06/02/2014", "", "minor"),
    ("Leo", "Chen", "02/11/2017", "", "sibling"),
    ("Riley", "Brooks", "11/23/1987", "riley.brooks@example.com", "active_history"),
    ("Sofia", "Martinez", "01/30/1995", "sofia.m@example.com", "invited"),
    ("Noah", "Patel", "07/19/1979", "noah.patel@example.com", "none"),
    ("Emma", "Johnson", "09/09/2001", "emma.j@example.com", "invited_old"),
    ("Liam", "O'Connor", "12/12/1984", "liam.oconnor@example.com", "active"),
    ("Ava", "Nguyen", "05/05/1999", "ava.nguyen@example.com", "revoked"),
    ("Ethan", "Kim", "02/28/1990", "ethan.kim@example.com", "locked"),
    ("Isabella", "García", "08/17/1993", "isabella.garcia@example.com", "expired"),
    ("Lucas", "Schmidt", "04/01/1975", "", "none"),
    ("Chloe", "Dubois", "10/10/2009", "", "minor_invited"),
]
FILLER_FIRST = ["Harper", "Mason", "Zoe", "Elijah", "Aria", "Logan", "Nora", "Caleb", "Layla", "Owen", "Ruby", "Miles", "Ivy", "Ezra", "Hazel", "Leo", "Stella", "Jude"]
FILLER_LAST = ["Bennett", "Foster", "Hayes", "Reed", "Sullivan", "Ward", "Porter", "Hughes", "Price", "Russell", "Griffin", "Ellis", "Stone", "Warren", "Hart", "Fox", "Cole", "Lane"]


@dataclass
class SeedReport:
    staff: list[str] = field(default_factory=list)
    charts: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _code_of_last_invitation() -> str:
    msg = OutboxMessage.select().where(OutboxMessage.kind == "invitation").order_by(OutboxMessage.id.desc()).get()
    return json.loads(msg.context)["code"]


def _register_latest(last: str, dob: str) -> int:
    return register(_code_of_last_invitation(), last, dob, CLIENT_PASSWORD, CLIENT_PASSWORD, source="seed").account_id


def _enroll_two_factor(username: str) -> None:
    import pyotp

    from . import two_factor
    from .auth import end_session
    from .tables import StaffUser

    staff = StaffUser.get(StaffUser.username == username)
    ticket = two_factor.issue_ticket(staff.id)
    secret = two_factor.begin_enrollment(ticket).secret
    code = pyotp.TOTP(secret).at(clock.now().replace(tzinfo=dt.timezone.utc))
    done = two_factor.confirm_enrollment(ticket, code, "seed")
    end_session(done.result.session_id, "seed")


def _settle_history() -> None:
    """The seeded story's emails went out in the past: mark them sent, codes removed.

    The demo mailbox then shows only what happens during the demo.
    """
    from .mail.deliver import scrub_context

    for msg in OutboxMessage.select().where(OutboxMessage.status == "queued"):
        msg.status = "sent"
        msg.sent_at = msg.created_at
        msg.context = scrub_context(msg.kind, msg.context)
        msg.save()


def _audit_in_time_order() -> None:
    """The story is seeded with the clock moved back and forth, so its events were
    appended out of time order, and the audit trail screen lists them by id: an
    event of 400 days ago above one of yesterday. The freshly seeded demo's trail
    is written again once, in time order, its chain computed anew and anchored
    (a demo database that no one has read yet; never a practice's own trail)."""
    from . import audit_anchor
    from .audit import GENESIS, _digest
    from .db import database

    with database.atomic():
        events = list(AuditEvent.select().order_by(AuditEvent.at, AuditEvent.id))
        AuditEvent.delete().execute()
        prev = GENESIS
        for number, event in enumerate(events, 1):
            event.id, event.prev_hash = number, prev
            event.hash = prev = _digest(prev, event)
        for start in range(0, len(events), 500):
            AuditEvent.insert_many([e.__data__ for e in events[start:start + 500]]).execute()
    audit_anchor.reset()


def seed_demo(*, practice_name: str = "Maple Grove Counseling", portal_host: str = "127.0.0.1", portal_port: int = 2222) -> SeedReport:
    report = SeedReport()
    real_now = clock.now()
    update_practice(
        name=practice_name,
        phone="(555) 010-2040",
        email="frontdesk@maplegrove.example",
        portal_host=portal_host,
        portal_port=portal_port,
        time_zone="America/New_York",
    )
    past = FrozenClock(real_now - dt.timedelta(days=400))
    with clock.use(past):
        for username, name, role in STAFF:
            add_staff_user(username, name, role, STAFF_PASSWORD, email=STAFF_EMAILS.get(username, ""))
            report.staff.append(username)
    desk = Actor("staff", "frontdesk", "seed")
    doctor = Actor("staff", "drlee", "seed")
    with clock.use(past):
        for username in TWO_FACTOR_STAFF:
            _enroll_two_factor(username)

    def at(days_ago: float):
        past.set(real_now - dt.timedelta(days=days_ago))
        return clock.use(past)

    with at(30):
        seed_forms.sync_library()
    from .roles import assign_clinician
    from .tables import StaffUser

    clinician_id = StaffUser.get(StaffUser.username == "drlee").id
    for first, last, dob, email, story in CHARTS:
        history = story == "active_history"     # months of questionnaires before today
        with at(200 if history else 30):
            client = create_chart(desk, first_name=first, last_name=last, date_of_birth=dob, email=email)
            assign_clinician(desk, client.id, clinician_id)   # Dr. Lee sees these charts' clinical results
        if story == "expired":
            with at(9):
                if first == "Jordan":           # the intake forms went with the invitation
                    seed_forms.send_intake_with_invitation(desk, client.id, (real_now - dt.timedelta(days=9)).date())
                chart_owner.activate_access(desk, client)
        elif story == "invited":
            with at(1):
                chart_owner.activate_access(desk, client)
        elif story == "invited_old":
            with at(6):
                chart_owner.activate_access(desk, client)
        elif story in ("active", "active_history", "revoked"):
            with at(190 if history else 20):
                chart_owner.activate_access(desk, client)
                account = _register_latest(last, dob)
                report.logins.append((email, f"{first} {last}"))
            with at(10):
                share_document(doctor, client, "Welcome to Maple Grove", "Thank you for choosing our practice.\n\nThis packet explains how sessions, cancellations and billing work.")
                share_document(doctor, client, "Treatment plan summary", "Goals for the next 12 weeks:\n- Sleep routine\n- Weekly check-ins\n- Practice grounding exercises")
                add_ledger_entry(desk, client, kind="charge", amount="150.00", description="Initial assessment")
                add_ledger_entry(desk, client, kind="payment", amount="30.00", description="Copay")
                add_ledger_entry(desk, client, kind="charge", amount="120.00", description="Individual therapy, 50 min")
                viewer = ClientViewer(account, client.id, "seed")
                req = request_appointment(viewer, mode="video", preferred_at=real_now + dt.timedelta(days=5), reason="Follow-up after the holidays")
                decide_request(desk, req, approve=True, message="Booked for the requested time. A video link will follow.")
                request_appointment(viewer, mode="in_person", preferred_at=real_now + dt.timedelta(days=12), reason="Monthly session")
            if history:
                seed_forms.questionnaire_history(at, desk, doctor, client.id, account)
            if story == "revoked":
                with at(2):
                    chart_owner.revoke_access(desk, client)
                report.logins.pop()
        elif story == "locked":
            with at(3):
                chart_owner.activate_access(desk, client)
                code = _code_of_last_invitation()
                for wrong in ("Kimm", "Kym", "King"):
                    try:
                        register(code, wrong, dob, CLIENT_PASSWORD, CLIENT_PASSWORD, source="seed")
                    except Exception:
                        pass
        elif story in ("minor", "minor_invited"):
            mother_first = "Grace" if story == "minor" else "Claire"
            with at(25):
                mother = add_contact(desk, client, first_name=mother_first, last_name=last, relationship="parent", email=f"{mother_first.lower()}.{last.lower()}@example.com")
                add_contact(desk, client, first_name="Tom", last_name="Rhodes", relationship="case_worker", email="t.rhodes@county.example")
                chart_owner.activate_access(desk, client, contact_id=mother.id)
                if story == "minor":
                    account = _register_latest(last, dob)
                    report.logins.append((mother.email, f"{mother_first} {last} (parent of {first})"))
            if story == "minor":
                with at(4):
                    share_document(doctor, client, "Parent guide: school-year check-in", "Notes for parents on supporting routines during the school year.")
                    add_ledger_entry(desk, client, kind="charge", amount="95.00", description="Family session")
        elif story == "sibling":
            with at(5):
                mother = add_contact(desk, client, first_name="Grace", last_name=last, relationship="parent", email="grace.chen@example.com")
                chart_owner.activate_access(desk, client, contact_id=mother.id)  # granted: she already has an account
        report.charts += 1

    for i, (first, last) in enumerate(zip(FILLER_FIRST, FILLER_LAST)):
        with at(40 - i):
            client = create_chart(desk, first_name=first, last_name=last, date_of_birth=dt.date(1970 + i, (i % 12) + 1, (i % 27) + 1), email=f"{first.lower()}.{last.lower()}@example.com")
        if i % 3 == 0:  # a spread of invitations: some still open, some past their window
            with at(i % 11):
                chart_owner.activate_access(desk, client)
        report.charts += 1

    _settle_history()
    _audit_in_time_order()
    from .tables import Client

    states = chart_owner.owner_states([c.id for c in Client.select(Client.id)])
    for state in states.values():
        report.by_state[state.label] = report.by_state.get(state.label, 0) + 1
    return report
