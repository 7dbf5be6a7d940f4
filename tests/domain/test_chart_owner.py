"""The Chart Owner rules: expiry, resend, revoke, change of ownership."""
import json

import pytest

from models import chart_owner
from models.chart_owner import Action, OwnerStatus, owner_state
from models.auth import client_login, session_status
from models.errors import StateConflict
from models.registration import RegistrationError, check_code, register
from models.tables import Invitation, OutboxMessage

from .helpers import GOOD_PASSWORD, STAFF, guardian_of, invited_chart, last_code, make_chart, make_staff


def test_never_invited_has_no_portal_access(portal):
    client = make_chart()
    state = owner_state(client)
    assert state.status is OwnerStatus.NONE
    assert state.label == "No Portal Access"
    assert state.actions == (Action.ACTIVATE,)


def test_code_works_until_seven_days_minus_a_second(portal, clock):
    client, code = invited_chart()
    clock.advance(days=7, seconds=-1)
    assert owner_state(client).status is OwnerStatus.INVITED
    assert check_code(code)


def test_code_fails_seven_days_plus_a_second(portal, clock):
    client, code = invited_chart()
    clock.advance(days=7, seconds=1)
    assert owner_state(client).status is OwnerStatus.EXPIRED
    assert owner_state(client).actions == (Action.CHANGE_OWNER, Action.RESEND, Action.REVOKE)
    assert not check_code(code)
    with pytest.raises(RegistrationError):
        register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)


def test_invited_tag_counts_days_left(portal, clock):
    client, _ = invited_chart()
    assert owner_state(client).tag == "Invited · expires in 7 days"
    clock.advance(days=6, hours=1)
    assert owner_state(client).tag == "Invited · expires in 1 day"


def test_resend_voids_old_code_and_starts_fresh_window(portal, clock):
    client, old = invited_chart()
    clock.advance(days=8)
    state = chart_owner.resend_invite(STAFF, client)
    new = last_code()
    assert state.status is OwnerStatus.INVITED
    assert state.invitation.expires_at == clock.now().replace(microsecond=0) + __import__("datetime").timedelta(days=7)
    assert new != old
    assert not check_code(old)
    assert check_code(new)
    assert OutboxMessage.select().where(OutboxMessage.kind == "invitation").count() == 2


def test_resend_while_still_valid_also_voids_old_code(portal, clock):
    client, old = invited_chart()
    chart_owner.resend_invite(STAFF, client)
    assert not check_code(old)
    assert Invitation.select().where(Invitation.superseded_at.is_null(False)).count() == 1


def test_revoke_voids_codes_and_ends_open_session(portal, clock):
    client, code = invited_chart()
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    login = client_login("jamie@example.com", GOOD_PASSWORD)
    assert login.ok and session_status(login.session_id).alive
    state = chart_owner.revoke_access(STAFF, client)
    assert state.status is OwnerStatus.NONE
    assert not session_status(login.session_id).alive
    assert not client_login("jamie@example.com", GOOD_PASSWORD).ok
    assert OutboxMessage.select().where(OutboxMessage.kind == "access_revoked").count() == 1


def test_revoke_of_pending_invitation_voids_code(portal):
    client, code = invited_chart()
    chart_owner.revoke_access(STAFF, client)
    assert not check_code(code)


def test_reactivating_registered_owner_grants_without_invitation(portal):
    from models.staff_views import has_portal_account

    client, code = invited_chart()
    assert not has_portal_account("jamie@example.com")
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    chart_owner.revoke_access(STAFF, client)
    assert has_portal_account(" Jamie@Example.com ")  # what the confirmation asks before it says which
    invitations_before = Invitation.select().count()
    state = chart_owner.activate_access(STAFF, client)
    assert state.status is OwnerStatus.ACTIVE
    assert Invitation.select().count() == invitations_before
    assert OutboxMessage.select().where(OutboxMessage.kind == "access_granted").count() == 1
    assert client_login("jamie@example.com", GOOD_PASSWORD).ok


def test_change_ownership_to_guardian(portal):
    client, code = invited_chart()
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    login = client_login("jamie@example.com", GOOD_PASSWORD)
    parent = guardian_of(client)
    state = chart_owner.change_ownership(STAFF, client, contact_id=parent.id)
    assert state.status is OwnerStatus.INVITED
    assert state.access.owner_name == "Pat Rivera"
    assert state.access.relationship == "parent"
    msg = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
    assert msg.kind == "invitation" and msg.to_addr == "pat.parent@example.com"
    assert not session_status(login.session_id).alive
    assert not client_login("jamie@example.com", GOOD_PASSWORD).ok
    assert OutboxMessage.select().where(OutboxMessage.kind == "ownership_changed").count() == 1


def test_change_ownership_voids_pending_code(portal):
    client, code = invited_chart()
    parent = guardian_of(client)
    chart_owner.change_ownership(STAFF, client, contact_id=parent.id)
    assert not check_code(code)


def test_change_to_same_owner_is_refused(portal):
    client, _ = invited_chart()
    with pytest.raises(StateConflict):
        chart_owner.change_ownership(STAFF, client, contact_id=None)


def test_activate_twice_is_refused_and_resend_needs_owner(portal):
    client, _ = invited_chart()
    with pytest.raises(StateConflict):
        chart_owner.activate_access(STAFF, client)
    other = make_chart(first="Sam", last="Lee", email="sam@example.com")
    with pytest.raises(StateConflict):
        chart_owner.resend_invite(STAFF, other)


def test_activate_needs_an_email(portal):
    make_staff()
    client = make_chart(email="")
    from models.text import InvalidInput

    with pytest.raises(InvalidInput):
        chart_owner.activate_access(STAFF, client)
    assert owner_state(client).status is OwnerStatus.NONE


def test_one_account_owns_several_charts(portal):
    make_staff()
    a = make_chart(first="Ava", last="Stone", dob="01/02/2015", email="")
    b = make_chart(first="Ben", last="Stone", dob="03/04/2017", email="")
    pa = guardian_of(a, "mom@example.com")
    pb = guardian_of(b, "mom@example.com")
    chart_owner.activate_access(STAFF, a, contact_id=pa.id)
    register(last_code(), "Stone", "01/02/2015", GOOD_PASSWORD, GOOD_PASSWORD)
    state = chart_owner.activate_access(STAFF, b, contact_id=pb.id)
    assert state.status is OwnerStatus.ACTIVE  # granted: she already has an account
    assert [c.first_name for c in chart_owner.charts_of_account(state.access.account_id)] == ["Ava", "Ben"]


def test_states_of_a_page_take_constant_queries(portal, clock):
    make_staff()
    clients = [make_chart(first=f"N{i}", last="Page", email=f"p{i}@example.com") for i in range(12)]
    for c in clients[:8]:
        chart_owner.activate_access(STAFF, c)
    from tests.query_counter import count_queries

    with count_queries() as small:
        chart_owner.owner_states([c.id for c in clients[:3]])
    with count_queries() as large:
        chart_owner.owner_states([c.id for c in clients])
    assert small.count == large.count <= 3


def test_queue_conditions_find_invited_and_expired(portal, clock):
    from models.charts import search_charts

    make_staff()
    early = make_chart(first="Early", last="Queue", email="e@example.com")
    chart_owner.activate_access(STAFF, early)
    clock.advance(days=5)
    late = make_chart(first="Late", last="Queue", email="l@example.com")
    chart_owner.activate_access(STAFF, late)
    clock.advance(days=3)
    assert [c.first_name for c in search_charts(queue="expired").rows] == ["Early"]
    assert [c.first_name for c in search_charts(queue="invited").rows] == ["Late"]


def test_invitation_email_is_queued_with_the_invitation(portal):
    client, code = invited_chart()
    msg = OutboxMessage.get()
    ctx = json.loads(msg.context)
    assert msg.invitation_id == Invitation.get().id
    assert ctx["invited_by"] == "Fran Desk"
    assert ctx["client_name"] == "Jamie Rivera" and ctx["relationship"] == "self"
    assert len(code.replace("-", "")) == 16
