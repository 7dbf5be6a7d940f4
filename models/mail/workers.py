"""Which process delivers this database's outbox, with which server.

Each DeliveryWorker writes a heartbeat after every round; readers call a
delivery live while its heartbeat is younger than FRESH. So `portal mail
status`, run anywhere against the same database, reports the settings in
force where mail is actually sent (the demo's local server, the door's
host), not the settings of the shell it was typed in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import clock
from ..db import database
from ..tables import MailWorker

FRESH = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class ActiveDelivery:
    worker: str
    server: str
    beat_at: dt.datetime

    def seconds_ago(self, now: dt.datetime) -> int:
        return max(0, int((now - self.beat_at).total_seconds()))


def beat(worker: str, server: str) -> None:
    """Record that `worker` finished a round, sending through `server`."""
    now = clock.now()
    with database.atomic():
        updated = MailWorker.update(server=server, beat_at=now).where(MailWorker.worker == worker).execute()
        if not updated:
            MailWorker.insert(worker=worker, server=server, beat_at=now).on_conflict_ignore().execute()
        MailWorker.delete().where(MailWorker.beat_at < now - FRESH * 60).execute()  # long-dead workers


def forget(worker: str) -> None:
    MailWorker.delete().where(MailWorker.worker == worker).execute()


def active_delivery() -> ActiveDelivery | None:
    """The most recently heard delivery process, if it is still live."""
    row = (
        MailWorker.select()
        .where(MailWorker.beat_at >= clock.now() - FRESH)
        .order_by(MailWorker.beat_at.desc())
        .first()
    )
    return ActiveDelivery(row.worker, row.server, row.beat_at) if row else None
