"""The audit trail as people read it: the staff Audit trail screen (issue 18).

A page at a time, newest first, filtered by chart, staff user, kind of
action and the practice's days. Each line is a sentence from the phrasebook
the chart's Activity tab uses (models/staff_views.py), repeats in a row
folded. An admin reads every event, a clinician only their own charts'
(models/roles.py, "audit"); anyone else is refused, and the refusal audited.

Fast at a million events (migration 0011):
- Pages are keyset pages: the next page is the events older than the last
  line's id, so page 1,000 costs what page 1 does (OFFSET would read every
  row before it).
- Every index read here ends in the id, so an equality on its first column
  gives that chart's, person's or action's events newest first, and the
  read stops after a page.
- A filter that is a list (a kind of action is several actions; a chart
  name can match several charts; a clinician's charts) reads one such run
  per value, each limited to a page, and merges them by id ("arms" below).
  An IN would make the database collect and sort every match first.
- Days become an id range: events are appended in time order (one at a
  time, under audit.record's lock), so the first event at or after the
  start and the last one before the end bound the ids. The time itself is
  checked too, so a clock set back never brings in an event outside the
  days; it could leave out one stamped out of order right at their edge
  (the CSV export, which reads by time alone, has it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Select, fn

from .audit import Actor, record
from .audit_export import utc_bounds
from .charts import search_charts
from .dates import parse_day
from .practice import get_practice
from .roles import RULES, require_charts
from .staff_views import actor_names, event_words, failed_event, fold_repeats, sentence, times
from .tables import AuditEvent, Client, StaffUser
from .text import InvalidInput

PAGE_LINES = 25      # lines on a page
READ_AHEAD = 2       # events read per line wanted, so folded repeats still fill a page
MAX_CHARTS = 50      # charts one chart search may match
MAX_ARMS = 100       # runs merged in one query (SQLite allows 500 parts in one)


@dataclass(frozen=True)
class ActionKind:
    """A kind of action people filter by: its actions, perhaps only their failures."""

    key: str
    label: str
    actions: tuple[str, ...]
    failures_only: bool = False
    on_charts: bool = True     # False: its events name no chart, so a clinician has none to see


# Refusals recorded under an action of their own (roles.require(action=...)).
_REFUSED_AS = ("staff.list", "staff.add", "staff.role", "staff.deactivate", "staff.reactivate", "staff.reset",
               "staff.unlock", "staff.email", "two_factor.reset", "audit.view")

ACTION_KINDS = (
    ActionKind("sign_in", "Sign-ins and sign-outs",
               ("login", "login.password", "login.code", "logout", "lockout", "unlock", "two_factor.enroll")),
    ActionKind("failed_sign_in", "Failed sign-ins and lockouts",
               ("login", "login.code", "lockout", "password.change", "password.reset"), failures_only=True, on_charts=False),
    ActionKind("portal_access", "Portal access and invitations",
               ("invite.send", "invite.resend", "access.activate", "access.grant", "access.revoke",
                "access.change_owner", "session.end", "register", "register.code")),
    ActionKind("passwords", "Portal passwords", ("password.change", "password.reset_request", "password.reset"), on_charts=False),
    ActionKind("charts", "Charts and contacts",
               ("chart.create", "chart.update", "chart.clinician", "chart.proposal.accepted",
                "chart.proposal.rejected", "contact.add", "contact.update")),
    ActionKind("documents", "Documents", ("document.share", "document.unshare", "document.list", "document.view")),
    ActionKind("appointments", "Appointments",
               ("appointment.request", "appointment.list", "appointment.cancel", "appointment.approved",
                "appointment.declined")),
    ActionKind("billing", "Billing", ("ledger.charge", "ledger.payment", "balance.view")),
    ActionKind("forms", "Forms and results",
               ("form.assign", "form.cancel", "form.recur.start", "form.recur.stop", "form.list", "form.start",
                "form.resume", "form.submit", "form.sign", "form.correct", "form.response.view", "form.draft.view",
                "form.response.export", "form.alert", "form.alert.ack", "form.publish", "form.retire",
                "form.pdf.import", "form.pdf.fill_failed")),
    ActionKind("staff_accounts", "Staff accounts",
               ("staff.add", "staff.role", "staff.deactivate", "staff.reactivate", "staff.reset", "staff.unlock",
                "staff.list", "staff.email", "two_factor.reset"), on_charts=False),
    ActionKind("refused", "Refused by role",
               tuple(f"refused.{permission}" for permission in RULES) + _REFUSED_AS, failures_only=True),
    ActionKind("audit", "The audit trail", ("audit.view", "audit.export", "audit.anchor"), on_charts=False),
)
KINDS = {kind.key: kind for kind in ACTION_KINDS}


@dataclass(frozen=True)
class TrailFilter:
    """What the trail is narrowed to; empty fields narrow nothing."""

    chart: str = ""                  # a chart search, as on the client list: name, chart number, DOB
    staff_id: int | None = None      # what one staff user did
    kind: str = ""                   # a key of KINDS
    since: dt.date | None = None     # the practice's days, both included
    until: dt.date | None = None

    @classmethod
    def typed(cls, *, chart: str = "", staff_id: int | None = None, kind: str = "", since: str = "", until: str = "") -> "TrailFilter":
        """The filter as typed on the screen; a date that cannot be read is refused in words."""
        if kind and kind not in KINDS:
            raise InvalidInput("kind", "Choose a kind of action from the list.")
        first = parse_day(since, "since", "first day")
        last = parse_day(until, "until", "last day")
        if first and last and last < first:
            raise InvalidInput("until", "The last day is before the first day.")
        return cls(chart.strip(), staff_id, kind, first, last)


@dataclass(frozen=True)
class TrailRow:
    """One line: an event in words, or a run of the same event folded into one."""

    id: int                   # the newest event of the line
    at: dt.datetime           # when the newest happened (naive UTC)
    who: str
    sentence: str             # "Dana Whitfield resent the portal invitation to Jordan Avery (2 times)"
    chart_name: str           # "" for an event of no chart (a staff sign-in)
    chart_number: str
    source: str               # kiosk, workstation, ssh:<address>...
    failed: bool              # a refusal or failure: marked on screen
    count: int
    first_at: dt.datetime     # when the oldest of the folded events happened
    detail: str               # the newest event's detail (an invitation's id, a role change...)


@dataclass(frozen=True)
class TrailPage:
    rows: tuple[TrailRow, ...]
    older: int | None         # `before` for the next, older page; None when this is the oldest


@dataclass(frozen=True)
class TrailChoices:
    """What the screen's filters offer to this person."""

    staff: tuple[tuple[int, str], ...]    # (id, name), deactivated users too: their actions stay
    kinds: tuple[tuple[str, str], ...]    # (key, label)
    own_charts_only: bool                 # a clinician: only their charts' events


def open_trail(by: Actor) -> TrailChoices:
    """Open the trail (refused, and audited, for anyone who may not read it);
    the opening is audited too: who looked at the trail is part of it."""
    own_only = require_charts(by, "audit", action="audit.view") is not None
    record(by, "audit.view")
    staff = tuple(StaffUser.select(StaffUser.id, StaffUser.full_name).order_by(StaffUser.full_name, StaffUser.id).tuples())
    kinds = tuple((k.key, k.label) for k in ACTION_KINDS if k.on_charts or not own_only)
    return TrailChoices(staff, kinds, own_only)


def trail_page(by: Actor, filters: TrailFilter = TrailFilter(), before: int | None = None, lines: int = PAGE_LINES) -> TrailPage:
    """The newest `lines` lines of events older than `before` (None: the newest)
    that `filters` and `by`'s role let through."""
    own = require_charts(by, "audit", action="audit.view")   # None: every chart's, and no chart's
    span = _days(filters)
    if span is None:
        return TrailPage((), None)
    first, last, conds = span
    if before is not None:
        last = before - 1 if last is None else min(last, before - 1)
    if filters.staff_id is not None:
        username = StaffUser.select(StaffUser.username).where(StaffUser.id == filters.staff_id).scalar()
        conds.append(AuditEvent.actor == f"staff:{username}")
    kind = KINDS.get(filters.kind)
    if kind and kind.failures_only:
        conds.append(AuditEvent.outcome != "ok")
    charts = _charts(filters.chart)
    if own is not None:
        if kind and not kind.on_charts:
            return TrailPage((), None)   # a clinician sees chart events only
        charts = _own(own, charts, conds)
    if charts is not None and not charts:
        return TrailPage((), None)
    # The most selective list drives: charts (named, or a clinician's few),
    # then a kind's actions (with the staff user, (actor, action, id) reads
    # exactly their events of the kind), then the staff user alone.
    if charts is not None:
        arms = [AuditEvent.chart == c for c in charts]
        if kind:
            conds.append(AuditEvent.action.in_(kind.actions))
    elif kind:
        arms = [AuditEvent.action == a for a in kind.actions]
    else:
        arms = []
    wanted = lines * READ_AHEAD
    events = _read(conds, arms, wanted, first, last)
    return _page(events, lines, more=len(events) == wanted)


def _charts(term: str) -> list[int] | None:
    """The charts a chart search names; None when there is no chart filter."""
    if not term:
        return None
    page = search_charts(term, page_size=MAX_CHARTS)
    if page.has_more:
        raise InvalidInput("chart", f"More than {MAX_CHARTS} charts match “{term}”: type more of the name, or the chart number.")
    return [c.id for c in page.rows]


def _own(own, charts: list[int] | None, conds: list) -> list[int] | None:
    """A clinician's charts (`own`, a subquery) among `charts` (all of theirs when
    None). A caseload of more than MAX_ARMS charts becomes a condition instead
    (its events are then common enough to find by reading newest first)."""
    if charts is not None:
        return [i for (i,) in Client.select(Client.id).where(Client.id.in_(charts) & Client.id.in_(own)).tuples()] if charts else []
    mine = [i for (i,) in own.limit(MAX_ARMS + 1).tuples()]
    if len(mine) <= MAX_ARMS:
        return mine
    # EXISTS per event, not IN: with IN, SQLite read the events of every chart
    # of the caseload (16,000 charts: seconds) instead of newest first.
    conds.append(fn.EXISTS(own.where(Client.id == AuditEvent.chart)))
    return None


def _days(filters: TrailFilter) -> tuple[int | None, int | None, list] | None:
    """The days as the first and last event id that can fall in them, and the
    conditions on the time itself (None when no event can)."""
    if filters.since is None and filters.until is None:
        return None, None, []
    start, end = utc_bounds(filters.since, filters.until, get_practice().time_zone)
    first = last = None
    conds = []
    if start is not None:
        first = AuditEvent.select(AuditEvent.id).where(AuditEvent.at >= start).order_by(AuditEvent.at, AuditEvent.id).limit(1).scalar()
        if first is None:
            return None
        conds.append(AuditEvent.at >= start)
    if end is not None:
        last = AuditEvent.select(AuditEvent.id).where(AuditEvent.at < end).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1).scalar()
        if last is None:
            return None
        conds.append(AuditEvent.at < end)
    return first, last, conds


_COLUMNS = (AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.chart, AuditEvent.action,
            AuditEvent.outcome, AuditEvent.source, AuditEvent.detail,
            Client.first_name, Client.last_name, Client.chart_number)


def _read(conds: list, arms: list, limit: int, first: int | None, last: int | None) -> list[tuple]:
    """The newest `limit` events with ids in [first, last] (None: open) meeting
    `conds` and any one of `arms`, as tuples of _COLUMNS (the chart's columns
    None for an event of no chart)."""
    bounds = ([] if first is None else [AuditEvent.id >= first]) + ([] if last is None else [AuditEvent.id <= last])

    def newest(*where) -> Select:
        query = AuditEvent.select(AuditEvent.id)
        for cond in (*bounds, *conds, *where):
            query = query.where(cond)
        return query.order_by(AuditEvent.id.desc()).limit(limit)

    if len(arms) <= 1:
        page = newest(*arms)
    else:
        # Each run's ids newest first (from the index alone when it has no other
        # condition), wrapped (SQLite takes no ORDER BY/LIMIT in a bare part of
        # a UNION), merged by id.
        parts = [Select([newest(arm).alias(f"run{n}")], [SQL("id")]) for n, arm in enumerate(arms)]
        union = parts[0]
        for part in parts[1:]:
            union = union + part   # UNION ALL
        page = Select([union.order_by(SQL("1 DESC")).limit(limit).alias("merged")], [SQL("id")])
    # A join, not `id IN (page)`: peewee renders an IN's subquery twice (to see
    # whether it is empty), and rendering forty runs cost more than reading them.
    page = page.alias("page")
    return list(
        AuditEvent.select(*_COLUMNS)
        .join(page, on=(AuditEvent.id == page.c.id))
        .switch(AuditEvent)
        .join(Client, JOIN.LEFT_OUTER, on=(Client.id == AuditEvent.chart))
        .order_by(AuditEvent.id.desc())
        .tuples()
    )


def _page(events: list[tuple], lines: int, *, more: bool) -> TrailPage:
    """Fold the events into lines; a run that may go on past what was read is left
    for the next page (unless it is all there is: then it shows, and goes on there)."""
    names = actor_names({e[2] for e in events})

    def chart_name(e: tuple) -> str:
        if e[3] is None:
            return ""
        return f"{e[8]} {e[9]}" if e[8] is not None else f"chart {e[3]} (since deleted)"

    def said(e: tuple) -> tuple[str, str]:
        _id, _at, actor, _chart, action, outcome, source, *_ = e
        words = event_words(action, outcome, actor.partition(":")[0])
        return sentence(names[actor], words, chart_name(e), action), source

    runs = fold_repeats(events, said)
    if len(runs) > lines:
        runs, more = runs[:lines], True
    elif more and len(runs) > 1:
        runs = runs[:-1]
    rows = []
    for run in runs:
        newest, oldest = run[0], run[-1]
        text, source = said(newest)
        rows.append(TrailRow(newest[0], newest[1], names[newest[2]], times(text, len(run)), chart_name(newest),
                             newest[10] or "", source, failed_event(newest[4], newest[5]), len(run), oldest[1], newest[7]))
    return TrailPage(tuple(rows), runs[-1][-1][0] if more and runs else None)
