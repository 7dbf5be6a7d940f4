"""New chart with the intake forms: sent with the invitation, in one email."""
from __future__ import annotations

import json

from textual.widgets import Checkbox, Input, Select

from models.forms.library import sync_builtin_forms
from models.tables import Client, FormAssignment, OutboxMessage
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.new_chart import NewChartScreen

from .conftest import SIZE, drive, settle
from .helpers import signed_in


def test_a_new_chart_goes_out_with_the_intake_forms_and_one_email(portal, clock):
    login = signed_in()
    sync_builtin_forms()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+n")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, NewChartScreen)
            assert form.query_one("#forms-row").display  # the library has a package to offer
            for name, value in (("first_name", "Maya"), ("last_name", "Lopez"), ("date_of_birth", "04/13/2001"), ("email", "maya@example.com")):
                form.query_one(f"#{name}", Input).value = value
            form.query_one("#invite", Checkbox).value = True
            form.query_one("#package", Select).value = "new_client_intake"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)

    drive(scenario)
    client = Client.get(Client.last_name == "Lopez")
    assert FormAssignment.select().where(FormAssignment.client == client).count() == 5
    [mail] = OutboxMessage.select()
    assert mail.kind == "invitation" and json.loads(mail.context)["forms_waiting"] is True


def test_no_package_row_when_the_library_has_none(portal, clock):
    login = signed_in()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+n")
            await settle(app, pilot)
            assert not app.screen.query_one("#forms-row").display

    drive(scenario)
