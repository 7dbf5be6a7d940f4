"""What the client kiosk shows, shaped for its screens.

Times are stored as naive UTC; the kiosk shows them in the practice's time
zone and reads the times clients type in that zone too. Nothing here writes.
The kiosk's first frame needs only the practice (models.practice.PracticeView),
so the kiosk imports this module with its later screens; the heavier domain
modules are imported where they are used.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from . import clock
from .dates import readable
from .tables import PortalAccount
from .text import InvalidInput
from .timefmt import clock_time, practice_zone, to_local

UTC = dt.timezone.utc
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?\s*m?\.?$", re.IGNORECASE)


def format_when(when: dt.datetime | None, zone: ZoneInfo | None = None) -> str:
    """'Fri Nov 20, 2026, 10:00 AM EST' in the practice's zone."""
    if when is None:
        return ""
    local = to_local(when, zone or practice_zone())
    return f"{local:%a %b} {local.day}, {local.year}, {clock_time(local)} {local.tzname()}"


def format_day(when: dt.datetime | dt.date | None, zone: ZoneInfo | None = None) -> str:
    """'Nov 20, 2026' (a datetime is converted to the practice's zone first)."""
    if when is None:
        return ""
    if isinstance(when, dt.datetime):
        when = to_local(when, zone or practice_zone()).date()
    return f"{when:%b} {when.day}, {when.year}"


def parse_local_date(typed: str, field: str = "preferred_date") -> dt.date:
    value = (typed or "").strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        year = value.split("/")[-1] if "/" in value else value.split("-")[0]
        if len(year) == 4:
            return parsed
    raise InvalidInput(field, "Enter the date as MM/DD/YYYY, for example 12/03/2026.")


def parse_local_time(typed: str, field: str = "preferred_time") -> dt.time:
    """'2:30 PM', '2pm', '14:30' -> a time of day."""
    match = _TIME.match((typed or "").strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        half = (match.group(3) or "").lower()
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half == "p" else 0)
        elif half:
            hour = 99
        if match.group(2) is None and not half:
            hour = 99  # a bare number is ambiguous: ask for 2:00 PM or 14:00
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise InvalidInput(field, "Enter the time like 2:30 PM (or 14:30).")


def parse_preferred(date_text: str, time_text: str, zone: ZoneInfo | None = None) -> dt.datetime:
    """A date and time typed in the practice's zone -> naive UTC."""
    day = parse_local_date(date_text)
    at = parse_local_time(time_text)
    local = dt.datetime.combine(day, at, tzinfo=zone or practice_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def dob_preview(typed: str) -> str:
    """'April 13, 2001' for a complete, valid date of birth, else ''."""
    from .dates import parse_dob

    try:
        return readable(parse_dob(typed))
    except InvalidInput:
        return ""


# --- what a client sees of a chart (built by models.records' client functions) ----


@dataclass(frozen=True)
class DocumentLine:
    """A row of the documents list: no body."""

    document_id: int
    title: str
    shared: str        # 'Nov 20, 2026'
    opened: bool


@dataclass(frozen=True)
class DocumentText:
    """One document as the client reads it."""

    document_id: int
    title: str
    body: str
    shared: str        # 'Fri Nov 20, 2026, 10:00 AM EST'
    opened_at: dt.datetime


@dataclass(frozen=True)
class RequestLine:
    """One appointment request, worded for the list and its detail line."""

    request_id: int
    when: str          # the preferred time in the practice's zone
    mode: str          # 'In person', 'Phone', 'Video'
    status: str        # 'pending', 'approved', ...
    status_label: str  # 'Pending', ...
    reason: str
    practice_message: str


@dataclass(frozen=True)
class LedgerLine:
    entry_id: int
    posted: str        # 'Nov 20, 2026'
    description: str
    kind: str          # 'charge' or 'payment'
    amount_cents: int


@dataclass(frozen=True)
class Statement:
    balance_cents: int
    entries: tuple[LedgerLine, ...]


# --- the signed-in account ------------------------------------------------------


@dataclass(frozen=True)
class ChartChoice:
    chart_id: int
    name: str          # first and last name, as stored (show as plain text)
    born: str          # readable date of birth


def chart_choices(account_id: int) -> list[ChartChoice]:
    from .chart_owner import charts_of_account  # not needed for the kiosk's first frame

    return [
        ChartChoice(c.id, f"{c.first_name} {c.last_name}", readable(c.date_of_birth))
        for c in charts_of_account(account_id)
    ]


@dataclass(frozen=True)
class AccountSummary:
    email: str
    display_name: str
    password_changed: str


def account_summary(account_id: int) -> AccountSummary:
    account = PortalAccount.get_by_id(account_id)
    return AccountSummary(account.email, account.display_name, format_day(account.password_changed_at))


ACTIVITY = {
    "login": "Signed in",
    "logout": "Signed out",
    "lockout": "Account locked after failed sign-ins",
    "register": "Registered for the portal",
    "password.change": "Changed password",
    "password.reset_request": "Asked for a password reset",
    "password.reset": "Reset password",
    "document.view": "Opened a document",
    "appointment.request": "Requested an appointment",
    "appointment.cancel": "Cancelled an appointment request",
    "balance.view": "Looked at the balance",
    "form.start": "Started a form",
    "form.resume": "Went back to a form",
    "form.submit": "Sent a completed form",
    "form.sign": "Signed a form",
    "form.correct": "Started a correction of a form",
    "form.response.view": "Read a completed form",
}
OUTCOMES = {"ok": "", "failed": "failed", "locked": "refused (locked)", "no_access": "refused"}
QUIET = {"document.list", "appointment.list", "form.list"}


@dataclass(frozen=True)
class ActivityLine:
    when: str
    what: str
    where: str


def recent_activity(account_id: int, limit: int = 20) -> list[ActivityLine]:
    """The account's own recent actions, newest first, in words."""
    from .audit import recent_for_actor  # not needed for the kiosk's first frame

    zone = practice_zone()
    lines = []
    for event in recent_for_actor(f"client:{account_id}", limit=limit * 3):
        if event.action in QUIET:
            continue
        what = ACTIVITY.get(event.action, event.action)
        outcome = OUTCOMES.get(event.outcome, event.outcome)
        if outcome:
            what = f"{what} ({outcome})"
        lines.append(ActivityLine(format_when(event.at, zone), what, event.source or ""))
        if len(lines) >= limit:
            break
    return lines


def now_local() -> dt.datetime:
    return to_local(clock.now(), practice_zone())
