"""New chart, Overview contacts, Documents, Appointments, Billing, Activity."""
from __future__ import annotations

import datetime as dt

from textual.widgets import Checkbox, DataTable, Input, Static, TextArea

from models.chart_owner import OwnerStatus, activate_access, owner_state
from models.charts import contacts_of
from models.records import ClientViewer, balance_cents, open_document, request_appointment
from models.tables import AppointmentRequest, AuditEvent, Client, Document, OutboxMessage, PortalAccount
from tui.staff.app import StaffApp
from tui.staff.files import FileImport
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.modals import ContactFormScreen, DecideRequestScreen
from tui.staff.screens.new_chart import NewChartScreen

from .conftest import SIZE, drive, settle
from .helpers import STAFF, make_chart, registered, signed_in


def _error(screen, name: str) -> str:
    widget = screen.query_one(f"#{name}-error", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def test_new_chart_with_portal_invitation(portal, clock):
    login = signed_in()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+n")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, NewChartScreen)
            await pilot.press(*"Maya")
            await pilot.press("tab", *"Lopez")
            form.query_one("#date_of_birth", Input).value = "13/45/2001"
            form.query_one("#invite", Checkbox).value = True
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            # Invitation asked for, but no email: said next to the email field, nothing lost.
            assert "email address is needed" in _error(form, "email")
            assert Client.select().count() == 0
            form.query_one("#email", Input).value = "maya@example.com"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "MM/DD/YYYY" in _error(form, "date_of_birth")
            assert form.query_one("#first_name", Input).value == "Maya"
            assert form.query_one("#email", Input).value == "maya@example.com"
            form.query_one("#date_of_birth", Input).value = "04/13/2001"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)
            assert "Maya Lopez" in str(app.screen.query_one("#chart-header").render())

    drive(scenario)
    client = Client.get(Client.last_name == "Lopez")
    assert owner_state(client).status is OwnerStatus.INVITED
    assert OutboxMessage.get(OutboxMessage.kind == "invitation").to_addr == "maya@example.com"


def test_overview_add_and_edit_a_guardian(portal, clock):
    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.click("#add-contact")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, ContactFormScreen)
            form.query_one("#first_name", Input).value = "Pat"
            form.query_one("#last_name", Input).value = "Rivera"
            form.query_one("#email", Input).value = "not an email"
            form.query_one("#relationship").value = "guardian"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "email address" in _error(form, "email")
            form.query_one("#email", Input).value = "pat@example.com"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            table = app.screen.query_one("#contacts", DataTable)
            assert table.row_count == 1
            assert str(table.get_row_at(0)[1]) == "Legal guardian"

            table.focus()
            await pilot.press("c")  # edit the highlighted contact
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, ContactFormScreen)
            assert form.query_one("#email", Input).value == "pat@example.com"
            form.query_one("#email", Input).value = "pat.rivera@example.com"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert str(app.screen.query_one("#contacts", DataTable).get_row_at(0)[2]) == "pat.rivera@example.com"

    drive(scenario)
    (contact,) = contacts_of(client)
    assert (contact.relationship, contact.email) == ("guardian", "pat.rivera@example.com")


def test_documents_share_typed_and_from_a_file(portal, clock, tmp_path):
    login = signed_in()
    client = make_chart()
    good = tmp_path / "after_care_plan.txt"
    good.write_text("Call us any time.\n", encoding="utf-8")
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02")
    huge = tmp_path / "huge.txt"
    huge.write_text("x" * 300_000)
    (tmp_path / "letters").mkdir()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id, file_import=FileImport(str(tmp_path)))
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            screen = app.screen
            path = screen.query_one("#doc-path", Input)
            for bad, words in (
                (tmp_path / "missing.txt", "no such file in the import folder"),
                (binary, "binary file"),
                (huge, "too large"),
                (tmp_path / "letters", "is a folder"),
            ):
                path.value = str(bad)
                await pilot.press("ctrl+r")
                await settle(app, pilot)
                assert words in _error(screen, "path")
            path.value = str(good)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert _error(screen, "path") == ""
            assert screen.query_one("#doc-title", Input).value == "after care plan"
            assert screen.query_one("#doc-body", TextArea).text == "Call us any time.\n"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            table = screen.query_one("#document-list", DataTable)
            assert table.row_count == 1
            assert str(table.get_row_at(0)[3]) == "Not opened yet"

            # An empty document is refused next to the text, the title stays.
            screen.query_one("#doc-title", Input).value = "Empty one"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "required" in _error(screen, "document")
            assert screen.query_one("#doc-title", Input).value == "Empty one"

    drive(scenario)
    doc = Document.get()
    assert doc.title == "after care plan"

    # The client opens it; the tab says so.
    account = PortalAccount.create(
        email="jamie@example.com", display_name="Jamie", password_hash="x", created_at=clock.now(), password_changed_at=clock.now()
    )
    activate_access(STAFF, client)  # an existing account is granted access at once
    assert owner_state(client).status is OwnerStatus.ACTIVE
    clock.advance(hours=1)
    open_document(ClientViewer(account.id, client.id), doc.id)

    async def opened():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await app.push_screen(ChartRoomScreen(client.id, tab="documents"))
            await settle(app, pilot)
            row = app.screen.query_one("#document-list", DataTable).get_row_at(0)
            assert str(row[3]) == "Opened Nov 20 11:00 AM"

    drive(opened)


def test_appointments_billing_and_activity(portal, clock):
    login = signed_in()
    client = registered(make_chart())
    account = PortalAccount.get(PortalAccount.email == "jamie@example.com")
    viewer = ClientViewer(account.id, client.id)
    request_appointment(viewer, mode="video", preferred_at=clock.now() + dt.timedelta(days=3), reason="[red]Follow-up[/red]")

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f5")
            await settle(app, pilot)
            table = app.screen.query_one("#requests", DataTable)
            assert str(table.get_row_at(0)[4]) == "[red]Follow-up[/red]"
            table.focus()
            await pilot.press("y")
            await settle(app, pilot)
            assert isinstance(app.screen, DecideRequestScreen)
            await pilot.press(*"See you then")
            await pilot.press("enter")
            await settle(app, pilot)
            table = app.screen.query_one("#requests", DataTable)
            assert str(table.get_row_at(0)[3]) == "Approved"

            await pilot.press("f6")
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#amount", Input).value = "-5"
            screen.query_one("#description", Input).value = "Session"
            screen.query_one("#description", Input).focus()
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "no minus sign" in _error(screen, "amount")
            assert screen.query_one("#description", Input).value == "Session"
            screen.query_one("#amount", Input).value = "125.00"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            screen.query_one("#kind").value = "payment"
            screen.query_one("#amount", Input).value = "25"
            screen.query_one("#description", Input).value = "Copay"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert "Balance: $100.00" in str(screen.query_one("#balance").render())
            assert screen.query_one("#ledger", DataTable).row_count == 2

            await pilot.press("f7")
            await settle(app, pilot)
            activity = app.screen.query_one("#activity-list", DataTable)
            actions = [str(activity.get_row_at(i)[2]) for i in range(activity.row_count)]
            assert actions[:3] == ["Recorded a payment", "Added a charge", "Approved an appointment request"]

    drive(scenario)
    assert balance_cents(client.id) == 100_00
    req = AppointmentRequest.get()
    assert (req.status, req.practice_message) == ("approved", "See you then")
    staff_events = AuditEvent.select().where(AuditEvent.actor == "staff:fran", AuditEvent.chart == client.id)
    assert {e.source for e in staff_events} == {"workstation"}


def test_tab_keys_pressed_while_the_chart_is_still_opening(portal, clock):
    """F3 or Ctrl+O the instant the chart opens (before it is built) does what
    it says once the screen is there, instead of failing."""
    login = signed_in()
    client = make_chart("Quick", "Typist")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.push_screen(ChartRoomScreen(client.id))
            await app.screen.run_action("tab('communications')")  # not built yet
            await settle(app, pilot)
            room = app.screen
            assert isinstance(room, ChartRoomScreen)
            assert room.query_one("#chart-tabs").active == "communications"
            assert room.tab_widget("communications") is not None

    drive(scenario)


def test_a_chart_that_does_not_exist_is_said_once_and_the_room_closes(portal, clock, monkeypatch):
    """A stale chart id (the chart opened at start, or a row from an old page)
    ended the app with NotFound from ChartRoomScreen.__init__; now the room's
    worker says so once and the room closes."""
    from tui.staff.screens.clients import ClientListScreen

    login = signed_in()

    notes = []
    monkeypatch.setattr(StaffApp, "notify", lambda self, message, **kw: notes.append(message))

    async def scenario():
        app = StaffApp(session=login, open_chart=4242)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert app.is_running
            assert isinstance(app.screen, ClientListScreen)
            assert notes == ["That chart does not exist."]

    drive(scenario)
