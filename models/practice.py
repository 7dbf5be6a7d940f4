"""The practice this installation serves (one row), and the view of it the
kiosk shows on every screen (its first frame included, so this module stays
light: the kiosk imports it before anything else of the domain, and it
imports the tables only when a row is written)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .text import single_line
from .timefmt import zone

if TYPE_CHECKING:
    from .config import Settings
    from .tables import Practice

_READ_VIEW = "SELECT name, phone, time_zone FROM practice ORDER BY id LIMIT 1"


def get_practice() -> Practice:
    from .tables import Practice

    practice = Practice.select().order_by(Practice.id).first()
    if practice is None:
        practice = Practice.create(name="Our Practice")
    return practice


def update_practice(**fields) -> Practice:
    practice = get_practice()
    for name, value in fields.items():
        setattr(practice, name, single_line(value) if isinstance(value, str) else value)  # shown on every screen
    practice.save()
    return practice


@dataclass(frozen=True)
class PracticeView:
    """What every kiosk screen shows of the practice (the banner, the help line, the zone)."""

    name: str
    phone: str
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.time_zone)


def practice_view() -> PracticeView:
    """Read with one query through the database layer rather than the
    Practice table class: the kiosk reads it before its first frame, and
    models.tables (every table's class) is 0.033 G instructions there, 4 %
    of a minimal Textual app's start (BENCHMARKS.md, "Start-up: the last
    0.08 x"). A practice without its row gets one, as get_practice does."""
    from .db import database

    row = database.execute_sql(_READ_VIEW).fetchone()
    if row is None:
        practice = get_practice()
        row = (practice.name, practice.phone, practice.time_zone)
    return _view(row)


def _view(row: tuple) -> PracticeView:
    name, phone, time_zone = row
    return PracticeView(name, phone or "", zone(time_zone).key)


def practice_view_before_open(settings: Settings) -> PracticeView | None:
    """practice_view() for a portal not opened yet, read straight from its
    SQLite file with the standard library; None when that cannot be done
    (PostgreSQL, no file yet, no practice table or row): then open the portal
    and call practice_view(), which makes what is missing.

    For the kiosk, whose first frame shows the practice's name and which
    opens the portal just after that frame: the database layer's import
    (peewee) and the open are 0.047 G instructions, 5 % of a minimal Textual
    app's start (BENCHMARKS.md, "Start-up: the last 0.08 x"). The file is
    only read; a file that is missing is not made (open_portal makes it,
    private). The connection stays open for the app's life (setup.keep_open)."""
    from .setup import keep_open, sqlite_file

    path = sqlite_file(settings.db_url)
    if not path or not os.path.isfile(path):
        return None
    import sqlite3

    try:
        connection = sqlite3.connect(path, timeout=10, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute(_READ_VIEW).fetchall()  # all: no read left open
    except sqlite3.Error:
        row = None
    row = row[0] if row else None
    if row is None:
        connection.close()
        return None
    keep_open(connection)
    return _view(row)
