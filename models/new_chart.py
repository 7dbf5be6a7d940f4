"""A new client's chart: created, its forms sent and its owner invited, at once.

The workflow we follow sends the practice's forms with the invitation when a
chart is created. Doing the three in one transaction means one email (the
invitation says forms are waiting; `_forms_waiting` in chart_owner.py), and a
refusal of any part (a bad email, a retired form) leaves no half-made chart
behind: the staff member corrects the field and presses Create again.
"""
from __future__ import annotations

from dataclasses import dataclass

from .audit import Actor
from .chart_owner import activate_access
from .charts import create_chart
from .db import database
from .forms.assignments import send_package
from .forms.library import packages
from .roles import require


@dataclass(frozen=True)
class NewChart:
    chart_id: int
    chart_number: str
    full_name: str
    email: str
    invited: bool
    forms_sent: int


@dataclass(frozen=True)
class PackageChoice:
    key: str
    title: str
    form_count: int


def package_choices() -> tuple[PackageChoice, ...]:
    """The packages a new chart may be sent with (for the New chart screen)."""
    return tuple(PackageChoice(p.key, p.title, len(p.form_titles)) for p in packages())


def open_new_chart(by: Actor, values: dict[str, str], *, invite: bool, package_key: str | None = None) -> NewChart:
    """Create the chart from the typed `values`; send `package_key`'s forms and
    the portal invitation with it. Raises InvalidInput/DomainError, storing nothing."""
    require(by, "new_chart")   # before the transaction: the refusal's audit row stays
    with database.atomic():
        client = create_chart(by, **values)
        sent = 0
        if package_key:
            # Sent before the invitation, so the invitation's email says forms wait.
            sent = len(send_package(by, client.id, package_key, notify=not invite).assignment_ids)
        if invite:
            activate_access(by, client.id)
    return NewChart(client.id, client.chart_number, client.full_name, client.email, invite, sent)
