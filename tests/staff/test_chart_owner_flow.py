"""The Chart Owner workflow in the chart room: state tag, ⋮ menu, confirm, toast, redraw."""
from __future__ import annotations

from models.chart_owner import Action, OwnerStatus, owner_state
from models.registration import check_code
from models.tables import AuditEvent, OutboxMessage
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.modals import ChooseOwnerScreen, ConfirmActionScreen, OwnerActionsMenu
from tui.staff.widgets.chart_owner import ChartOwnerBox

from .conftest import SIZE, drive, settle
from .helpers import guardian_of, invite, make_chart, registered, signed_in


def _text(widget) -> str:
    return str(widget.render())


def _box(app) -> ChartOwnerBox:
    return app.screen.query_one("#owner-box", ChartOwnerBox)


async def _open_chart(client, pilot, app):
    await settle(app, pilot)
    assert isinstance(app.screen, ChartRoomScreen)
    await pilot.press("f3")  # Communications tab
    await settle(app, pilot)


async def _menu(app, pilot) -> list[str]:
    await pilot.press("ctrl+o")
    await settle(app, pilot)
    assert isinstance(app.screen, OwnerActionsMenu)
    menu = app.screen.query_one("#owner-actions")
    return [menu.get_option_at_index(i).id for i in range(menu.option_count)]


async def _choose(app, pilot, action: Action):
    ids = await _menu(app, pilot)
    for _ in range(ids.index(action.value)):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(app, pilot)


def test_resend_an_expired_invitation(portal, clock):
    login = signed_in()
    client = make_chart()
    old_code = invite(client)
    clock.advance(days=8)
    assert owner_state(client).status is OwnerStatus.EXPIRED

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        notes = []
        async with app.run_test(size=SIZE) as pilot:
            app.notify = lambda message, **kw: notes.append(message)
            await _open_chart(client, pilot, app)
            box = _box(app)
            assert "Expired" in _text(box.query_one("#owner-tag"))
            assert box.query_one("#owner-tag").has_class("state-expired")
            before = OutboxMessage.select().where(OutboxMessage.kind == "invitation").count()

            await _choose(app, pilot, Action.RESEND)
            assert isinstance(app.screen, ConfirmActionScreen)
            body = _text(app.screen.query_one("#dialog-body"))
            assert "previous code stops working" in body and "7 days" in body
            await pilot.click("#confirm")
            await settle(app, pilot)

            assert isinstance(app.screen, ChartRoomScreen)
            box = _box(app)
            tag = _text(box.query_one("#owner-tag"))
            assert "Invited · expires in 7 days" in tag
            assert box.query_one("#owner-tag").has_class("state-invited")
            assert "Dec 5, 2026" in _text(box.query_one("#owner-invite"))  # 11/28 + 7 days, local time
            assert "Queued" in _text(box.query_one("#owner-delivery"))
            assert OutboxMessage.select().where(OutboxMessage.kind == "invitation").count() == before + 1
            assert any("resent" in n for n in notes)
            history = app.screen.query_one("#invite-history")
            assert history.row_count == 2

        assert check_code(old_code) is False
        event = AuditEvent.select().where(AuditEvent.action == "invite.resend").get()
        assert (event.actor, event.source, event.chart) == ("staff:fran", "workstation", client.id)

    drive(scenario)


def test_revoke_then_no_portal_access(portal, clock):
    login = signed_in()
    client = make_chart()
    invite(client)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await _open_chart(client, pilot, app)
            await _choose(app, pilot, Action.REVOKE)
            assert isinstance(app.screen, ConfirmActionScreen)
            assert str(app.screen.query_one("#confirm").label) == "Revoke Access"
            # Cancel first: nothing happens.
            await pilot.press("escape")
            await settle(app, pilot)
            assert owner_state(client).status is OwnerStatus.INVITED
            await _choose(app, pilot, Action.REVOKE)
            await pilot.click("#confirm")
            await settle(app, pilot)
            box = _box(app)
            assert "No Portal Access" in _text(box.query_one("#owner-tag"))
            assert box.query_one("#owner-tag").has_class("state-none")
            assert await _menu(app, pilot) == [Action.ACTIVATE.value]

    drive(scenario)
    assert owner_state(client).status is OwnerStatus.NONE


def test_change_ownership_to_guardian(portal, clock):
    login = signed_in()
    client = make_chart()
    invite(client)
    guardian = guardian_of(client)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await _open_chart(client, pilot, app)
            await _choose(app, pilot, Action.CHANGE_OWNER)
            assert isinstance(app.screen, ChooseOwnerScreen)
            # The guardian is highlighted (the client is the current owner).
            assert app.screen.query_one("#owner-email").value == guardian.email
            await pilot.click("#confirm")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            assert "Pat Rivera" in _text(app.screen.query_one("#dialog-body"))
            await pilot.press("tab", "enter")  # confirmations open on Cancel
            await settle(app, pilot)
            box = _box(app)
            assert "Pat Rivera (Legal guardian)" in _text(box.query_one("#owner-name"))
            assert guardian.email in _text(box.query_one("#owner-email"))
            assert "Invited" in _text(box.query_one("#owner-tag"))

    drive(scenario)
    state = owner_state(client)
    assert state.status is OwnerStatus.INVITED
    assert state.access.contact_id == guardian.id
    latest = OutboxMessage.select().where(OutboxMessage.kind == "invitation").order_by(OutboxMessage.id.desc()).get()
    assert latest.to_addr == guardian.email


def test_activate_from_no_access_lets_staff_pick_a_contact(portal, clock):
    login = signed_in()
    client = make_chart(email="")  # the client has no email: only the guardian can be chosen
    guardian = guardian_of(client)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await _open_chart(client, pilot, app)
            assert "No Portal Access" in _text(_box(app).query_one("#owner-tag"))
            await _choose(app, pilot, Action.ACTIVATE)
            chooser = app.screen
            assert isinstance(chooser, ChooseOwnerScreen)
            assert chooser.query_one("#owner-email").value == guardian.email
            await pilot.click("#confirm")
            await settle(app, pilot)
            await pilot.click("#confirm")
            await settle(app, pilot)
            assert "Invited" in _text(_box(app).query_one("#owner-tag"))

    drive(scenario)
    assert owner_state(client).access.contact_id == guardian.id


def test_menu_offers_only_what_the_state_allows(portal, clock):
    login = signed_in()
    none = make_chart(first="Nona")
    invited = make_chart(first="Ivy")
    invite(invited)
    expired = make_chart(first="Ezra")
    invite(expired)
    active = registered(make_chart(first="Ada", email="ada@example.com"))

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for chart, want in (
                (none, ["activate"]),
                (invited, ["change_owner", "resend", "revoke"]),
                (active, ["change_owner", "revoke"]),
                (expired, ["change_owner", "resend", "revoke"]),
            ):
                if chart is expired:
                    clock.advance(days=8)
                await app.push_screen(ChartRoomScreen(chart.id, tab="communications"))
                await settle(app, pilot)
                await pilot.click("#owner-menu")  # the ⋮ button works with the mouse too
                await settle(app, pilot)
                assert isinstance(app.screen, OwnerActionsMenu)
                menu = app.screen.query_one("#owner-actions")
                got = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
                assert got == want, chart.first_name
                assert got == [a.value for a in owner_state(chart).actions]
                await pilot.press("escape")
                await settle(app, pilot)
                assert isinstance(app.screen, ChartRoomScreen)
                await pilot.press("escape")  # back to the client list
                await settle(app, pilot)

    drive(scenario)
    assert owner_state(expired).status is OwnerStatus.EXPIRED
