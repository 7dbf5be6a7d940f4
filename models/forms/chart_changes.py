"""A form's answers as proposed changes to the chart, for staff to accept or reject.

Nothing changes the chart silently: submitting the demographics form only
stores one proposal per chart field whose answer differs from the chart
(the emergency contact is one proposal for its four answers). Accepting
applies that one field through models.charts, with its own checks and audit
row; rejecting leaves the chart as it is.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from .. import clock
from ..audit import Actor, record
from ..charts import add_contact, update_chart
from ..db import database, lock_rows
from ..errors import NotFound, StateConflict
from ..roles import require
from ..tables import ChartChangeProposal, Client, RelatedContact, StaffUser
from ..text import fold
from .definitions import Definition

LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "email": "Email",
    "phone": "Phone",
    "emergency_contact": "Emergency contact",
}
CONTACT = "emergency_contact"


@dataclass(frozen=True)
class ProposalLine:
    proposal_id: int
    response_id: int
    target: str
    label: str
    current: str                   # the chart's value when proposed
    proposed: str                  # as shown to staff
    status: str                    # pending, accepted, rejected
    decided_at: dt.datetime | None
    decided_by: str


def _chart_value(client: Client, target: str) -> str:
    value = getattr(client, target)
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def _same(a: str, b: str) -> bool:
    return fold(a) == fold(b) if a and b else a == b


def propose(response_id: int, chart_id: int, definition: Definition, answers: dict[str, Any]) -> list[int]:
    """Store the proposals a submitted response makes; call inside its transaction."""
    client = Client.get_by_id(chart_id)
    made = []
    contact: dict[str, str] = {}
    for question_id, target in definition.chart_targets.items():
        value = answers.get(question_id)
        if value is None:
            continue
        if target.startswith(f"{CONTACT}."):
            contact[target.split(".", 1)[1]] = str(value)
            continue
        current = _chart_value(client, target)
        if value != current:
            row = ChartChangeProposal.create(response=response_id, client=chart_id, target=target,
                                             current_value=current, proposed_value=str(value))
            made.append(row.id)
    if contact.get("first_name") and contact.get("last_name"):
        known = any(
            _same(c.first_name, contact["first_name"]) and _same(c.last_name, contact["last_name"])
            and _same(c.phone, contact.get("phone", ""))
            for c in RelatedContact.select().where(RelatedContact.client == chart_id)
        )
        if not known:
            row = ChartChangeProposal.create(response=response_id, client=chart_id, target=CONTACT,
                                             current_value="", proposed_value=json.dumps(contact, sort_keys=True))
            made.append(row.id)
    return made


def _shown(target: str, value: str) -> str:
    if target == CONTACT and value:
        c = json.loads(value)
        parts = [f"{c.get('first_name', '')} {c.get('last_name', '')}".strip(), c.get("relationship", ""), c.get("phone", "")]
        return " · ".join(p for p in parts if p)
    if target == "date_of_birth" and value:
        return dt.date.fromisoformat(value).strftime("%m/%d/%Y")
    return value


def proposals(chart_id: int, *, pending_only: bool = False) -> list[ProposalLine]:
    condition = ChartChangeProposal.client == chart_id
    if pending_only:
        condition &= ChartChangeProposal.status == "pending"
    query = (
        ChartChangeProposal.select(ChartChangeProposal, StaffUser)
        .join(StaffUser, JOIN.LEFT_OUTER, on=(ChartChangeProposal.decided_by == StaffUser.id))
        .where(condition)
        .order_by(ChartChangeProposal.id)
    )
    return [
        ProposalLine(p.id, p.response_id, p.target, LABELS.get(p.target, p.target), _shown(p.target, p.current_value),
                     _shown(p.target, p.proposed_value), p.status, p.decided_at,
                     p.decided_by.full_name if p.decided_by_id else "")
        for p in query
    ]


def _require(by: Actor, proposal_id: int) -> None:
    """A proposal is decided by whoever may edit its chart (before the transaction: a refusal's row stays)."""
    require(by, "charts", ChartChangeProposal.select(ChartChangeProposal.client)
            .where(ChartChangeProposal.id == proposal_id).scalar())


def _decide(by: Actor, proposal_id: int, status: str) -> ChartChangeProposal:
    staff = StaffUser.get_or_none(StaffUser.username == by.ref) if by.kind == "staff" else None
    if staff is None:
        raise StateConflict("Only a staff member can change a chart.")
    proposal = lock_rows(ChartChangeProposal.select().where(ChartChangeProposal.id == proposal_id)).first()
    if proposal is None:
        raise NotFound("That proposed change does not exist.")
    if proposal.status != "pending":
        raise StateConflict(f"This change was already {proposal.status}.")
    ChartChangeProposal.update(status=status, decided_at=clock.now(), decided_by=staff).where(
        ChartChangeProposal.id == proposal_id
    ).execute()
    record(by, f"chart.proposal.{status}", chart=proposal.client_id, detail=f"proposal {proposal_id} {proposal.target}")
    return proposal


def accept_change(by: Actor, proposal_id: int) -> ProposalLine:
    """Apply one proposed field to the chart (checked as any chart edit is)."""
    _require(by, proposal_id)
    with database.atomic():
        proposal = _decide(by, proposal_id, "accepted")
        if proposal.target == CONTACT:
            c = json.loads(proposal.proposed_value)
            # The chart keeps a contact's kind, not its wording: the typed relationship is in the proposal.
            add_contact(by, proposal.client_id, first_name=c["first_name"], last_name=c["last_name"],
                        relationship="other", phone=c.get("phone", ""))
        else:
            value = proposal.proposed_value
            if proposal.target == "date_of_birth":
                value = dt.date.fromisoformat(value).strftime("%m/%d/%Y")
            update_chart(by, proposal.client_id, **{proposal.target: value})
    return next(p for p in proposals(proposal.client_id) if p.proposal_id == proposal_id)


def reject_change(by: Actor, proposal_id: int) -> ProposalLine:
    _require(by, proposal_id)
    with database.atomic():
        proposal = _decide(by, proposal_id, "rejected")
    return next(p for p in proposals(proposal.client_id) if p.proposal_id == proposal_id)
