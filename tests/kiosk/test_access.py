"""A client sees only their own charts; a parent switches between children's charts."""
from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, OptionList, TabbedContent

from models.chart_owner import activate_access
from models.records import ClientViewer, request_appointment
from models.registration import register
from models.tables import AppointmentRequest, AuditEvent, Document, PortalAccount
from tui.kiosk.choose_chart import ChooseChartScreen
from tui.kiosk.dashboard import NOT_AVAILABLE, DashboardScreen
from tui.kiosk.document import DocumentScreen
from tui.kiosk.panes import AppointmentsPane

from .helpers import PASSWORD, STAFF, charge, guardian, invite, kiosk, log_in, make_chart, note, registered_chart, settle, share


def titles(app) -> list[str]:
    table = app.screen.query_one("#documents-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_a_client_of_one_chart_cannot_reach_another_charts_data(portal, clock):
    a, a_email = registered_chart()
    b, _ = registered_chart(first="Sam", last="Lee", dob="02/02/1990", email="sam@example.com")
    share(a, "For Jamie")
    b_doc = share(b, "For Sam only")
    charge(b, "999.00", "Sam's session")
    when = clock.now() + dt.timedelta(days=3)
    b_account = PortalAccount.get(PortalAccount.email == "sam@example.com").id
    b_request = request_appointment(ClientViewer(b_account, b.id), mode="phone", preferred_at=when, reason="Sam's reason")

    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, a_email)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert titles(app) == ["For Jamie"]
        assert not screen.several_charts
        assert AuditEvent.select().where(AuditEvent.action == "document.list").count() == 1

        # Opening B's document by id is refused, and B's document stays unopened.
        screen.open_document(b_doc.id)
        await settle(pilot)
        assert app.screen is screen and not isinstance(app.screen, DocumentScreen)
        assert note(app, "documents-note") == NOT_AVAILABLE
        assert Document.get_by_id(b_doc.id).opened_at is None

        # Cancelling B's request through the appointments pane is refused.
        screen.query_one(TabbedContent).active = "appointments"
        await settle(pilot)
        assert screen.query_one("#requests-table", DataTable).row_count == 0
        screen.query_one(AppointmentsPane).post_message(AppointmentsPane.Cancel(b_request.id))
        await settle(pilot)
        await pilot.press("tab", "enter")  # "Yes, cancel it" in the confirmation
        await settle(pilot)
        assert note(app, "appointment-error") == NOT_AVAILABLE
        assert AppointmentRequest.get_by_id(b_request.id).status == "pending"

        # The balance is A's own (none), not B's.
        screen.query_one(TabbedContent).active = "balance"
        await settle(pilot)
        assert str(screen.query_one("#balance-amount").render()) == "Current balance: $0.00"

        # The person switcher lists only A's chart, and F2 is off for a single chart.
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is screen
        app.push_screen(ChooseChartScreen())
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 1 and options.get_option_at_index(0).id == str(a.id)


async def test_a_parent_with_two_childrens_charts_switches_between_them(portal):
    first = make_chart(first="Ava", last="Parent", dob="05/05/2015", email="")
    second = make_chart(first="Ben", last="Parent", dob="06/06/2017", email="")
    code = invite(first, contact_id=guardian(first).id)
    register(code, "Parent", "05/05/2015", PASSWORD, PASSWORD)
    activate_access(STAFF, second, contact_id=guardian(second).id)
    share(first, "Ava's plan")
    share(second, "Ben's plan")

    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, "pat.parent@example.com")
        assert isinstance(app.screen, ChooseChartScreen)
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [str(first.id), str(second.id)]
        await pilot.press("enter")  # the first one is highlighted
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert titles(app) == ["Ava's plan"]
        assert "Ava Parent" in str(app.screen.query_one("#who-line").render())

        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ChooseChartScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.session.chart_id == second.id
        assert titles(app) == ["Ben's plan"]
        assert "Ben Parent" in str(app.screen.query_one("#who-line").render())
