"""How the staff screens word times, relationships and portal states.

Stored times are naive UTC; people read them in the practice's time zone.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.chart_owner import OwnerStatus
from models.charts import RELATIONSHIPS
from models.timefmt import clock_time, practice_zone, to_local

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


def when(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """'Nov 27, 2026 10:00 AM EST' in the practice's zone; '' for None."""
    if value is None:
        return ""
    t = to_local(value, zone or practice_zone())
    return f"{t:%b} {t.day}, {t.year} {clock_time(t)} {t.tzname()}"


def when_short(value: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """'Nov 27 10:00 AM' for table cells."""
    if value is None:
        return ""
    t = to_local(value, zone or practice_zone())
    return f"{t:%b} {t.day} {clock_time(t)}"


def day(value: dt.date | None) -> str:
    return "" if value is None else value.strftime("%m/%d/%Y")


def relationship(value: str) -> str:
    if value == "self":
        return "Client"
    return RELATIONSHIPS.get(value, value.replace("_", " ").capitalize())


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, so a table column never pushes the others off."""
    return text if len(text) <= width else text[: max(1, width - 1)].rstrip() + "…"
