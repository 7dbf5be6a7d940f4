"""Domain calls from worker threads.

Peewee keeps one connection per thread. A UI runs every domain call in a
worker thread (tui/shared/workers.py); `own_connection` opens that thread's
connection for the call and closes it after, so screens never see the
database object. Nested uses share the outer connection. A call made while
the portal is still being opened (an app that opens it after its first
frame: models.setup.opening_elsewhere) waits for it first.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .db import database
from .setup import wait_until_open


@contextmanager
def own_connection() -> Iterator[None]:
    wait_until_open()
    with database.connection_context():
        yield
