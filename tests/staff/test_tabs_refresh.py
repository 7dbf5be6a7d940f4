"""What a client does shows on an open staff tab within seconds (issue 16, defect 4).

After the client opened a shared document, staff still saw "Not opened
yet" until they reopened the chart. The Documents, Appointments and
Activity tabs now read again every few seconds while in view, as the
Chart Owner box does (the test calls the timer's callback instead of waiting).
"""
from __future__ import annotations

import datetime as dt

from models.records import ClientViewer, open_document, request_appointment, share_document
from models.tables import PortalAccount
from tui.shared.fitting_table import FittingTable
from tui.staff.app import StaffApp
from tui.staff.widgets.chart_tab import ChartTab

from .conftest import SIZE, drive, settle
from .helpers import STAFF, make_chart, registered, signed_in


def test_a_document_opened_and_a_request_made_show_without_reopening(portal, clock):
    login = signed_in()
    client = registered(make_chart())
    account = PortalAccount.get(PortalAccount.email == "jamie@example.com")
    viewer = ClientViewer(account.id, client.id, source="kiosk")
    doc = share_document(STAFF, client, "Sleep hygiene tips", "Keep a routine.")

    def polled(app, tab_id) -> ChartTab:
        tab = app.screen.query_one(f"#{tab_id}-tab", ChartTab)
        assert tab.POLL_SECONDS and tab.POLL_SECONDS <= 5
        return tab

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            table = app.screen.query_one("#document-list", FittingTable)
            assert str(table.get_row_at(0)[3]) == "Not opened yet"
            clock.advance(minutes=5)
            open_document(viewer, doc.id)  # at the kiosk
            polled(app, "documents").poll()
            await settle(app, pilot)
            assert str(table.get_row_at(0)[3]).startswith("Opened")

            await pilot.press("f5")
            await settle(app, pilot)
            request_appointment(viewer, mode="video", preferred_at=clock.now() + dt.timedelta(days=2), reason="Check-in")
            polled(app, "appointments").poll()
            await settle(app, pilot)
            assert app.screen.query_one("#requests", FittingTable).get_row_at(0)[4].plain == "Check-in"

    drive(scenario)
