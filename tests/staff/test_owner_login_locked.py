"""A chart owner's locked portal login shows in the Chart Owner box, and staff lift it there.

Before: after five wrong passwords the owner was told nothing on screen (as
they should be), staff saw a plain "Active", and nobody could unlock.
"""
from __future__ import annotations

from textual.widgets import Button, Static

from models import auth
from models.chart_owner import Action, owner_state
from models.tables import AuditEvent

from .conftest import SIZE, drive, settle
from .helpers import CLIENT_PASSWORD, make_chart, registered, signed_in
from .test_owner_email_failed import SMALL, _box_on_screen, _shown
from tui.staff.app import StaffApp
from tui.staff.screens.modals import ConfirmActionScreen, OwnerActionsMenu
from tui.staff.widgets.chart_owner import ChartOwnerBox


def _lock_out(client):
    for _ in range(auth.MAX_FAILURES):
        auth.client_login(client.email, "not the password at all", source="ssh:203.0.113.9")


def test_the_owner_state_offers_unlock_only_while_locked(portal, clock):
    client = registered(make_chart())
    assert Action.UNLOCK not in owner_state(client).actions
    _lock_out(client)
    state = owner_state(client)
    assert state.login_locked_until == clock.now() + auth.LOCKOUT
    assert state.actions[0] is Action.UNLOCK
    clock.advance(minutes=15, seconds=1)
    assert owner_state(client).login_locked_until is None


def test_staff_see_the_lock_and_lift_it_from_the_menu(portal, clock):
    login = signed_in()
    client = registered(make_chart())
    _lock_out(client)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            box = app.screen.query_one("#owner-box", ChartOwnerBox)
            advice = _shown(box.query_one("#owner-advice", Static))
            assert "Portal login locked until" in advice and "Unlock Portal Login" in advice
            await pilot.press("ctrl+o")
            await settle(app, pilot)
            assert isinstance(app.screen, OwnerActionsMenu)
            await pilot.press("enter")  # the first action: Unlock Portal Login
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            await pilot.click("#confirm")
            await settle(app, pilot)
            box = app.screen.query_one("#owner-box", ChartOwnerBox)
            assert _shown(box.query_one("#owner-advice", Static)) == ""

    drive(scenario)
    assert auth.client_login(client.email, CLIENT_PASSWORD).ok
    assert AuditEvent.select().where(AuditEvent.action == "unlock", AuditEvent.actor == "staff:fran").count() == 1


def test_the_box_says_the_owners_last_sign_in_in_the_practices_zone(portal, clock):
    login = signed_in()
    client = registered(make_chart())

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            box = await _box_on_screen(app, pilot)   # whole at 80x24, the sign-in line too
            assert _shown(box.query_one("#owner-invite", Static)).endswith("Never signed in.")
            clock.advance(days=1, hours=3)             # 6:00 PM UTC: 1:00 PM in New York
            assert auth.client_login(client.email, CLIENT_PASSWORD, source="kiosk").ok
            box.refresh_state()                        # what its few-second refresh does
            await settle(app, pilot)
            invite = _shown(box.query_one("#owner-invite", Static))
            assert invite.endswith("Last signed in Nov 21, 2026 1:00 PM EST.")
            clock.advance(minutes=5)                   # a failed try is no sign-in
            auth.client_login(client.email, "not the password at all", source="kiosk")
            box.refresh_state()
            await settle(app, pilot)
            assert _shown(box.query_one("#owner-invite", Static)) == invite

    drive(scenario)
