"""The practice this installation serves (one row), and the view of it the
kiosk shows on every screen (its first frame included, so this module stays
light: the kiosk imports it before anything else of the domain)."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .tables import Practice
from .text import single_line
from .timefmt import zone


def get_practice() -> Practice:
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
    practice = get_practice()
    return PracticeView(practice.name, practice.phone or "", zone(practice.time_zone).key)
