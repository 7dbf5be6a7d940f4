"""Times for people: naive-UTC datetimes shown in the practice's zone.

English and locale-independent ("Friday, November 27, 2026 at 3:00 PM EST").
The one place that words times: emails, the staff screens and the kiosk.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "America/New_York"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def zone(name: str | ZoneInfo | None) -> ZoneInfo:
    """The named zone; an unknown name shows UTC rather than failing."""
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def practice_zone() -> ZoneInfo:
    from .practice import get_practice

    return zone(get_practice().time_zone)


def to_local(value: dt.datetime | str, time_zone: str | ZoneInfo | None) -> dt.datetime:
    """A naive-UTC datetime (or its ISO string) in `time_zone`."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(zone(time_zone))


def clock_time(local: dt.datetime) -> str:
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def long_datetime(value: dt.datetime | str, time_zone: str | None) -> str:
    """'Friday, November 27, 2026 at 3:00 PM EST' (English, locale-independent)."""
    local = to_local(value, time_zone)
    return (
        f"{_DAYS[local.weekday()]}, {_MONTHS[local.month - 1]} {local.day}, {local.year}"
        f" at {clock_time(local)} {local.tzname()}"
    )


def short_datetime(value: dt.datetime | str, time_zone: str | None) -> str:
    """'Nov 27, 3:02 PM'."""
    local = to_local(value, time_zone)
    return f"{_MONTHS[local.month - 1][:3]} {local.day}, {clock_time(local)}"


def short_time(value: dt.datetime | str, time_zone: str | None, *, today: dt.datetime | None = None) -> str:
    """'3:10 PM' when it falls on `today` (local), else 'Nov 28, 3:10 PM'."""
    local = to_local(value, time_zone)
    if today is not None and to_local(today, time_zone).date() == local.date():
        return clock_time(local)
    return short_datetime(value, time_zone)
