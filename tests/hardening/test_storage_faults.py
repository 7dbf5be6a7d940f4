"""A read-only or full database: a clear message, no crash, nothing half-saved."""
from __future__ import annotations

import asyncio
import pytest

from models import chart_owner
from models.db import StorageUnavailable, database
from models.errors import DomainError
from models.integrity import problems
from models.tables import Invitation, OutboxMessage
from tests.domain.helpers import STAFF, make_chart, make_staff


def test_read_only_database_refuses_cleanly(portal):
    """PRAGMA query_only gives SQLite's own "readonly database" error (as a
    read-only mount would, and unlike file permissions it binds root too)."""
    make_staff()
    client = make_chart()
    database.execute_sql("PRAGMA query_only = ON")
    try:
        with pytest.raises(StorageUnavailable) as err:
            chart_owner.activate_access(STAFF, client)
        assert isinstance(err.value, DomainError) and "read-only" in err.value.message
    finally:
        database.execute_sql("PRAGMA query_only = OFF")
    assert chart_owner.owner_state(client).status is chart_owner.OwnerStatus.NONE
    assert problems() == []


def test_full_disk_refuses_cleanly_and_leaves_nothing_half_done(portal):
    """SQLite's max_page_count stands in for a full disk: writes fail with SQLITE_FULL."""
    make_staff()
    clients = [make_chart(first=f"Full{i}", email=f"full{i}@example.com") for i in range(60)]
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.execute_sql(f"PRAGMA max_page_count = {pages}")
    refused = 0
    for client in clients:
        try:
            chart_owner.activate_access(STAFF, client)
        except StorageUnavailable as exc:
            refused += 1
            assert "disk is full" in exc.message
        except DomainError:
            pass  # already activated before the disk filled up
    assert refused
    database.execute_sql("PRAGMA max_page_count = 1073741823")
    assert problems() == []
    assert Invitation.select().count() == OutboxMessage.select().where(OutboxMessage.kind == "invitation").count()


def test_staff_screen_shows_the_message_instead_of_crashing(portal, monkeypatch):
    import contextlib

    from textual.app import App

    from models.threads import own_connection
    from tui.shared import workers
    from tui.staff.widgets.communications import CommunicationsTab

    limit = {}

    @contextlib.contextmanager
    def full_disk_connection():
        """The worker thread's own connection, with the same page limit as the test's."""
        with own_connection():
            if limit:
                database.execute_sql(f"PRAGMA max_page_count = {limit['pages']}")
            yield

    monkeypatch.setattr(workers, "own_connection", full_disk_connection)

    make_staff()
    client = make_chart()
    messages = []

    class Harness(App):
        actor = STAFF

        def compose(self):
            yield CommunicationsTab(client.id, id="comms")

        def notify(self, message, **kw):
            messages.append(message)

    async def run():
        app = Harness()
        async with app.run_test(size=(100, 40)) as pilot:
            tab = app.query_one(CommunicationsTab)
            for i in range(60):  # use up the slack in the last pages first
                chart_owner.activate_access(STAFF, make_chart(first=f"Fill{i}", email=f"fill{i}@example.com"))
            pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
            database.execute_sql(f"PRAGMA max_page_count = {pages}")
            limit["pages"] = pages
            await app.workers.wait_for_complete()
            tab.run_action(STAFF, chart_owner.Action.ACTIVATE, "done", {})  # what ⋮ › Activate runs
            await app.workers.wait_for_complete()
            await pilot.pause()
            database.execute_sql("PRAGMA max_page_count = 1073741823")
            assert app.is_running

    asyncio.run(run())
    assert any("can't save" in m for m in messages), messages
    assert chart_owner.owner_state(client).status is chart_owner.OwnerStatus.NONE
