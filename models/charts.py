"""Charts (clients) and their related contacts: create, edit, search."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import OP, Expression, fn

from . import clock
from .audit import Actor, record
from .dates import parse_dob
from .db import database, is_sqlite
from .errors import NotFound
from .roles import require
from .tables import Client, RelatedContact
from .text import InvalidInput, clean_email, clean_name, fold, has_control

RELATIONSHIPS = {
    "parent": "Parent",
    "guardian": "Legal guardian",
    "case_worker": "Case worker",
    "other": "Other",
}
MAX_PHONE = 30
PAGE_SIZE = 50


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_PHONE or has_control(value):
        raise InvalidInput("phone", f"Phone can be at most {MAX_PHONE} characters, without control characters.")
    if value and not any(ch.isdigit() for ch in value):
        raise InvalidInput("phone", "A phone number needs digits.")
    return value


def _next_chart_number() -> str:
    last = Client.select(fn.MAX(Client.id)).scalar() or 0
    return f"{last + 1 + 1000:06d}"


def get_chart(chart_id: int) -> Client:
    client = Client.get_or_none(Client.id == chart_id)
    if client is None:
        raise NotFound("That chart does not exist.")
    return client


def create_chart(
    by: Actor,
    *,
    first_name: str,
    last_name: str,
    date_of_birth: str | dt.date,
    email: str = "",
    phone: str = "",
) -> Client:
    """Validate and store a new chart; raises InvalidInput naming the field."""
    require(by, "new_chart")
    first = clean_name(first_name, "first_name")
    last = clean_name(last_name, "last_name")
    dob = date_of_birth if isinstance(date_of_birth, dt.date) else parse_dob(date_of_birth)
    email = clean_email(email, required=False)
    phone = clean_phone(phone)
    with database.atomic():
        client = Client.create(
            chart_number=_next_chart_number(),
            first_name=first,
            last_name=last,
            first_name_key=fold(first),
            last_name_key=fold(last),
            date_of_birth=dob,
            email=email,
            phone=phone,
            created_at=clock.now(),
        )
        record(by, "chart.create", chart=client.id)
    return client


def update_chart(by: Actor, client: Client | int, **changes: str) -> Client:
    """Change the named fields of a chart (given by id, or its row)."""
    if not isinstance(client, Client):
        client = get_chart(client)
    require(by, "charts", client.id)
    if "first_name" in changes:
        client.first_name = clean_name(changes["first_name"], "first_name")
        client.first_name_key = fold(client.first_name)
    if "last_name" in changes:
        client.last_name = clean_name(changes["last_name"], "last_name")
        client.last_name_key = fold(client.last_name)
    if "date_of_birth" in changes:
        client.date_of_birth = parse_dob(changes["date_of_birth"])
    if "email" in changes:
        client.email = clean_email(changes["email"], required=False)
    if "phone" in changes:
        client.phone = clean_phone(changes["phone"])
    with database.atomic():
        client.save()
        record(by, "chart.update", chart=client.id, detail=",".join(sorted(changes)))
    return client


def _clean_relationship(value: str) -> str:
    if value not in RELATIONSHIPS:
        raise InvalidInput("relationship", "Choose parent, legal guardian, case worker or other.")
    return value


def add_contact(
    by: Actor, client: Client | int, *, first_name: str, last_name: str, relationship: str, email: str = "", phone: str = ""
) -> RelatedContact:
    if not isinstance(client, Client):
        client = get_chart(client)
    require(by, "charts", client.id)
    with database.atomic():
        contact = RelatedContact.create(
            client=client,
            first_name=clean_name(first_name, "first_name"),
            last_name=clean_name(last_name, "last_name"),
            relationship=_clean_relationship(relationship),
            email=clean_email(email, required=False),
            phone=clean_phone(phone),
        )
        record(by, "contact.add", chart=client.id, detail=relationship)
    return contact


def update_contact(by: Actor, contact: RelatedContact | int, **changes: str) -> RelatedContact:
    if not isinstance(contact, RelatedContact):
        contact = RelatedContact.get_or_none(RelatedContact.id == contact)
        if contact is None:
            raise NotFound("That contact no longer exists.")
    require(by, "charts", contact.client_id)
    cleaners = {
        "first_name": lambda v: clean_name(v, "first_name"),
        "last_name": lambda v: clean_name(v, "last_name"),
        "relationship": _clean_relationship,
        "email": lambda v: clean_email(v, required=False),
        "phone": clean_phone,
    }
    for name, value in changes.items():
        setattr(contact, name, cleaners[name](value))
    with database.atomic():
        contact.save()
        record(by, "contact.update", chart=contact.client_id, detail=",".join(sorted(changes)))
    return contact


def contacts_of(client: Client | int) -> list[RelatedContact]:
    return list(RelatedContact.select().where(RelatedContact.client == client).order_by(RelatedContact.id))


# --- search ---------------------------------------------------------------


def _prefix(column, key: str):
    """Rows whose folded key starts with `key` (keys are letters and digits only).

    On SQLite a range, which the column's index serves; on PostgreSQL a LIKE
    (collation-safe; a text_pattern_ops index serves it: migration 0011).
    """
    if is_sqlite():
        return (column >= key) & (column < key + "\uffff")
    return Expression(column, OP.LIKE, key + "%")


def _term_conditions(term: str) -> list:
    """Conditions whose matches together are the results (each served by one index)."""
    term = term.strip()[:100]
    if not term:
        return []
    try:
        return [Client.date_of_birth == parse_dob(term)]
    except InvalidInput:
        pass
    words = [fold(w) for w in term.replace(",", " ").split() if fold(w)]
    if not words:
        return [Client.id == -1]
    if len(words) == 1:
        (w,) = words
        conds = [_prefix(Client.last_name_key, w), _prefix(Client.first_name_key, w)]
        if w.isdigit():
            conds.append(_prefix(Client.chart_number, w))
        return conds
    a, b = words[0], "".join(words[1:])
    return [
        _prefix(Client.first_name_key, a) & _prefix(Client.last_name_key, b),
        _prefix(Client.last_name_key, a) & _prefix(Client.first_name_key, b),
    ]


@dataclass(frozen=True)
class SearchPage:
    rows: list[Client]
    has_more: bool


ORDER = (Client.last_name_key, Client.first_name_key, Client.id)


def search_charts(
    term: str = "", *, queue: str = "all", page: int = 0, page_size: int = PAGE_SIZE, scope=None
) -> SearchPage:
    """One page of charts matching `term` in name order, optionally one work queue.

    `queue` is "all", "invited" or "expired"; `scope` (a condition on Client
    from roles.chart_scope: a clinician's own charts) narrows every part.
    Each alternative of the term (last-name prefix, first-name prefix, chart
    number...) is read in name order up to the end of the page and merged
    here: an OR in SQL would make the database collect and sort every match
    of a one-letter search.
    """
    from .chart_owner import queue_condition

    conds = _term_conditions(term) or [None]
    extra = queue_condition(queue) if queue != "all" else None
    need = (page + 1) * page_size + 1
    keys: dict[int, tuple] = {}
    for cond in conds:
        query = Client.select(*ORDER)
        for part in (cond, extra, scope):
            if part is not None:
                query = query.where(part)
        for row in query.order_by(*ORDER).limit(need).tuples():
            keys[row[2]] = row
    window = sorted(keys.values())[page * page_size : need]
    ids = [row[2] for row in window[:page_size]]
    by_id = {c.id: c for c in Client.select().where(Client.id.in_(ids))} if ids else {}
    return SearchPage([by_id[i] for i in ids], len(window) > page_size)
