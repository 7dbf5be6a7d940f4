"""The Chart Owner box when the invitation email will never be sent.

Before: two days of failed tries (or a 5xx refusal) and the box still said
"Invited · expires in 5 days", with the failure in one muted line and
nothing to act on. Now it says the email failed, why (the server's reply,
plain text, shortened) and what to do, whole at 80x24; Resend stays on the
⋮ menu.
"""
from __future__ import annotations

from textual.geometry import Region
from textual.widgets import Footer, Static

from models.mail.deliver import deliver_due
from models.mail.local_server import LocalMailServer, local_smtp_settings
from models.tables import OutboxMessage
from tests.mail.conftest import free_port
from tui.staff.app import StaffApp
from tui.staff.screens.chart_room import ChartRoomScreen
from tui.staff.screens.modals import OwnerActionsMenu
from tui.staff.widgets.chart_owner import ChartOwnerBox

from .conftest import drive, settle
from .helpers import invite, make_chart, signed_in

SMALL = (80, 24)


def _shown(widget: Static) -> str:
    """The text the widget draws, its wrapped lines joined (what a person reads)."""
    width, height = widget.size
    lines = [strip.text.strip() for strip in widget.render_lines(Region(0, 0, width, height))]
    return " ".join(line for line in lines if line)


async def _box_on_screen(app, pilot) -> ChartOwnerBox:
    await settle(app, pilot)
    assert isinstance(app.screen, ChartRoomScreen)
    await pilot.press("f3")  # Communications: the box is at its top
    await settle(app, pilot)
    box = app.screen.query_one("#owner-box", ChartOwnerBox)
    # The whole box is on screen, above the footer: nothing of it is cut off.
    footer = app.screen.query_one(Footer)
    visible = Region(0, 0, SMALL[0], footer.region.y)
    assert visible.contains_region(box.region), (box.region, visible)
    for line in box.query(Static):
        if line.display:
            assert box.content_region.contains_region(line.region), line.id
    return box


async def _resend_offered(app, pilot) -> None:
    await pilot.press("ctrl+o")
    await settle(app, pilot)
    assert isinstance(app.screen, OwnerActionsMenu)
    menu = app.screen.query_one("#owner-actions")
    assert "resend" in [menu.get_option_at_index(i).id for i in range(menu.option_count)]


def test_given_up_invitation_email_is_shown_with_what_to_do(portal, clock):
    login = signed_in()
    client = make_chart()
    invite(client)
    settings = local_smtp_settings(portal, free_port())  # no server: every try is refused
    deliver_due(settings)
    clock.advance(days=2, seconds=1)
    assert deliver_due(settings).failed == 1

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            box = await _box_on_screen(app, pilot)
            tag = _shown(box.query_one("#owner-tag", Static))
            assert tag == "Invited · email failed"
            assert "expires in" not in tag
            assert box.query_one("#owner-tag").has_class("state-expired")  # the warning colour
            failure = box.query_one("#owner-delivery", Static)
            assert failure.has_class("problem")
            assert _shown(failure) == (
                "Invitation email failed: no server accepted it in 2 days (last error: connection refused)"
            )
            assert _shown(box.query_one("#owner-advice", Static)) == (
                "Check the email address and the mail settings, then use ⋮ › Resend Invite."
            )
            await _resend_offered(app, pilot)

    drive(scenario)


class RefuseAll:
    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply


def test_refused_invitation_email_shows_the_reply_as_plain_text_shortened(portal, clock):
    login = signed_in()
    client = make_chart()
    invite(client)
    reply = "550 5.1.1 [bold red]no such user[/] \x1b[2J" + " and more words" * 20
    with LocalMailServer(portal.maildir, handler=RefuseAll(reply)) as server:
        assert deliver_due(local_smtp_settings(portal, server.port)).failed == 1
    assert OutboxMessage.get().status == "failed"

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            box = await _box_on_screen(app, pilot)
            assert _shown(box.query_one("#owner-tag", Static)) == "Invited · email failed"
            shown = _shown(box.query_one("#owner-delivery", Static))
            # The markup is shown as typed, the escape byte never reaches the screen.
            assert shown.startswith("Invitation email failed: the mail server refused it (550 5.1.1 [bold red]no such user[/]")
            assert "\x1b" not in shown
            assert shown.endswith("…)")  # shortened, and the sentence still closes
            assert len(shown) < 3 * 68  # at most three lines of the box at 80 columns
            assert _shown(box.query_one("#owner-advice", Static)) == "Check the email address, then use ⋮ › Resend Invite."
            await _resend_offered(app, pilot)

    drive(scenario)


def test_mail_on_its_way_keeps_the_invited_words(portal, clock):
    """Retrying is not failure: the tag keeps its days, the line says when the next try is."""
    login = signed_in()
    client = make_chart()
    invite(client)
    deliver_due(local_smtp_settings(portal, free_port()))
    assert OutboxMessage.get().status == "retrying"

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id)
        async with app.run_test(size=SMALL) as pilot:
            box = await _box_on_screen(app, pilot)
            assert _shown(box.query_one("#owner-tag", Static)) == "Invited · expires in 7 days"
            delivery = box.query_one("#owner-delivery", Static)
            assert not delivery.has_class("problem")
            assert _shown(delivery) == "Invitation email: Retrying at 10:00 AM — connection refused"
            assert not box.query_one("#owner-advice", Static).display

    drive(scenario)
