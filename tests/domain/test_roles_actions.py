"""Each role and each chart action through the domain (models/roles.py): a
clinician reaches only the charts they are the clinician of, and there only
the chart, its documents, forms and clinical results; the front desk and
admins every chart. Each refusal is a clear message and one audit row."""
from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.audit import Actor
from models.auth import add_staff_user
from models.charts import add_contact, create_chart, update_chart
from models.errors import NotAllowed
from models.forms.assignments import send_forms
from models.forms.library import sync_builtin_forms
from models.forms.staff_views import forms_tab, work_queue_count
from models.new_chart import open_new_chart
from models.records import add_ledger_entry, decide_request, share_document
from models.roles import REFUSALS, assign_clinician
from models.staff_views import (
    activity_view, chart_view, client_list_page, communications_view, documents_view, ledger_view, overview_view,
    owner_view, requests_view,
)
from models.tables import AppointmentRequest, AuditEvent

from .helpers import make_chart

PASSWORD = "a long staff passphrase here"
ADMIN, DESK, DOCTOR = (Actor("staff", name, "workstation") for name in ("ada", "dana", "drlee"))
NEW = {"first_name": "Noa", "last_name": "Vance", "date_of_birth": "02/02/2002"}


def _request(chart_id: int) -> int:
    now = clock.now()
    return AppointmentRequest.create(client=chart_id, mode="phone", preferred_at=now + dt.timedelta(days=3),
                                     created_at=now).id


# action -> (the permission it needs, what it does to a chart as `by`)
ACTIONS = {
    "open the chart": ("charts", lambda by, c: chart_view(by, c)),
    "read the overview": ("charts", lambda by, c: overview_view(by, c)),
    "read the activity": ("charts", lambda by, c: activity_view(by, c)),
    "edit the chart": ("charts", lambda by, c: update_chart(by, c, phone="555 0100")),
    "add a contact": ("charts", lambda by, c: add_contact(by, c, first_name="Pat", last_name="Doe", relationship="parent")),
    "read portal access": ("portal_access", lambda by, c: communications_view(by, c)),
    "read the owner box": ("portal_access", lambda by, c: owner_view(by, c)),
    "choose the clinician": ("assign_clinician", lambda by, c: assign_clinician(by, c, None)),
    "read documents": ("documents", lambda by, c: documents_view(by, c)),
    "share a document": ("documents", lambda by, c: share_document(by, c, "Welcome", "Hello.")),
    "read appointments": ("appointments", lambda by, c: requests_view(by, c)),
    "answer a request": ("appointments", lambda by, c: decide_request(by, _request(c), approve=True)),
    "read billing": ("billing", lambda by, c: ledger_view(by, c)),
    "add a charge": ("billing", lambda by, c: add_ledger_entry(by, c, kind="charge", amount="10", description="Visit")),
    "read the forms tab": ("forms", lambda by, c: forms_tab(by, c)),
    "send a form": ("forms", lambda by, c: send_forms(by, c, ["gad7"])),
}
# role -> what it may do on its own chart (a clinician's) and on every other
MAY = {
    "admin": (set(REFUSALS), set(REFUSALS)),
    "front_desk": ({"charts", "portal_access", "assign_clinician", "documents", "appointments", "billing", "forms"},) * 2,
    "clinician": ({"charts", "documents", "forms"}, set()),
}


@pytest.fixture
def practice(portal, clock):
    lee = add_staff_user("drlee", "Dr. Lee", "clinician", PASSWORD)
    kim = add_staff_user("drkim", "Dr. Kim", "clinician", PASSWORD)
    add_staff_user("ada", "Ada Admin", "admin", PASSWORD)
    add_staff_user("dana", "Dana Desk", "front_desk", PASSWORD)
    mine, theirs = make_chart(first="Mine"), make_chart(first="Theirs", last="Stone")
    assign_clinician(DESK, mine.id, lee.id)
    assign_clinician(DESK, theirs.id, kim.id)
    sync_builtin_forms()
    return mine.id, theirs.id


@pytest.mark.parametrize("role,actor", [("admin", ADMIN), ("front_desk", DESK), ("clinician", DOCTOR)])
def test_every_action_for_every_role(practice, role, actor):
    for chart_id, may in zip(practice, MAY[role]):
        for name, (permission, act) in ACTIONS.items():
            before = AuditEvent.select().where(AuditEvent.outcome == "refused").count()
            if permission in may:
                act(actor, chart_id)
                continue
            with pytest.raises(NotAllowed) as refused:
                act(actor, chart_id)
            assert refused.value.message == REFUSALS[permission], (role, name)
            rows = list(AuditEvent.select().where(AuditEvent.outcome == "refused").order_by(AuditEvent.id))
            assert len(rows) == before + 1, (role, name)
            assert (rows[-1].actor, rows[-1].chart, rows[-1].action) == (actor.label, chart_id, f"refused.{permission}")


def test_new_charts_are_made_by_the_front_desk_and_admins(practice):
    assert create_chart(DESK, **NEW).last_name == "Vance"
    assert open_new_chart(ADMIN, NEW, invite=False).full_name == "Noa Vance"
    for make in (lambda: create_chart(DOCTOR, **NEW), lambda: open_new_chart(DOCTOR, NEW, invite=False)):
        with pytest.raises(NotAllowed, match="front desk or an administrator"):
            make()
    assert AuditEvent.select().where(AuditEvent.action == "refused.new_chart").count() == 2
    assert [c.client.last_name for c in client_list_page(ADMIN, "vance").rows] == ["Vance", "Vance"]


def test_a_clinician_finds_and_counts_only_their_own_charts(practice):
    mine, theirs = practice
    everyone = {"Mine", "Theirs"}
    for actor in (ADMIN, DESK):
        assert {r.client.first_name for r in client_list_page(actor).rows} == everyone
    assert [r.client.id for r in client_list_page(DOCTOR).rows] == [mine]
    assert client_list_page(DOCTOR, "theirs").rows == [] and client_list_page(DOCTOR, "stone").rows == []
    assert client_list_page(DESK, "stone").rows[0].client.id == theirs
    for queue in ("invited", "expired"):
        assert client_list_page(DOCTOR, queue=queue).rows == []
    assert work_queue_count(DOCTOR).completed == 0
    # A chart given to another clinician leaves the first one's list at once.
    assign_clinician(ADMIN, mine, None)
    assert client_list_page(DOCTOR).rows == []
    with pytest.raises(NotAllowed):
        chart_view(DOCTOR, mine)


def test_the_clinician_is_chosen_among_active_clinicians_and_audited_with_who(practice):
    mine, _ = practice
    kim = Actor("staff", "drkim", "workstation")
    from models.tables import Client, StaffUser

    kim_id = StaffUser.get(StaffUser.username == "drkim").id
    assert assign_clinician(DESK, mine, kim_id) is True
    assert assign_clinician(DESK, mine, kim_id) is False      # nothing changed: no second row
    rows = list(AuditEvent.select().where(AuditEvent.action == "chart.clinician", AuditEvent.chart == mine))
    assert [r.detail for r in rows][-1] == "drlee -> drkim"
    assert chart_view(kim, mine).id == mine
    StaffUser.update(active=False).where(StaffUser.id == kim_id).execute()
    with pytest.raises(NotAllowed, match="active clinician"):
        assign_clinician(DESK, mine, kim_id)
    assert Client.get_by_id(mine).clinician_id == kim_id
