"""The audit trail as CSV for an auditor (`portal audit export`).

Days are the practice's days (its time zone), both ends included; times in
the file are UTC, as stored. Rows stream in id order in batches, so a
million-event trail exports in constant memory. A cell a spreadsheet would
take for a formula (=, +, -, @, a tab or CR first) gets a leading apostrophe:
names and details come from people, and an auditor opens the file in Excel.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import TextIO
from zoneinfo import ZoneInfo

from .audit import Actor, record
from .practice import get_practice
from .tables import AuditEvent, Client, StaffUser
from .text import InvalidInput

COLUMNS = ("id", "at_utc", "actor", "actor_name", "chart", "chart_number", "action", "source", "outcome", "detail", "hash")
BATCH = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportReport:
    rows: int
    since: dt.date
    until: dt.date


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def utc_bounds(since: dt.date | None, until: dt.date | None, zone: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start of `since`, start of the day after `until`) in the practice's zone, as naive UTC
    (None for an end not given)."""
    if since is not None and until is not None and until < since:
        raise InvalidInput("until", "The end date is before the start date.")
    tz = ZoneInfo(zone)

    def utc(day: dt.date | None) -> dt.datetime | None:
        if day is None:
            return None
        return dt.datetime.combine(day, dt.time(), tz).astimezone(dt.timezone.utc).replace(tzinfo=None)

    return utc(since), utc(until + dt.timedelta(days=1) if until is not None else None)


def export_csv(by: Actor, since: dt.date, until: dt.date, out: TextIO) -> ExportReport:
    start, end = utc_bounds(since, until, get_practice().time_zone)
    staff_names = {f"staff:{s.username}": s.full_name for s in StaffUser.select(StaffUser.username, StaffUser.full_name)}
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows, last_id = 0, 0
    while True:
        batch = list(
            AuditEvent.select()
            .where((AuditEvent.at >= start) & (AuditEvent.at < end) & (AuditEvent.id > last_id))
            .order_by(AuditEvent.id)
            .limit(BATCH)
        )
        if not batch:
            break
        charts = {c.id: c.chart_number for c in Client.select(Client.id, Client.chart_number).where(
            Client.id.in_({e.chart for e in batch if e.chart is not None}))}
        for e in batch:
            writer.writerow([_cell(v) for v in (
                e.id, e.at.isoformat(timespec="seconds"), e.actor, staff_names.get(e.actor, ""), e.chart,
                charts.get(e.chart, ""), e.action, e.source, e.outcome, e.detail, e.hash,
            )])
        rows += len(batch)
        last_id = batch[-1].id
    record(by, "audit.export", detail=f"{since.isoformat()}..{until.isoformat()}: {rows} events")
    return ExportReport(rows, since, until)
