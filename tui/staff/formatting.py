"""How the staff screens word times, relationships and portal states.

Stored times are naive UTC; people read them in the practice's time zone.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.access import OwnerStatus
from models.charts import RELATIONSHIPS
from models.practice import get_practice

# Colours for a state tag inside a DataTable cell (cells cannot take CSS
# classes); the Chart Owner box colours its tag with classes in chart_room.tcss.
STATE_CELL_STYLE = {
    OwnerStatus.NONE: "dim",
    OwnerStatus.INVITED: "bold blue",
    OwnerStatus.EXPIRED: "bold dark_orange",
    OwnerStatus.ACTIVE: "bold green",
}

STATE_CLASS = {
    OwnerStatus.NONE: "state-none",
    OwnerStatus.INVITED: "state-invited",
    OwnerStatus.EXPIRED: "state-expired",
    OwnerStatus.ACTIVE: "state-active",
}


def practice_zone() -> ZoneInfo:
    try:
        return ZoneInfo(get_practice().time_zone)
    except Exception:  # an unknown zone name: show UTC rather than fail
        return ZoneInfo("UTC")


def local(when: dt.datetime, zone: ZoneInfo | None = None) -> dt.datetime:
    return when.replace(tzinfo=dt.timezone.utc).astimezone(zone or practice_zone())


def _clock(t: dt.datetime) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def when(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """'Nov 27, 2026 10:00 AM EST' in the practice's zone; '' for None."""
    if value is None:
        return ""
    t = local(value, zone)
    return f"{t:%b} {t.day}, {t.year} {_clock(t)} {t.tzname()}"


def when_short(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """'Nov 27 10:00 AM' for table cells."""
    if value is None:
        return ""
    t = local(value, zone)
    return f"{t:%b} {t.day} {_clock(t)}"


def day(value: dt.date | None) -> str:
    return "" if value is None else value.strftime("%m/%d/%Y")


def relationship(value: str) -> str:
    if value == "self":
        return "Client"
    return RELATIONSHIPS.get(value, value.replace("_", " ").capitalize())
