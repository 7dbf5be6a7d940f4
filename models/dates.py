"""Dates (of birth, and others) as people type them: MM/DD/YYYY or YYYY-MM-DD, nothing guessed.

MM/DD/YYYY may also come as 04132001, 04-13-2001 or 04.13.2001: the same
order of the same parts, so nothing is guessed there either.
"""
from __future__ import annotations

import datetime as dt
import re

from . import clock
from .text import InvalidInput

FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
MAX_AGE_YEARS = 130


def _with_slashes(value: str) -> str:
    """04132001, 04-13-2001 and 04.13.2001 as 04/13/2001; anything else as typed."""
    if len(value) == 8 and value.isascii() and value.isdigit():
        return f"{value[:2]}/{value[2:4]}/{value[4:]}"
    parts = re.split(r"[-.]", value)
    if len(parts) == 3 and len(parts[0]) <= 2 and len(parts[2]) == 4:
        return "/".join(parts)
    return value


def parse_dob(typed: str, field: str = "date_of_birth") -> dt.date:
    if not (typed or "").strip():
        raise InvalidInput(field, "Date of birth is required (MM/DD/YYYY).")
    parsed = parse_day(typed, field, "date of birth")
    today = clock.today()
    if parsed > today:
        raise InvalidInput(field, "Date of birth cannot be in the future.")
    if parsed.year < today.year - MAX_AGE_YEARS:
        raise InvalidInput(field, f"Date of birth is more than {MAX_AGE_YEARS} years ago; please check the year.")
    return parsed


def parse_day(typed: str, field: str, name: str = "date") -> dt.date | None:
    """Any day typed as above (None when nothing is typed); a refusal names
    the part that does not exist, and calls the date `name`."""
    value = _with_slashes((typed or "").strip())
    if not value:
        return None
    for fmt in FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        year_part = value.split("/")[-1] if "/" in value else value.split("-")[0]
        if len(year_part) != 4:
            break
        return parsed
    raise InvalidInput(field, _what_is_wrong(value, name))


_SHAPES = (
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("month", "day", "year")),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("year", "month", "day")),
)


def _what_is_wrong(value: str, name: str) -> str:
    """The refusal for a date that did not parse: when it has the right shape
    (13/45/2001), say which part does not exist rather than repeat the format."""
    for pattern, names in _SHAPES:
        match = pattern.fullmatch(value)
        if not match:
            continue
        parts = dict(zip(names, map(int, match.groups())))
        shape = "MM/DD/YYYY" if names[0] == "month" else "YYYY-MM-DD"
        if not 1 <= parts["month"] <= 12:
            first = ": the month comes first" if names[0] == "month" else ""
            return f"There is no month {parts['month']}{first} ({shape}, months 01 to 12)."
        try:
            dt.date(parts["year"], parts["month"], 1)
        except ValueError:
            break
        month_name = dt.date(2000, parts["month"], 1).strftime("%B")
        if parts["month"] == 2 and parts["day"] == 29:
            return f"February {parts['year']} has no day 29: {parts['year']} is not a leap year."
        return f"{month_name} has no day {parts['day']}. Check the day ({shape})."
    return f"Enter the {name} as MM/DD/YYYY, for example 04/13/2001."


def readable(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def short(day: dt.date) -> str:
    return day.strftime("%m/%d/%Y")
