"""The practice this installation serves (one row), and the view of it the
kiosk shows on every screen (its first frame included, so this module stays
light: the kiosk imports it before anything else of the domain, and it
imports the tables only when a row is written)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .text import single_line
from .timefmt import zone

if TYPE_CHECKING:
    from .tables import Practice


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
    models.tables (every table's class) is 0.03 G instructions there, 4 %
    of a minimal Textual app's start (BENCHMARKS.md, "Start-up: the last
    0.08 x"). A practice without its row gets one, as get_practice does."""
    from .db import database

    row = database.execute_sql("SELECT name, phone, time_zone FROM practice ORDER BY id LIMIT 1").fetchone()
    if row is None:
        practice = get_practice()
        row = (practice.name, practice.phone, practice.time_zone)
    name, phone, time_zone = row
    return PracticeView(name, phone or "", zone(time_zone).key)
