"""SVG snapshots of the Chart Owner box in each of its four states.

Plain `def` tests (snap_compare runs its own event loop), fixed size, frozen
clock, no animations or blinking cursors. Update with `--snapshot-update`.
"""
from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from models.auth import client_login
from models.chart_owner import OwnerStatus, owner_state
from tui.staff.widgets.chart_owner import ChartOwnerBox

from .helpers import CLIENT_PASSWORD, STAFF, guardian_of, invite, make_chart, make_staff, registered

STAFF_DIR = Path(__file__).resolve().parents[2] / "tui" / "staff"
SIZE = (80, 10)


async def read_done(pilot) -> None:
    """The box reads its state in a worker: the picture is taken once it is drawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class OwnerBoxPreview(App):
    """Just the box, styled as in the chart room (its own rules are in its DEFAULT_CSS)."""

    CSS_PATH = [STAFF_DIR / "app.tcss", STAFF_DIR / "screens" / "chart_room.tcss"]
    actor = STAFF  # whom the box reads as (the staff app's signed-in member)

    def __init__(self, chart_id: int) -> None:
        super().__init__()
        self.chart_id = chart_id

    def compose(self) -> ComposeResult:
        yield ChartOwnerBox(self.chart_id, id="owner-box")


def test_owner_box_no_portal_access(portal, snap_compare):
    make_staff()
    client = make_chart()
    assert owner_state(client).status is OwnerStatus.NONE
    assert snap_compare(OwnerBoxPreview(client.id), terminal_size=SIZE, run_before=read_done)


def test_owner_box_invited(portal, clock, snap_compare):
    make_staff()
    client = make_chart()
    guardian_of(client)
    invite(client)
    clock.advance(days=2, hours=3)
    assert owner_state(client).status is OwnerStatus.INVITED
    assert snap_compare(OwnerBoxPreview(client.id), terminal_size=SIZE, run_before=read_done)


def test_owner_box_expired(portal, clock, snap_compare):
    make_staff()
    client = make_chart()
    invite(client)
    clock.advance(days=8)
    assert owner_state(client).status is OwnerStatus.EXPIRED
    assert snap_compare(OwnerBoxPreview(client.id), terminal_size=SIZE, run_before=read_done)


def test_owner_box_active(portal, clock, snap_compare):
    make_staff()
    client = registered(make_chart())
    clock.advance(days=2, hours=6, minutes=30)   # signed in later: the box says when, in the practice's zone
    assert client_login(client.email, CLIENT_PASSWORD, source="kiosk").ok
    assert owner_state(client).status is OwnerStatus.ACTIVE
    assert snap_compare(OwnerBoxPreview(client.id), terminal_size=SIZE, run_before=read_done)
