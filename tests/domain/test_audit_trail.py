"""The readable audit trail (issue 18): sentences, folded repeats, failed sign-ins
and lockouts; filters by chart, staff user, kind of action and the practice's
days; keyset pages; an admin sees everything, a clinician only their charts'
events, the front desk is refused (and the refusal audited)."""
from __future__ import annotations

import datetime as dt

import pytest
from peewee import SqliteDatabase, fn

from models import chart_owner
from models.audit import Actor, record
from models.audit_trail import ACTION_KINDS, KINDS, MAX_CHARTS, TrailFilter, open_trail, trail_page
from models.auth import MAX_FAILURES, add_staff_user, client_login, staff_login
from models.charts import create_chart
from models.db import database
from models.errors import NotAllowed
from models.records import ClientViewer, client_documents, share_document
from models.registration import register
from models.roles import assign_clinician
from models.staff_views import EVENT_WORDS, event_words
from models.tables import AuditEvent, PortalAccount
from models.text import InvalidInput

from .helpers import GOOD_PASSWORD, last_code

PASSWORD = "a long staff passphrase here"
ADA, DANA, LEE, KIM = (Actor("staff", name, "workstation") for name in ("ada", "dana", "drlee", "drkim"))


@pytest.fixture
def practice(portal, clock):
    """Two charts, each with its clinician, and a morning's events on them."""
    ids = {}
    for name, full, role in (("ada", "Ada Okafor", "admin"), ("dana", "Dana Whitfield", "front_desk"),
                             ("drlee", "Helen Lee", "clinician"), ("drkim", "Daniel Kim", "clinician")):
        ids[name] = add_staff_user(name, full, role, PASSWORD).id
    avery = create_chart(DANA, first_name="Jordan", last_name="Avery", date_of_birth="03/14/1991", email="jordan.avery@example.com")
    brooks = create_chart(DANA, first_name="Riley", last_name="Brooks", date_of_birth="11/23/1987", email="riley@example.com")
    assign_clinician(DANA, avery.id, ids["drlee"])
    assign_clinician(DANA, brooks.id, ids["drkim"])
    chart_owner.activate_access(DANA, avery.id)
    clock.advance(hours=1)
    chart_owner.resend_invite(DANA, avery.id)
    register(last_code(), "Avery", "03/14/1991", GOOD_PASSWORD, GOOD_PASSWORD, "kiosk")
    account = PortalAccount.get()
    viewer = ClientViewer(account.id, avery.id, source="kiosk")
    for _ in range(3):
        client_documents(viewer)
    share_document(LEE, avery.id, "Sleep hygiene", "Keep a routine.")
    share_document(DANA, brooks.id, "Welcome letter", "Welcome.")
    for _ in range(MAX_FAILURES):
        client_login("jordan.avery@example.com", "not the password", "ssh:203.0.113.9")
    staff_login("dana", "wrong password entirely", "workstation")
    return {"avery": avery.id, "brooks": brooks.id, **ids}


def sentences(page) -> list[str]:
    return [row.sentence for row in page.rows]


def test_events_read_as_sentences_with_repeats_folded_and_failures_marked(practice):
    page = trail_page(ADA)
    said = sentences(page)
    assert said[:4] == [
        "Dana Whitfield failed to sign in to the staff app: wrong password or username",
        "Jordan Avery failed to sign in to the portal: wrong password",
        "Jordan Avery was locked out of the portal after too many wrong passwords",
        f"Jordan Avery failed to sign in to the portal: wrong password ({MAX_FAILURES - 1} times)",
    ]
    assert all(row.failed for row in page.rows[:4]) and page.rows[3].count == MAX_FAILURES - 1
    assert "Dana Whitfield resent the portal invitation to Jordan Avery" in said
    assert "Dana Whitfield sent a portal invitation to Jordan Avery" in said
    assert "Helen Lee shared a document with Jordan Avery" in said
    assert "Jordan Avery looked at the shared documents (3 times)" in said   # their own chart: not named twice
    resent = page.rows[said.index("Dana Whitfield resent the portal invitation to Jordan Avery")]
    assert (resent.who, resent.chart_name, resent.source, resent.failed) == ("Dana Whitfield", "Jordan Avery", "workstation", False)
    assert resent.detail.startswith("invitation ")
    assert not any("." in s.split(" ")[2] for s in said)   # no raw action names
    assert page.older is None


def test_each_filter_narrows_to_what_it_names(practice):
    by_chart = trail_page(ADA, TrailFilter(chart="brooks"))
    assert by_chart.rows and {r.chart_name for r in by_chart.rows} == {"Riley Brooks"}

    by_staff = trail_page(ADA, TrailFilter(staff_id=practice["drlee"]))
    assert sentences(by_staff) == ["Helen Lee shared a document with Jordan Avery"]

    failed = trail_page(ADA, TrailFilter(kind="failed_sign_in"))
    assert failed.rows and all(r.failed for r in failed.rows)
    assert [r.count for r in failed.rows] == [1, 1, 1, MAX_FAILURES - 1]

    documents = trail_page(ADA, TrailFilter(kind="documents", staff_id=practice["dana"]))
    assert sentences(documents) == ["Dana Whitfield shared a document with Riley Brooks"]

    portal = trail_page(ADA, TrailFilter(kind="portal_access", chart="avery"))
    assert sentences(portal) == [
        "Jordan Avery registered for the portal",
        "Dana Whitfield resent the portal invitation to Jordan Avery",
        "Dana Whitfield activated portal access for Jordan Avery",
        "Dana Whitfield sent a portal invitation to Jordan Avery",
    ]
    assert trail_page(ADA, TrailFilter(chart="nobody like this")).rows == ()


def test_days_are_the_practices_both_ends_included(portal, clock):
    clock.set(dt.datetime(2026, 11, 1, 12, 0))
    add_staff_user("ada", "Ada Okafor", "admin", PASSWORD)
    for when, action in (
        (dt.datetime(2026, 11, 3, 4, 59), "audit.export"),    # Nov 2, 23:59 in New York
        (dt.datetime(2026, 11, 3, 5, 0), "staff.add"),        # Nov 3, 00:00
        (dt.datetime(2026, 11, 6, 4, 59), "staff.role"),      # Nov 5, 23:59
        (dt.datetime(2026, 11, 6, 5, 0), "staff.reset"),      # Nov 6, 00:00
    ):
        clock.set(when)
        record(ADA, action)
    days = trail_page(ADA, TrailFilter.typed(since="11/03/2026", until="11/05/2026"))
    assert sentences(days) == ["Ada Okafor changed a staff user's role", "Ada Okafor added a staff user"]
    assert sentences(trail_page(ADA, TrailFilter.typed(since="11/06/2026")))[-1] == "Ada Okafor gave a staff user a temporary password"
    assert sentences(trail_page(ADA, TrailFilter.typed(until="11/02/2026")))[0] == "Ada Okafor exported the audit trail for an auditor"
    assert trail_page(ADA, TrailFilter.typed(since="11/07/2026")).rows == ()
    assert trail_page(ADA, TrailFilter.typed(until="10/31/2026")).rows == ()


def test_typed_filters_are_refused_in_words():
    with pytest.raises(InvalidInput, match="no month 13") as month:
        TrailFilter.typed(since="13/01/2026")
    assert month.value.field == "since"
    with pytest.raises(InvalidInput, match="April has no day 31"):
        TrailFilter.typed(until="04/31/2026")
    with pytest.raises(InvalidInput, match="last day is before the first") as order:
        TrailFilter.typed(since="11/05/2026", until="11/03/2026")
    assert order.value.field == "until"
    with pytest.raises(InvalidInput, match="first day as MM/DD/YYYY"):
        TrailFilter.typed(since="yesterday")
    assert TrailFilter.typed(chart="  avery ", since="2026-11-03") == TrailFilter(chart="avery", since=dt.date(2026, 11, 3))


def test_a_chart_search_matching_too_many_charts_asks_for_more(portal, clock):
    add_staff_user("ada", "Ada Okafor", "admin", PASSWORD)
    for n in range(MAX_CHARTS + 1):
        create_chart(ADA, first_name=f"Sam{chr(97 + n % 26)}", last_name="Avery", date_of_birth="03/14/1991")
    with pytest.raises(InvalidInput, match="More than 50 charts match") as refused:
        trail_page(ADA, TrailFilter(chart="avery"))
    assert refused.value.field == "chart"


def test_pages_follow_each_other_by_id_and_never_split_a_run(portal, clock):
    add_staff_user("ada", "Ada Okafor", "admin", PASSWORD)
    for n in range(40):
        for _ in range(1 + n % 4):  # runs of 1-4 of the same event
            record(ADA, "staff.role" if n % 2 else "staff.reset")
    events = AuditEvent.select().count()
    seen, before, pages = [], None, 0
    while True:
        page = trail_page(ADA, before=before, lines=7)
        seen += page.rows
        pages += 1
        if page.older is None:
            break
        assert page.older == page.rows[-1].id - page.rows[-1].count + 1   # the oldest event of the last line
        before = page.older
    assert pages >= 6
    assert sum(row.count for row in seen) == events   # every event once
    assert [row.id for row in seen] == sorted((row.id for row in seen), reverse=True)
    for newer, older in zip(seen, seen[1:]):
        assert newer.sentence != older.sentence, "a run split across pages"


def test_a_clinician_sees_only_their_charts_events(practice):
    mine = trail_page(LEE)
    assert mine.rows and {r.chart_name for r in mine.rows} == {"Jordan Avery"}
    assert not any("sign in" in r.sentence or "Riley Brooks" in r.sentence for r in mine.rows)
    assert trail_page(LEE, TrailFilter(chart="brooks")).rows == ()        # another clinician's chart
    assert trail_page(LEE, TrailFilter(staff_id=practice["dana"], kind="documents")).rows == ()
    assert {r.chart_name for r in trail_page(KIM).rows} == {"Riley Brooks"}
    assert trail_page(ADA, TrailFilter(chart="brooks")).rows   # an admin: every chart
    choices = open_trail(LEE)
    assert choices.own_charts_only and not open_trail(ADA).own_charts_only
    # Kinds whose events name no chart are not offered, nor read, for a clinician.
    assert ("failed_sign_in", "Failed sign-ins and lockouts") not in choices.kinds
    assert ("failed_sign_in", "Failed sign-ins and lockouts") in open_trail(ADA).kinds
    assert trail_page(LEE, TrailFilter(kind="failed_sign_in")).rows == ()
    assert (practice["dana"], "Dana Whitfield") in choices.staff


def test_a_clinician_with_a_large_caseload_still_sees_only_theirs(practice, monkeypatch):
    import models.audit_trail as trail

    monkeypatch.setattr(trail, "MAX_ARMS", 0)   # as if drlee had more charts than runs merged at once
    assert {r.chart_name for r in trail_page(LEE).rows} == {"Jordan Avery"}
    assert {r.chart_name for r in trail_page(LEE, TrailFilter(kind="documents")).rows} == {"Jordan Avery"}


def test_the_front_desk_is_refused_and_the_refusal_audited(practice):
    for read in (lambda: open_trail(DANA), lambda: trail_page(DANA)):
        before = AuditEvent.select().count()
        with pytest.raises(NotAllowed, match="administrators, and to clinicians for their own charts"):
            read()
        refusal = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert AuditEvent.select().count() == before + 1
        assert (refusal.actor, refusal.action, refusal.outcome) == ("staff:dana", "audit.view", "refused")
    assert trail_page(ADA, TrailFilter(kind="refused")).rows[0].sentence == "Dana Whitfield was refused the audit trail (2 times)"
    with pytest.raises(NotAllowed):
        trail_page(Actor("client", "1", "kiosk"))


def test_opening_the_trail_is_itself_audited(practice):
    open_trail(ADA)
    assert trail_page(ADA).rows[0].sentence == "Ada Okafor opened the audit trail"


def test_every_worded_action_has_a_kind_and_every_kinds_action_its_words():
    kinded = {action for kind in ACTION_KINDS for action in kind.actions}
    worded = {action.partition(":")[2] or action for action, _ in EVENT_WORDS}
    assert worded - kinded == set()
    for kind in ACTION_KINDS:
        for action in kind.actions:
            unworded = action.replace(".", " ").replace("_", " ").capitalize()
            said = [event_words(action, outcome) for outcome in ("ok", "refused")]
            assert any(w != unworded and not w.startswith(f"{unworded} (") for w in said), action


def test_the_migration_makes_the_indexes_the_model_describes(portal):
    indexed = {tuple(i.columns) for i in database.get_indexes("audit_event")}
    for fields, _unique in AuditEvent._meta.indexes:
        assert fields in indexed
    assert ("actor",) not in indexed and ("chart",) not in indexed   # 0001's, replaced
    if not isinstance(database.obj, SqliteDatabase):   # the chart search's prefix LIKEs
        prefixed = {i.name for i in database.get_indexes("client")}
        assert {"client_last_name_key_prefix", "client_first_name_key_prefix", "client_chart_number_prefix"} <= prefixed


def test_0011_applies_to_a_trail_written_before_it(settings, clock):
    """0011 re-indexes a trail that is already there: the chain still verifies and pages read."""
    from playhouse.migrations import Runner

    from models import audit, codes, db

    db.ensure_private_dir(settings.data_dir)
    database_ = db.connect(settings.db_url)
    codes.load_key(settings.secret_path)
    try:
        Runner(database_, str(db.MIGRATIONS_DIR)).up(target="0010_staff_email")
        add_staff_user("ada", "Ada Okafor", "admin", PASSWORD)
        for n in range(5):
            record(ADA, "staff.role" if n % 2 else "staff.reset")
        assert Runner(database_, str(db.MIGRATIONS_DIR)).up() == ["0011_audit_trail_indexes"]
        assert [m.name for m in Runner(database_, str(db.MIGRATIONS_DIR)).status() if not m.applied] == []
        assert audit.verify_chain().ok and len(trail_page(ADA).rows) == 6
    finally:
        database_.close()


def _steps(read) -> int:
    """SQLite virtual-machine steps `read` takes: the work of its queries, whatever the machine's load."""
    count = [0]

    def step() -> int:
        count[0] += 1
        return 0

    connection = database.obj.connection()
    connection.set_progress_handler(step, 1)
    try:
        read()
    finally:
        connection.set_progress_handler(None, 1)
    return count[0]


def _bulk_trail(start_id: int, count: int, charts: list[int], start: dt.datetime, *, others: bool = False) -> None:
    """`count` events one a minute from `start` (the chain is not what is tested
    here): a practice's mix, or (`others`) events no filter below asks for."""
    actors = ["staff:dana", "staff:ada", "staff:drlee", "client:1"]
    actions = ["login", "document.view", "invite.resend", "form.response.view", "ledger.charge", "staff.role"]
    rows = []
    for n in range(count):
        i = start_id + n
        row = {"id": i, "at": start + dt.timedelta(minutes=i), "actor": actors[i % 4], "chart": charts[i % 3] if i % 5 else None,
               "action": actions[i % 6] if i % 31 else "audit.export", "source": "workstation",
               "outcome": "failed" if i % 7 == 0 else "ok", "detail": "", "prev_hash": "", "hash": ""}
        if others:
            row |= {"actor": "staff:marco", "chart": charts[3], "action": "balance.view", "outcome": "ok"}
        rows.append(row)
    for first in range(0, len(rows), 500):
        AuditEvent.insert_many(rows[first:first + 500]).execute()


def test_a_page_costs_the_same_in_a_trail_ten_times_longer(practice):
    """Keyset pages and the indexes: each filter's page takes about the same
    work when 18,000 newer events that no filter asks for come on top of
    2,000 (SQLite's VM steps; a read that walked the trail newest first
    would do 10 times the work). PostgreSQL plans its own way:
    bench/audit_view.py times both at 1,000,000."""
    if not isinstance(database.obj, SqliteDatabase):
        pytest.skip("SQLite's step counter")
    lee = Actor("staff", "drlee", "workstation")
    charts = [practice["avery"], practice["brooks"]]
    charts += [create_chart(ADA, first_name=f"Sam{n}", last_name="Okoro", date_of_birth="01/02/1990").id for n in range(2)]
    start = dt.datetime(2026, 1, 1, 5, 0)
    first_id = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() + 1
    day = dt.date(2026, 1, 2)   # within the first 2,000 minutes

    def reads():
        older = trail_page(ADA).older
        return {
            "first page": lambda: trail_page(ADA),
            "next page": lambda: trail_page(ADA, before=older),
            "chart": lambda: trail_page(ADA, TrailFilter(chart="avery")),
            "staff user": lambda: trail_page(ADA, TrailFilter(staff_id=practice["dana"])),
            "kind": lambda: trail_page(ADA, TrailFilter(kind="portal_access")),
            "rare kind": lambda: trail_page(ADA, TrailFilter(kind="audit")),
            "failures": lambda: trail_page(ADA, TrailFilter(kind="failed_sign_in")),
            "staff user and kind": lambda: trail_page(ADA, TrailFilter(staff_id=practice["dana"], kind="portal_access")),
            "one day": lambda: trail_page(ADA, TrailFilter(since=day, until=day)),
            "a clinician": lambda: trail_page(lee),
            "a clinician and kind": lambda: trail_page(lee, TrailFilter(kind="forms")),
        }

    _bulk_trail(first_id, 2_000, charts, start)
    short = {name: _steps(read) for name, read in reads().items()}
    _bulk_trail(first_id + 2_000, 18_000, charts, start, others=True)
    long = {name: _steps(read) for name, read in reads().items()}
    grew = {name: round(long[name] / short[name], 2) for name in short}
    assert all(ratio < 1.5 for ratio in grew.values()), sorted(grew.items(), key=lambda kv: -kv[1])
