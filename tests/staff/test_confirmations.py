"""One rule for every confirmation (issue 16, defect 5).

Every confirmation opens on Cancel, and says so: Enter right after
choosing an action changes nothing. A cancel is said in a toast, so a
person who meant to confirm knows it did not happen.
"""
from __future__ import annotations

from models.chart_owner import Action, OwnerStatus, owner_state
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.modals import ChooseOwnerScreen, ConfirmActionScreen

from .conftest import SIZE, drive, settle
from .helpers import guardian_of, invite, make_chart, signed_in
from .test_chart_owner_flow import _choose, _open_chart


def test_revoke_and_change_ownership_open_on_cancel_and_say_a_cancel(portal, clock):
    login = signed_in()
    client = make_chart()
    invite(client)
    guardian_of(client)

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        notes = []
        async with app.run_test(size=SIZE) as pilot:
            app.notify = lambda message, **kw: notes.append(message)
            await _open_chart(client, pilot, app)
            for action in (Action.REVOKE, Action.CHANGE_OWNER):
                await _choose(app, pilot, action)
                if isinstance(app.screen, ChooseOwnerScreen):
                    await pilot.click("#confirm")
                    await settle(app, pilot)
                dialog = app.screen
                assert isinstance(dialog, ConfirmActionScreen)
                assert app.focused is dialog.query_one("#cancel")
                keys = str(dialog.query_one("#dialog-keys").render())
                assert "Cancel" in keys and str(dialog.query_one("#confirm").label) in keys
                await pilot.press("enter")
                await settle(app, pilot)
                assert isinstance(app.screen, ChartRoomScreen)
                assert notes[-1] == "Nothing changed."
                assert owner_state(client).status is OwnerStatus.INVITED
                assert owner_state(client).access.contact_id is None  # still the client's own
            # Escape says it too; Tab then Enter does the action.
            await _choose(app, pilot, Action.REVOKE)
            await pilot.press("escape")
            await settle(app, pilot)
            assert notes[-1] == "Nothing changed."
            await _choose(app, pilot, Action.REVOKE)
            await pilot.press("tab", "enter")
            await settle(app, pilot)
            assert owner_state(client).status is OwnerStatus.NONE

    drive(scenario)
