"""The minimum-necessary rule (models/roles.py): for each role and action,
allowed or refused through the domain, each refusal audited."""
from __future__ import annotations

import pytest

from models import chart_owner
from models.audit import SYSTEM, Actor
from models.auth import add_staff_user
from models.errors import NotAllowed
from models.roles import RULES, allowed, assign_clinician, require
from models.tables import AuditEvent

from .helpers import make_chart

PASSWORD = "a long staff passphrase here"
ADMIN, DESK, DOCTOR, OTHER = (Actor("staff", name, "workstation") for name in ("ada", "dana", "drlee", "drkim"))

# role -> permission -> (own chart, another chart)
EXPECTED = {
    "admin": {p: (True, True) for p in RULES},
    "front_desk": {"charts": (True, True), "new_chart": (True, True), "assign_clinician": (True, True),
                   "portal_access": (True, True), "documents": (True, True),
                   "appointments": (True, True), "billing": (True, True), "forms": (True, True),
                   "clinical": (False, False), "staff_admin": (False, False), "audit": (False, False)},
    "clinician": {"charts": (True, False), "new_chart": (False, False), "assign_clinician": (False, False),
                  "portal_access": (False, False), "documents": (True, False),
                  "appointments": (False, False), "billing": (False, False), "forms": (True, False),
                  "clinical": (True, False), "staff_admin": (False, False), "audit": (True, False)},
}


@pytest.fixture
def practice(portal):
    ids = {name: add_staff_user(name, name.title(), role, PASSWORD).id
           for name, role in (("ada", "admin"), ("dana", "front_desk"), ("drlee", "clinician"), ("drkim", "clinician"))}
    mine, theirs = make_chart(first="Mine"), make_chart(first="Theirs", email="theirs@example.com")
    assign_clinician(DESK, mine.id, ids["drlee"])
    assign_clinician(DESK, theirs.id, ids["drkim"])
    return mine.id, theirs.id


@pytest.mark.parametrize("role,actor", [("admin", ADMIN), ("front_desk", DESK), ("clinician", DOCTOR)])
def test_every_permission_for_every_role(practice, role, actor):
    mine, theirs = practice
    for permission, (own, other) in EXPECTED[role].items():
        assert allowed(actor, permission, mine) is own, (role, permission, "own chart")
        assert allowed(actor, permission, theirs) is other, (role, permission, "another chart")
    assert set(EXPECTED[role]) == set(RULES)


def test_system_clients_and_the_deactivated_are_what_they_are(practice):
    mine, _ = practice
    assert all(allowed(SYSTEM, p, mine) for p in RULES)
    assert not any(allowed(Actor("client", "1", "kiosk"), p, mine) for p in RULES)
    assert not allowed(Actor("staff", "ghost", "workstation"), "charts", mine)


def test_a_clinician_cannot_manage_portal_access_and_the_refusal_is_audited(practice):
    mine, _ = practice
    with pytest.raises(NotAllowed, match="front desk or an administrator"):
        chart_owner.activate_access(DOCTOR, mine)
    refused = AuditEvent.get(AuditEvent.action == "refused.portal_access")
    assert (refused.actor, refused.chart, refused.outcome) == ("staff:drlee", mine, "refused")
    assert chart_owner.current_access(mine) is None
    chart_owner.activate_access(DESK, mine)
    chart_owner.resend_invite(ADMIN, mine)
    with pytest.raises(NotAllowed):
        chart_owner.revoke_access(OTHER, mine)


def test_clinical_results_are_for_the_charts_clinician_and_admins(practice):
    mine, theirs = practice
    require(DOCTOR, "clinical", mine)
    require(ADMIN, "clinical", theirs)
    for actor, chart in ((DOCTOR, theirs), (DESK, mine)):
        with pytest.raises(NotAllowed, match="chart's clinician"):
            require(actor, "clinical", chart)


def test_only_clinicians_are_assigned_and_only_by_desk_or_admin(practice):
    mine, _ = practice
    with pytest.raises(NotAllowed):
        assign_clinician(DOCTOR, mine, None)
    dana = add_staff_user("dana2", "Dana Two", "front_desk", PASSWORD)
    with pytest.raises(NotAllowed, match="active clinician"):
        assign_clinician(ADMIN, mine, dana.id)
