"""The mailbox viewer lists and opens delivered mail (Textual Pilot)."""
from __future__ import annotations

import asyncio
import threading

from rich.text import Text
from textual.widgets import DataTable, Static

from models.mail.deliver import deliver_all
from tui.mailbox.app import MailboxApp, MailList, MessageScreen

from .conftest import CODE, enqueue_invitation


def _static_text(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def settle(pilot) -> None:
    """The Maildir is read in workers: let them finish and their answer show."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_viewer_lists_newest_first_and_opens_a_message(practice, portal, mail_server, mail_settings, clock):
    asyncio.run(_lists_and_opens(portal, mail_settings))


async def _lists_and_opens(portal, mail_settings):
    enqueue_invitation(to_addr="first@example.com", to_name="First [bold]Person[/bold]")
    deliver_all(mail_settings)

    app = MailboxApp(portal.maildir, time_zone="America/New_York")
    async with app.run_test(size=(220, 30)) as pilot:  # wide: every cell whole
        await settle(pilot)
        table = app.screen.query_one(MailList)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert row[1].plain == '"First [bold]Person[/bold]" <first@example.com>'  # shown as typed
        assert row[2].plain == "Nov 20, 10:00 AM"
        assert row[3].plain == "Your invitation to the Riverside Counseling client portal"

        # New mail appears without a key press (the Maildir is polled).
        enqueue_invitation(to_addr="second@example.com", to_name="Second Person")
        deliver_all(mail_settings)
        for _ in range(40):
            await pilot.pause(0.05)
            if table.row_count == 2:
                break
        assert table.row_count == 2
        assert "second@example.com" in table.get_row_at(0)[1].plain  # newest first

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MessageScreen)
        body = _static_text(app.screen.query_one("#body", Static))
        assert CODE in body
        assert f"ssh -p 2222 register+{CODE}@portal.riverside.example" in body
        headers = _static_text(app.screen.query_one("#headers", Static))
        assert "Subject: Your invitation to the Riverside Counseling client portal" in headers

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MessageScreen)
        assert app.screen.query_one(DataTable).row_count == 2


def test_the_subject_and_date_show_at_80x24(practice, portal, mail_server, mail_settings, clock):
    """The subject read "A new inv" at 80 columns: From and To give way first (issue 16, defect 8)."""

    async def scenario():
        enqueue_invitation(to_addr="jordan.avery@example.com", to_name="Jordan Avery")
        deliver_all(mail_settings)
        app = MailboxApp(portal.maildir, time_zone="America/New_York")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            table = app.screen.query_one(MailList)
            row = [cell.plain for cell in table.get_row_at(0)]
            assert row[2] == "Nov 20, 10:00 AM"
            assert row[3].startswith("Your invitation to the River")
            used = sum(column.get_render_width(table) for column in table.columns.values())
            assert used <= 80  # all of it in view, nothing off to the right

    asyncio.run(scenario())


def test_viewer_with_an_empty_maildir(portal):
    from models.mail.local_server import ensure_maildir

    ensure_maildir(portal.maildir)
    asyncio.run(_empty(portal))


async def _empty(portal):
    app = MailboxApp(portal.maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(MailList).row_count == 0
        assert "No mail yet" in _static_text(app.screen.query_one("#empty", Static))
        assert app.screen.query_one("#empty").display
        await pilot.press("enter")  # nothing to open: stays on the list
        await pilot.pause()
        assert not isinstance(app.screen, MessageScreen)


def test_the_maildir_is_read_off_the_event_loop(practice, portal, mail_server, mail_settings, clock, monkeypatch):
    """The list's scans, the poll's stats and a message's text are disk reads:
    they run in worker threads, never on the thread that runs the event loop."""
    from tui.mailbox import app as mailbox

    threads: list[tuple[str, bool]] = []
    loop_thread = threading.main_thread()

    def watched(name, fn):
        def call(*args, **kwargs):
            threads.append((name, threading.current_thread() is loop_thread))
            return fn(*args, **kwargs)

        return call

    monkeypatch.setattr(mailbox.Maildir, "scan", watched("scan", mailbox.Maildir.scan))
    monkeypatch.setattr(mailbox.Maildir, "changed", watched("changed", mailbox.Maildir.changed))
    monkeypatch.setattr(mailbox, "read_text", watched("read_text", mailbox.read_text))
    enqueue_invitation(to_addr="first@example.com", to_name="First Person")
    deliver_all(mail_settings)

    async def drive() -> None:
        app = MailboxApp(portal.maildir)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.poll()
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, MessageScreen)
            assert CODE in _static_text(app.screen.query_one("#body", Static))

    asyncio.run(drive())
    assert {name for name, _ in threads} == {"scan", "changed", "read_text"}
    assert [name for name, on_loop in threads if on_loop] == []
