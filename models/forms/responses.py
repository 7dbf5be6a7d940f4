"""Completing a form: the draft as the client goes, then one atomic submit.

Every client call takes a `ClientViewer` (account, chart, source) and checks
on each call that the account owns the chart now, so another chart's id, a
revoked owner or a former owner gets NotAllowed, never data.

A draft belongs to the ownership period (ChartAccess row) it was started
in: it is saved answer by answer (nothing is lost to an idle logout, a
dropped connection or a killed process), a new owner starts their own, and
staff see every draft. Submitting turns the draft into the response in one
transaction, under a lock on the assignment, so two submits at once make
one response; the response is final, and a correction is a new response.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .. import clock
from ..audit import Actor, record
from ..chart_owner import lock_chart
from ..db import database, lock_rows
from ..errors import NotAllowed, StateConflict
from ..records import ClientViewer
from ..roles import require
from ..tables import ChartAccess, Form, FormAssignment, FormResponse, FormVersion
from ..text import InvalidInput, clean_name
from .alerts import raise_alerts
from .chart_changes import propose
from .definitions import CAPACITIES, Definition, canonical, load_definition
from .fields import clean_answer, display_answer, missing
from .pdf_forms import keep_filled_copy
from .scoring import Results, score

# Who may sign, by the owner's relationship to the chart (see chart_owner.Candidate).
CAPACITY_OF = {"self": "self", "parent": "parent", "guardian": "guardian"}
CAPACITY_LABELS = {"self": "the client", "parent": "a parent of the client", "guardian": "the client's legal guardian"}


@dataclass(frozen=True)
class Signature:
    """What the client types on the signature step."""

    full_name: str
    agreed: bool                   # ticked "I agree"


@dataclass(frozen=True)
class FormSession:
    """An open form: what it asks (the pinned version) and the draft so far."""

    assignment_id: int
    response_id: int
    title: str
    definition: Definition
    answers: tuple[tuple[str, Any], ...]
    resume_at: str                 # the first unanswered question's id ("" when all are answered)
    capacity: str                  # what a signature here records: self, parent, guardian
    correcting: int | None         # the response this draft corrects

    def answer(self, question_id: str) -> Any:
        return dict(self.answers).get(question_id)


@dataclass(frozen=True)
class Saved:
    question_id: str
    shown: str                     # the answer as the review page shows it
    answered: int
    total: int


@dataclass(frozen=True)
class ReviewLine:
    question_id: str
    label: str
    group: str                     # the item group's stem, "" for a plain field
    shown: str
    missing: bool


@dataclass(frozen=True)
class SignatureLine:
    name: str
    capacity: str
    at: dt.datetime
    source: str
    sha256: str

    @property
    def text(self) -> str:
        return f"Signed by {self.name}, {CAPACITY_LABELS.get(self.capacity, self.capacity)}, I agree"


@dataclass(frozen=True)
class ResponseView:
    """A submitted response as it was asked: its own version's questions."""

    response_id: int
    chart_id: int
    form_key: str
    title: str
    version: int
    submitted_at: dt.datetime | None   # None: a draft (staff only)
    lines: tuple[ReviewLine, ...]
    results: Results | None        # None for the client's own view
    signature: SignatureLine | None
    corrects: int | None


@dataclass(frozen=True)
class FormLine:
    """A form on the client's list, or on the chart's Forms tab."""

    assignment_id: int
    title: str
    kind: str
    state: str                     # to_do, in_progress, completed, cancelled
    due_on: dt.date | None
    assigned_at: dt.datetime
    answered: int
    total: int
    response_id: int | None        # the latest submitted response, if any
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class FormsOverview:
    to_do: tuple[FormLine, ...]
    in_progress: tuple[FormLine, ...]
    completed: tuple[FormLine, ...]


# --- scoping ----------------------------------------------------------------


def _access(viewer: ClientViewer, *, lock: bool = False) -> ChartAccess:
    """The viewer's current ownership of the chart, or NotAllowed.

    With `lock` (every write), the chart's row is locked first, as Chart Owner
    changes lock it: a revoke or change of owner at the same moment either
    comes first, and the write is refused, or waits for the write to finish.
    """
    if lock:
        lock_chart(viewer.chart_id)
    access = ChartAccess.get_or_none(
        (ChartAccess.account == viewer.account_id) & (ChartAccess.client == viewer.chart_id) & ChartAccess.ended_at.is_null()
    )
    if access is None:
        raise NotAllowed()
    return access


def _assignment(viewer: ClientViewer, assignment_id: int, *, lock: bool = False) -> FormAssignment:
    query = FormAssignment.select().where((FormAssignment.id == assignment_id) & (FormAssignment.client == viewer.chart_id))
    assignment = (lock_rows(query) if lock else query).first()
    if assignment is None:
        raise NotAllowed()
    if assignment.status == "cancelled":
        raise StateConflict("The practice withdrew this form; there is nothing to fill in.")
    return assignment


def _draft(assignment_id: int, access_id: int) -> FormResponse | None:
    return (
        FormResponse.select()
        .where((FormResponse.assignment == assignment_id) & (FormResponse.access == access_id) & (FormResponse.status == "draft"))
        .order_by(FormResponse.id.desc())
        .first()
    )


def _capacity(access: ChartAccess) -> str:
    return CAPACITY_OF.get(access.relationship, "")


def _answers(response: FormResponse) -> dict[str, Any]:
    return json.loads(response.answers or "{}")


def _session(assignment: FormAssignment, draft: FormResponse, access: ChartAccess) -> FormSession:
    version = FormVersion.get_by_id(draft.version_id)
    definition = load_definition(version.definition)
    answers = _answers(draft)
    resume = next((q.id for q in definition.questions if answers.get(q.id) is None), "")
    return FormSession(
        assignment.id, draft.id, definition.title, definition,
        tuple((q.id, answers[q.id]) for q in definition.questions if q.id in answers),
        resume, _capacity(access), draft.corrects_id,
    )


# --- the client ---------------------------------------------------------------


def open_form(viewer: ClientViewer, assignment_id: int) -> FormSession:
    """Start or resume the viewer's draft of a form sent to their chart."""
    viewer.check()
    with database.atomic():
        access = _access(viewer, lock=True)
        assignment = _assignment(viewer, assignment_id, lock=True)  # one draft, even from two screens at once
        draft = _draft(assignment.id, access.id)
        if draft is None:
            if assignment.status != "open":
                raise StateConflict("This form is no longer waiting to be filled in.")
            now = clock.now()
            draft = FormResponse.create(
                assignment=assignment, client=assignment.client_id, version=assignment.version_id, access=access,
                account=viewer.account_id, started_at=now, updated_at=now,
            )
            record(viewer.actor, "form.start", chart=viewer.chart_id, detail=f"assignment {assignment.id}")
        else:
            record(viewer.actor, "form.resume", chart=viewer.chart_id, detail=f"assignment {assignment.id}")
    return _session(assignment, draft, access)


def save_answer(viewer: ClientViewer, assignment_id: int, question_id: str, value: Any) -> Saved:
    """Check one answer and keep it in the draft; InvalidInput says why not (and nothing changes)."""
    viewer.check()
    with database.atomic():
        access = _access(viewer, lock=True)
        _assignment(viewer, assignment_id)
        draft = _draft(assignment_id, access.id)
        if draft is None:
            raise StateConflict("Open the form first.")
        draft = lock_rows(FormResponse.select().where(FormResponse.id == draft.id)).first()
        if draft.status != "draft":
            raise StateConflict("This form was already submitted.")
        definition = load_definition(FormVersion.get_by_id(draft.version_id).definition)
        question = definition.question(question_id)
        if question is None:
            raise InvalidInput(question_id, "This form has no such question.")
        stored = clean_answer(question, value)
        answers = _answers(draft)
        if stored is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = stored
        FormResponse.update(answers=canonical(answers), updated_at=clock.now()).where(FormResponse.id == draft.id).execute()
    answered = sum(1 for q in definition.questions if answers.get(q.id) is not None)
    return Saved(question_id, display_answer(question, stored), answered, len(definition.questions))


def _review_lines(definition: Definition, answers: dict[str, Any]) -> tuple[ReviewLine, ...]:
    stems = {f.id: f.label for f in definition.fields if f.kind == "item_group"}
    return tuple(
        ReviewLine(q.id, q.label, stems.get(q.group, ""), display_answer(q, answers.get(q.id)),
                   q.required and answers.get(q.id) is None)
        for q in definition.questions
    )


def review(viewer: ClientViewer, assignment_id: int) -> tuple[ReviewLine, ...]:
    """The review page before signing: every question with its answer, missing ones marked."""
    viewer.check()
    access = _access(viewer)
    _assignment(viewer, assignment_id)
    draft = _draft(assignment_id, access.id)
    if draft is None:
        raise StateConflict("Open the form first.")
    definition = load_definition(FormVersion.get_by_id(draft.version_id).definition)
    return _review_lines(definition, _answers(draft))


def signed_hash(content_hash: str, answers: dict[str, Any]) -> str:
    """SHA-256 of what was signed: the version's content hash and the answers."""
    return hashlib.sha256(f"{content_hash}\n{canonical(answers)}".encode("utf-8")).hexdigest()


def submit(viewer: ClientViewer, assignment_id: int, signature: Signature | None = None) -> int:
    """Make the draft the final response (atomic); returns the response's id."""
    viewer.check()
    with database.atomic():
        access = _access(viewer, lock=True)
        assignment = _assignment(viewer, assignment_id, lock=True)  # a second submit waits here, then finds no draft
        draft = _draft(assignment.id, access.id)
        if draft is None:
            raise StateConflict("This form was already submitted.")
        version = FormVersion.get_by_id(draft.version_id)
        definition = load_definition(version.definition)
        answers = _answers(draft)
        still = missing(definition, answers)
        if still:
            first = still[0]
            more = f" (and {len(still) - 1} more)" if len(still) > 1 else ""
            raise InvalidInput(first.id, f"Please answer “{first.label}” before submitting{more}.")
        now = clock.now()
        signed: dict[str, Any] = {}
        if definition.signature is not None:
            signed = _sign(viewer, access, signature, version.content_hash, answers, now)
        results = score(definition, answers)
        done = (
            FormResponse.update(status="submitted", submitted_at=now, updated_at=now,
                                results=json.dumps(results.as_json(), sort_keys=True), **signed)
            .where((FormResponse.id == draft.id) & (FormResponse.status == "draft"))
            .execute()
        )
        if done != 1:
            raise StateConflict("This form was already submitted.")
        FormAssignment.update(status="completed", completed_at=now).where(
            (FormAssignment.id == assignment.id) & (FormAssignment.status == "open")
        ).execute()
        form_key = Form.get_by_id(assignment.form_id).key
        record(viewer.actor, "form.submit", chart=viewer.chart_id,
               detail=f"response {draft.id} {form_key} v{version.number}")
        if signed:
            record(viewer.actor, "form.sign", chart=viewer.chart_id,
                   detail=f"response {draft.id} capacity {signed['signed_capacity']} sha256 {signed['signed_hash']}")
        raise_alerts(viewer.actor, draft, results.flags)
        propose(draft.id, viewer.chart_id, definition, answers)
        keep_filled_copy(draft.id, version.id, answers)  # an uploaded PDF's filled copy, in this transaction
    return draft.id


def _sign(viewer: ClientViewer, access: ChartAccess, signature: Signature | None, content_hash: str,
          answers: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    if signature is None:
        raise InvalidInput("signature", "This form needs your signature: type your full name and tick “I agree”.")
    name = clean_name(signature.full_name, "full_name")
    if not signature.agreed:
        raise InvalidInput("agreed", "Tick “I agree” to sign.")
    capacity = _capacity(access)
    if capacity not in CAPACITIES:
        raise InvalidInput("signature", "Only the client, a parent or a legal guardian can sign this form; please ask the practice.")
    return {
        "signed_name": name,
        "signed_capacity": capacity,
        "signed_at": now,
        "signed_source": viewer.source,
        "signed_hash": signed_hash(content_hash, answers),
    }


def start_correction(viewer: ClientViewer, response_id: int) -> FormSession:
    """A new draft that corrects a submitted response (which stays as it was)."""
    viewer.check()
    with database.atomic():
        access = _access(viewer, lock=True)
        original = FormResponse.get_or_none(
            (FormResponse.id == response_id) & (FormResponse.client == viewer.chart_id)
            & (FormResponse.access == access.id) & (FormResponse.status == "submitted")
        )
        if original is None:
            raise NotAllowed()
        assignment = _assignment(viewer, original.assignment_id, lock=True)
        draft = _draft(assignment.id, access.id)
        if draft is None:
            now = clock.now()
            draft = FormResponse.create(
                assignment=assignment, client=viewer.chart_id, version=original.version_id, access=access,
                account=viewer.account_id, corrects=original, answers=original.answers, started_at=now, updated_at=now,
            )
            record(viewer.actor, "form.correct", chart=viewer.chart_id, detail=f"response {original.id}")
    return _session(assignment, draft, access)


def client_forms(viewer: ClientViewer) -> FormsOverview:
    """The viewer's forms for this chart: to do (due first), in progress, completed.

    Only what belongs to the viewer's own ownership of the chart: a former
    owner's drafts and responses are for staff.
    """
    viewer.check()
    access = _access(viewer)
    lines = _form_lines(viewer.chart_id, access_id=access.id)
    record(viewer.actor, "form.list", chart=viewer.chart_id)
    to_do = sorted((l for l in lines if l.state == "to_do"), key=lambda l: (l.due_on is None, l.due_on or dt.date.max, l.assignment_id))
    return FormsOverview(
        tuple(to_do),
        tuple(l for l in lines if l.state == "in_progress"),
        tuple(sorted((l for l in lines if l.state == "completed" and l.response_id), key=lambda l: l.submitted_at, reverse=True)),
    )


def forms_waiting(viewer: ClientViewer) -> int:
    """How many forms wait for the viewer on this chart (the dashboard shows them first)."""
    viewer.check()
    return sum(1 for line in _form_lines(viewer.chart_id, access_id=_access(viewer).id) if line.state in ("to_do", "in_progress"))


def client_response(viewer: ClientViewer, response_id: int) -> ResponseView:
    """The client reads back what they submitted (without scores)."""
    viewer.check()
    access = _access(viewer)
    response = FormResponse.get_or_none(
        (FormResponse.id == response_id) & (FormResponse.client == viewer.chart_id)
        & (FormResponse.access == access.id) & (FormResponse.status == "submitted")
    )
    if response is None:
        raise NotAllowed()
    record(viewer.actor, "form.response.view", chart=viewer.chart_id, detail=f"response {response_id}")
    return _view(response, with_results=False)


# --- staff ------------------------------------------------------------------


def _form_lines(chart_id: int, *, access_id: int | None = None) -> list[FormLine]:
    """Each assignment of the chart with its state; with `access_id`, as that owner sees it."""
    assignments = list(
        FormAssignment.select(FormAssignment, Form, FormVersion)
        .join(Form, on=(FormAssignment.form == Form.id))
        .switch(FormAssignment)
        .join(FormVersion, on=(FormAssignment.version == FormVersion.id))
        .where(FormAssignment.client == chart_id)
        .order_by(FormAssignment.assigned_at.desc(), FormAssignment.id.desc())
    )
    responses = FormResponse.select(
        FormResponse.id, FormResponse.assignment, FormResponse.status, FormResponse.answers,
        FormResponse.submitted_at, FormResponse.access,
    ).where(FormResponse.client == chart_id).order_by(FormResponse.id)
    if access_id is not None:
        responses = responses.where(FormResponse.access == access_id)
    drafts: dict[int, FormResponse] = {}
    submitted: dict[int, FormResponse] = {}
    for r in responses:
        (drafts if r.status == "draft" else submitted)[r.assignment_id] = r  # the latest of each
    lines = []
    for a in assignments:
        definition = load_definition(a.version.definition)
        draft, done = drafts.get(a.id), submitted.get(a.id)
        total = len(definition.questions)
        answered = sum(v is not None for v in _answers(draft).values()) if draft else (total if done else 0)
        if a.status == "cancelled":
            state = "cancelled"
        elif draft is not None and (a.status == "open" or done is not None):
            state = "in_progress"
        elif a.status == "completed":
            state = "completed"
        else:
            state = "to_do"
        if access_id is not None and a.status == "completed" and done is None and draft is None:
            continue  # completed by a former owner: not this owner's to see
        lines.append(FormLine(a.id, a.form.title, definition.kind, state, a.due_on, a.assigned_at, answered, total,
                              done.id if done else None, done.submitted_at if done else None))
    return lines


def chart_forms(chart_id: int) -> list[FormLine]:
    """The chart room's Forms tab: every form sent, newest first."""
    return _form_lines(chart_id)


def chart_drafts(chart_id: int) -> list[tuple[int, int, dt.datetime]]:
    """Drafts not submitted, whoever started them: (response id, assignment id, last saved)."""
    return [
        (r.id, r.assignment_id, r.updated_at)
        for r in FormResponse.select().where((FormResponse.client == chart_id) & (FormResponse.status == "draft")).order_by(FormResponse.id)
    ]


def _view(response: FormResponse, *, with_results: bool) -> ResponseView:
    version = FormVersion.get_by_id(response.version_id)
    definition = load_definition(version.definition)
    form = Form.get_by_id(version.form_id)
    signature = None
    if response.signed_at is not None:
        signature = SignatureLine(response.signed_name, response.signed_capacity, response.signed_at,
                                  response.signed_source, response.signed_hash)
    return ResponseView(
        response.id, response.client_id, form.key, definition.title, version.number, response.submitted_at,
        _review_lines(definition, _answers(response)),
        Results.from_json(json.loads(response.results or "{}")) if with_results else None,
        signature, response.corrects_id,
    )


def response_for_staff(by: Actor, response_id: int) -> ResponseView:
    """A submitted response, read-only, with its scores, bands and flags (audited view)."""
    response = FormResponse.get_or_none((FormResponse.id == response_id) & (FormResponse.status == "submitted"))
    if response is None:
        raise NotAllowed()
    require(by, "clinical", response.client_id)   # form answers are clinical results (models/roles.py)
    record(by, "form.response.view", chart=response.client_id, detail=f"response {response_id}")
    return _view(response, with_results=True)


def draft_for_staff(by: Actor, response_id: int) -> ResponseView:
    """A draft not submitted (perhaps a former owner's), read-only; audited view."""
    response = FormResponse.get_or_none((FormResponse.id == response_id) & (FormResponse.status == "draft"))
    if response is None:
        raise NotAllowed()
    require(by, "clinical", response.client_id)
    record(by, "form.draft.view", chart=response.client_id, detail=f"response {response_id}")
    return _view(response, with_results=False)


@dataclass(frozen=True)
class TrendPoint:
    response_id: int
    submitted_at: dt.datetime
    value: int | None
    band: str


def score_trend(chart_id: int, form_key: str, score_id: str = "total") -> list[TrendPoint]:
    """A score over time (oldest first), for the staff trend of PHQ-9 and GAD-7."""
    rows = (
        FormResponse.select(FormResponse.id, FormResponse.submitted_at, FormResponse.results)
        .join(FormAssignment, on=(FormResponse.assignment == FormAssignment.id))
        .join(Form, on=(FormAssignment.form == Form.id))
        .where((FormResponse.client == chart_id) & (FormResponse.status == "submitted") & (Form.key == form_key))
        .order_by(FormResponse.submitted_at, FormResponse.id)
    )
    points = []
    for r in rows:
        results = Results.from_json(json.loads(r.results)) if r.results else Results()
        found = next((s for s in results.scores if s.id == score_id), None)
        if found is not None:
            points.append(TrendPoint(r.id, r.submitted_at, found.value, found.band))
    return points


def completed_since(since: dt.datetime, *, limit: int = 100) -> list[tuple[int, int, str, dt.datetime]]:
    """Responses submitted after `since` (work queue): (response id, chart id, form title, when), newest first."""
    rows = (
        FormResponse.select(FormResponse.id, FormResponse.client, FormResponse.submitted_at, Form.title)
        .join(FormAssignment, on=(FormResponse.assignment == FormAssignment.id))
        .join(Form, on=(FormAssignment.form == Form.id))
        .where((FormResponse.status == "submitted") & (FormResponse.submitted_at > since))
        .order_by(FormResponse.submitted_at.desc(), FormResponse.id.desc())
        .limit(limit)
        .objects()
    )
    return [(r.id, r.client_id, r.title, r.submitted_at) for r in rows]
