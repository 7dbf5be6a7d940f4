"""SVG snapshot of the Chart Owner box when the invitation email was given up on."""
from __future__ import annotations

from models.mail.deliver import deliver_due
from models.mail.local_server import local_smtp_settings
from tests.mail.conftest import free_port

from .helpers import invite, make_chart, make_staff
from .test_snapshots import OwnerBoxPreview, read_done


def test_owner_box_invitation_email_failed(portal, clock, snap_compare):
    make_staff()
    client = make_chart()
    invite(client)
    settings = local_smtp_settings(portal, free_port())
    deliver_due(settings)
    clock.advance(days=2, seconds=1)
    assert deliver_due(settings).failed == 1
    assert snap_compare(OwnerBoxPreview(client.id), terminal_size=(80, 12), run_before=read_done)
