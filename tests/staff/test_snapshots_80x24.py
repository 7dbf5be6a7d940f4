"""SVG snapshots at 80x24 of the client list, the chart room's Communications tab and the audit trail:
nothing cut off (issue 16). Update with `--snapshot-update`, and look at the SVG."""
from __future__ import annotations

from textual.widgets import Input

from tui.staff.app import StaffApp

from .conftest import settle
from .helpers import guardian_of, invite, make_chart, registered, signed_in

SIZE = (80, 24)


def _charts():
    make_chart(first="Maximiliana-Genoveva 🦄 de la Trinidad", last="Oyelaran-Whitcombe", email="max@example.com")
    invite(make_chart(first="Jordan", last="Avery", dob="03/14/1991", email="jordan.avery@example.com"))
    registered(make_chart(first="Riley", last="Brooks", dob="11/23/1987", email="riley.brooks@example.com"))
    return make_chart(first="Mia", last="Chen", dob="06/02/2014", email="")


def test_client_list_at_80x24(portal, clock, snap_compare, monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)
    login = signed_in()
    _charts()

    async def ready(pilot):
        await settle(pilot.app, pilot)

    assert snap_compare(StaffApp(session=login), terminal_size=SIZE, run_before=ready)


def test_communications_tab_at_80x24(portal, clock, snap_compare, monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)
    login = signed_in()
    _charts()
    client = make_chart(first="Ava", last="Rivera", email="ava.rivera@example.com")
    guardian_of(client, email="pat.guardian@example.com")
    invite(client)
    clock.advance(days=1)

    async def ready(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("f3")
        await settle(pilot.app, pilot)

    assert snap_compare(StaffApp(session=login, open_chart=client.id), terminal_size=SIZE, run_before=ready)


def test_audit_trail_at_80x24(portal, clock, snap_compare, monkeypatch):
    from .test_audit_trail_screen import _practice

    monkeypatch.setattr(Input, "cursor_blink", False)
    login = signed_in("admin")
    _practice()
    clock.advance(minutes=5)

    async def ready(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("f7")
        await settle(pilot.app, pilot)
        await pilot.press("down", "down")   # the line under the table: the highlighted event whole
        await settle(pilot.app, pilot)

    assert snap_compare(StaffApp(session=login), terminal_size=SIZE, run_before=ready)
