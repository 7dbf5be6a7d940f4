"""An SVG snapshot of the dashboard at 80x24 (update with --snapshot-update)."""
from __future__ import annotations

from textual.widgets import Input

from models.practice import update_practice
from models.records import open_document, ClientViewer
from models.tables import PortalAccount

from .helpers import charge, kiosk, log_in, registered_chart, share


def test_dashboard_snapshot(portal, snap_compare, monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)
    update_practice(name="Maple Street Counseling", phone="(555) 010-2000")
    client, email = registered_chart()
    first = share(client, "Welcome letter", "Dear Jamie,\nWelcome to the practice.")
    share(client, "Treatment plan", "Goals for the next eight weeks.")
    charge(client, "150.00", "Intake session")
    account = PortalAccount.get(PortalAccount.email == email)
    open_document(ClientViewer(account.id, client.id), first.id)

    async def sign_in(pilot):
        await log_in(pilot, email)

    assert snap_compare(kiosk(portal), terminal_size=(80, 24), run_before=sign_in)
