"""A clinician in the staff app (models/roles.py): they find and open only the
charts they are the clinician of, and the chart room has none of the tabs,
keys, buttons or Help lines the domain would refuse them. The front desk
chooses a chart's clinician on the Overview tab, confirmed when someone
stops being it."""
from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Button, DataTable, OptionList, Static, TabbedContent, TabPane

from models.audit import Actor
from models.auth import add_staff_user, staff_login
from models.roles import assign_clinician
from models.tables import AuditEvent, Client
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.clients import ClientListScreen
from tui.staff.screens.clinician import ChooseClinicianScreen
from tui.staff.screens.help import HelpScreen
from tui.staff.screens.modals import ConfirmActionScreen

from .conftest import drive, settle
from .helpers import PASSWORD, STAFF, invite, make_chart, signed_in

SMALL = (80, 24)
ADMIN = Actor("staff", "ada", "workstation")


def _practice():
    """Dr. Lee's chart (invited) and Dr. Kim's (invited too, so it is in every queue)."""
    lee = add_staff_user("drlee", "Dr. Robin Lee", "clinician", PASSWORD)
    kim = add_staff_user("drkim", "Dr. Alex Kim", "clinician", PASSWORD)
    add_staff_user("ada", "Ada Admin", "admin", PASSWORD)
    mine, theirs = make_chart(first="Mina", last="Rivera"), make_chart(first="Theo", last="Stone", email="theo@example.com")
    for chart, clinician in ((mine, lee), (theirs, kim)):
        invite(chart)
        assign_clinician(STAFF, chart.id, clinician.id)
    return mine, theirs


def _names(app) -> list[str]:
    table = app.screen.query_one("#clients", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def _recorded(app) -> list[str]:
    """What the app says in toasts, from now on."""
    said: list[str] = []
    app.notify = lambda message, **kw: said.append(str(message))  # type: ignore[method-assign]
    return said


def _fits(screen, size=SMALL) -> None:
    """Every button of a dialog is on screen whole at 80x24."""
    whole = Region(0, 0, *size)
    for button in screen.query(Button):
        assert whole.contains_region(button.region), (button.id, button.region)


def test_a_clinician_neither_finds_nor_opens_another_clinicians_chart(portal, clock):
    mine, theirs = _practice()
    login = staff_login("drlee", PASSWORD, "workstation")

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert _names(app) == ["Rivera, Mina"]
            for queue, shown in (("f3", ["Rivera, Mina"]), ("f4", [])):   # both charts are invited
                await pilot.press(queue)
                await settle(app, pilot)
                assert _names(app) == shown, queue
            await pilot.press(*"stone")
            await settle(app, pilot, ClientListScreen.DEBOUNCE_SECONDS + 0.1)
            assert _names(app) == [] and "No charts match" in str(app.screen.query_one("#page-info", Static).render())
            footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
            assert "New chart" not in footer
            await pilot.press("ctrl+n")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            # Opened by its id all the same (a stale link, a typed --open): refused, said, closed.
            said = _recorded(app)
            app.push_screen(ChartRoomScreen(theirs.id))
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen)
            assert said == ["That chart is not one of yours: a clinician sees only the charts they are the clinician of."]

    drive(scenario)
    refused = list(AuditEvent.select().where(AuditEvent.outcome == "refused"))
    assert refused and {(e.actor, e.chart, e.action) for e in refused} == {("staff:drlee", theirs.id, "refused.charts")}


def test_a_clinicians_chart_room_has_only_what_they_may_use(portal, clock):
    mine, _ = _practice()
    login = staff_login("drlee", PASSWORD, "workstation")

    async def scenario():
        app = StaffApp(session=login, open_chart=mine.id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            room = app.screen
            assert isinstance(room, ChartRoomScreen)
            tabs = room.query_one("#chart-tabs", TabbedContent)
            assert [p.id for p in room.query(TabPane)] == ["overview", "documents", "activity", "forms"]
            assert "Clinician      Dr. Robin Lee" in str(room.query_one("#demographics", Static).render())
            assert not room.query("#change-clinician")
            for key in ("f3", "f5", "f6", "ctrl+o", "l"):    # Comms, Appts, Billing, the owner menu, the clinician
                await pilot.press(key)
                await settle(app, pilot)
                assert app.screen is room and tabs.active == "overview", key
            await pilot.press("f4")
            await settle(app, pilot)
            assert tabs.active == "documents"
            footer = " ".join(str(k.render()) for k in room.query("FooterKey"))
            assert "Owner" not in footer
            await pilot.press("f1")
            await settle(app, pilot)
            assert isinstance(app.screen, HelpScreen)
            shown = str(app.screen.query_one("#help-guide", Static).render()) + str(app.screen.query_one("#help-keys", Static).render())
            for words in ("Chart Owner", "Ctrl+O", "Ctrl+N", "Comms", "Billing", "Appts", "Change clinician"):
                assert words not in shown, words
            assert "only the charts you are the clinician of" in shown and "Docs" in shown
            await pilot.press("escape")
            await settle(app, pilot)
            # Given to another clinician meanwhile: the next read is refused, said once, and the chart closes.
            assign_clinician(ADMIN, mine.id, Client.get(Client.last_name == "Stone").clinician_id)
            said = _recorded(app)
            await pilot.press("f7")
            await settle(app, pilot)
            assert isinstance(app.screen, ClientListScreen) and len(said) == 1 and "not one of yours" in said[0]
            assert _names(app) == []

    drive(scenario)


def test_the_front_desk_chooses_the_clinician_on_the_overview(portal, clock):
    mine, _ = _practice()
    login = signed_in("front_desk")

    async def scenario():
        app = StaffApp(session=login, open_chart=mine.id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            room = app.screen
            assert [p.id for p in room.query(TabPane)] == [
                "overview", "communications", "documents", "appointments", "billing", "activity", "forms"]
            await pilot.click("#change-clinician")
            await settle(app, pilot)
            picker = app.screen
            assert isinstance(picker, ChooseClinicianScreen)
            _fits(picker)
            options = picker.query_one("#clinicians", OptionList)
            prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert prompts == ["Dr. Alex Kim", "Dr. Robin Lee (now)", "Ada Admin (administrator)", "No clinician"]
            assert options.highlighted == 1                      # on the current one
            await pilot.press("up", "enter")                     # Dr. Kim
            await settle(app, pilot)
            confirm = app.screen
            assert isinstance(confirm, ConfirmActionScreen)      # Dr. Lee loses the chart: asked first
            _fits(confirm)
            body = str(confirm.query_one("#dialog-body", Static).render())
            assert "Dr. Robin Lee stops being the clinician" in body and "Dr. Alex Kim becomes the clinician" in body
            await pilot.press("enter")                           # it opens on Cancel: nothing changes
            await settle(app, pilot)
            assert Client.get_by_id(mine.id).clinician.username == "drlee"
            await pilot.press("l")                               # again, by its key, and go ahead
            await settle(app, pilot)
            await pilot.press("up", "enter")
            await settle(app, pilot)
            await pilot.press("tab", "enter")
            await settle(app, pilot)
            assert app.screen is room
            assert "Clinician      Dr. Alex Kim" in str(room.query_one("#demographics", Static).render())

    drive(scenario)
    assert Client.get_by_id(mine.id).clinician.username == "drkim"
    changes = AuditEvent.select().where((AuditEvent.action == "chart.clinician") & (AuditEvent.chart == mine.id))
    assert [(e.actor, e.detail) for e in changes.order_by(AuditEvent.id)] == [
        ("staff:fran", "none -> drlee"), ("staff:fran", "drlee -> drkim")]   # set up, then chosen on screen


def test_a_chart_with_no_clinician_gets_one_without_a_confirmation(portal, clock):
    add_staff_user("drlee", "Dr. Robin Lee", "clinician", PASSWORD)
    login = signed_in("admin")
    chart = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=chart.id)
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            assert "Clinician      None chosen" in str(app.screen.query_one("#demographics", Static).render())
            await pilot.press("f2", "l")                          # into the Overview tab; its key
            await settle(app, pilot)
            assert isinstance(app.screen, ChooseClinicianScreen)
            await pilot.press("home", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ChartRoomScreen)    # nobody lost anything: no question asked
            assert "Clinician      Dr. Robin Lee" in str(app.screen.query_one("#demographics", Static).render())

    drive(scenario)
    assert Client.get_by_id(chart.id).clinician.username == "drlee"
