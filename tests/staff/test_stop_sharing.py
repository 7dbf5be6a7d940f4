"""Stop sharing a document, after a confirmation (issue 16, expected and absent)."""
from __future__ import annotations

from models.records import share_document
from models.tables import Document
from tui.shared.fitting_table import FittingTable
from tui.staff.app import StaffApp
from tui.staff.screens.modals import ConfirmActionScreen

from .conftest import SIZE, drive, settle
from .helpers import STAFF, make_chart, signed_in


def test_delete_on_the_list_stops_sharing_after_a_confirmation(portal, clock):
    login = signed_in()
    client = make_chart()
    share_document(STAFF, client, "Meant for another client", "Oops.")
    share_document(STAFF, client, "Sleep hygiene tips", "Keep a routine.")

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        notes = []
        async with app.run_test(size=SIZE) as pilot:
            app.notify = lambda message, **kw: notes.append(message)
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            table = app.screen.query_one("#document-list", FittingTable)
            table.focus()
            await pilot.press("down")  # the older one: "Meant for another client"
            await settle(app, pilot)
            footer = " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
            assert "Stop sharing" in footer
            await pilot.press("delete")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmActionScreen)
            assert "Meant for another client" in str(app.screen.query_one("#dialog-body").render())
            await pilot.press("enter")  # on Cancel: nothing changes
            await settle(app, pilot)
            assert Document.select().count() == 2 and notes[-1] == "Nothing changed."
            await pilot.press("delete")
            await settle(app, pilot)
            await pilot.press("tab", "enter")
            await settle(app, pilot)
            assert [d.title for d in Document.select()] == ["Sleep hygiene tips"]
            assert notes[-1] == "“Meant for another client” is no longer shared."
            assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Sleep hygiene tips"

    drive(scenario)
