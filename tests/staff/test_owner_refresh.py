"""The Chart Owner box notices when the invitation email goes out."""
import asyncio

from models.chart_owner import activate_access
from models.tables import OutboxMessage
from tests.domain.helpers import STAFF, make_chart, make_staff

from .conftest import settle


def test_box_shows_delivery_without_reopening(portal, clock):
    from tui.staff.widgets.chart_owner import ChartOwnerBox
    from tui.staff.widgets.communications import CommunicationsTab
    from textual.app import App

    make_staff()
    client = make_chart()
    activate_access(STAFF, client)

    class Harness(App):
        actor = STAFF  # whom the tab reads as (the staff app's signed-in member)

        def compose(self):
            yield CommunicationsTab(client.id, id="comms")

    async def run():
        app = Harness()
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(app, pilot)
            box = app.query_one(ChartOwnerBox)
            assert "Queued" in box.delivery
            OutboxMessage.update(status="sent", sent_at=clock.now()).execute()
            box.refresh_state()
            await settle(app, pilot)
            assert box.delivery.startswith("Sent")
            table = app.query_one("#invite-history")
            assert "Sent" in str(table.get_row_at(0)[-1])

    asyncio.run(run())
