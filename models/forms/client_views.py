"""What the client's form screens show, worded here rather than in a screen.

- `forms_list`: the dashboard's Forms pane (to do with due dates worded,
  overdue said plainly; in progress; completed), for the viewer's chart.
- `questionnaire_steps`: a questionnaire as one question to a screen
  ("Question 4 of 9", the stem, the numbered choices).
- `page_fields`: a form's fields in order for its one scrolling page.
- `capacity_words`: who a signature here is from, as the client reads it.
- `completed_form`: a completed form read back, as it was asked.

Nothing here writes; `forms_list` and `completed_form` read through
responses.client_forms and responses.client_response, which check the
viewer owns the chart now (and audit the read).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dates import short
from ..kiosk_views import format_when
from ..records import ClientViewer
from ..tables import FormResponse, FormVersion
from ..timefmt import practice_zone, to_local
from .definitions import Definition, Field, Question, load_definition
from .fields import practice_today
from .responses import CAPACITY_LABELS, FormLine, client_forms, client_response


@dataclass(frozen=True)
class FormRow:
    """One line of the Forms pane."""

    assignment_id: int
    title: str
    kind: str                  # questionnaire (one item to a screen) or form (one page)
    state: str                 # to_do, in_progress, completed
    when: str                  # "Due Dec 10, 2026", "Overdue: was due Dec 1, 2026", "Completed Dec 6, 2026"
    overdue: bool
    progress: str              # "3 of 9 answered", "" when not started or done
    response_id: int | None


@dataclass(frozen=True)
class FormsList:
    to_do: tuple[FormRow, ...]
    in_progress: tuple[FormRow, ...]
    completed: tuple[FormRow, ...]

    @property
    def waiting(self) -> int:
        return len(self.to_do) + len(self.in_progress)


def _day(value: dt.date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def due_words(due_on: dt.date | None, today: dt.date) -> tuple[str, bool]:
    """("Due Dec 10, 2026", False), ("Due today", False), ("Overdue: was due ...", True)."""
    if due_on is None:
        return "No due date", False
    if due_on < today:
        return f"Overdue: was due {_day(due_on)}", True
    if due_on == today:
        return "Due today", False
    return f"Due {_day(due_on)}", False


def _row(line: FormLine, today: dt.date) -> FormRow:
    if line.state == "completed":
        when = f"Completed {_day(to_local(line.submitted_at, practice_zone()).date())}" if line.submitted_at else "Completed"
        return FormRow(line.assignment_id, line.title, line.kind, line.state, when, False, "", line.response_id)
    when, overdue = due_words(line.due_on, today)
    progress = f"{line.answered} of {line.total} answered" if line.state == "in_progress" else ""
    return FormRow(line.assignment_id, line.title, line.kind, line.state, when, overdue, progress, line.response_id)


def forms_list(viewer: ClientViewer) -> FormsList:
    """The viewer's forms for the chart on screen (NotAllowed if they no longer own it)."""
    overview = client_forms(viewer)
    today = practice_today()
    return FormsList(
        tuple(_row(l, today) for l in overview.to_do),
        tuple(_row(l, today) for l in overview.in_progress),
        tuple(_row(l, today) for l in overview.completed),
    )


@dataclass(frozen=True)
class Step:
    """One screen of a questionnaire: a question, its stem, where it is."""

    question: Question
    stem: str                  # the item group's shared question ("" for a plain field)
    heading: str               # "Question 4 of 9" (within its item group), "Last question"


def questionnaire_steps(definition: Definition) -> tuple[Step, ...]:
    """Every answerable question of a questionnaire, one to a screen, in order.

    An item group's items count among themselves ("Question 4 of 9", as the
    PHQ-9 is known); a question after them (the "how difficult" item) is
    "Last question", or "Another question" when more follow.
    """
    steps: list[Step] = []
    questions = definition.questions
    for f in definition.fields:
        for n, q in enumerate(f.questions, start=1):
            if f.kind == "item_group":
                steps.append(Step(q, f.label, f"Question {n} of {len(f.questions)}"))
            else:
                last = q is questions[-1]
                steps.append(Step(q, "", "Last question" if last else "Another question"))
    return tuple(steps)


def closing_text(definition: Definition) -> tuple[str, ...]:
    """A questionnaire's information blocks (a crisis line), shown on its review page."""
    return tuple(f.text for f in definition.fields if f.kind == "info" and f.text)


def page_fields(definition: Definition) -> tuple[Field, ...]:
    """A form's fields for its one page: everything but the signature (its own step)."""
    return tuple(f for f in definition.fields if f.kind != "signature")


def capacity_words(capacity: str) -> str:
    """'You are signing as the client's legal guardian.'"""
    label = CAPACITY_LABELS.get(capacity)
    return f"You are signing as {label}." if label else "This account cannot sign this form; please ask the front desk."


def stored_as_typed(question: Question, value: object) -> str:
    """A stored answer put back in its field as the client would type it (a date as MM/DD/YYYY)."""
    if value is None:
        return ""
    if question.kind == "date" and isinstance(value, str):
        return short(dt.date.fromisoformat(value))
    return str(value)


def keep_answers(viewer: ClientViewer, assignment_id: int, answers: tuple[tuple[str, object], ...]) -> int:
    """Save what a closing screen had not saved yet (an idle log-out, a hang-up).

    Nobody is left to read a refusal, so an answer the domain refuses (not
    valid, or the chart no longer the viewer's) is left out; returns how many
    were kept.
    """
    from ..errors import DomainError
    from ..text import InvalidInput
    from .responses import save_answer

    kept = 0
    for question_id, value in answers:
        try:
            save_answer(viewer, assignment_id, question_id, value)
        except (DomainError, InvalidInput):
            continue
        kept += 1
    return kept


# --- a completed form, read back ----------------------------------------------


@dataclass(frozen=True)
class AnswerLine:
    number: int                # numbered as on the review page before it was sent
    label: str
    shown: str                 # as recorded: "2 · More than half the days", "(no answer)"


@dataclass(frozen=True)
class AskedPart:
    """One field of the form as it was asked: an information block (`heading`,
    `text`), an item group (its stem as `heading`, one line an item) or a question."""

    heading: str
    text: str
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class CompletedForm:
    """A completed form as its client reads it back: the version it answered
    (an edit of the form since changes nothing here), the answers, and the
    signature line. No score, band or risk flag: those are the clinician's
    (DESIGN.md section 9: flags alert the chart's clinician)."""

    response_id: int
    title: str
    intro: str
    completed: str             # "Completed Sun Dec 6, 2026, 10:00 AM EST"
    parts: tuple[AskedPart, ...]
    statement: str             # what a signature agreed to ("" when the form asks none)
    signature: str             # "Signed by Jamie Rivera, the client, Sun Dec 6, 2026, 10:00 AM EST: “I agree”"


def completed_form(viewer: ClientViewer, response_id: int) -> CompletedForm:
    """A response the viewer submitted on this chart, read-only; NotAllowed for
    another chart's, a former owner's, a draft, or once the chart is no longer
    theirs. The read is audited (form.response.view), as a staff read is."""
    view = client_response(viewer, response_id)
    definition = load_definition(
        FormResponse.select(FormVersion.definition).join(FormVersion).where(FormResponse.id == response_id).scalar()
    )
    zone = practice_zone()
    numbers = {line.question_id: n for n, line in enumerate(view.lines, start=1)}
    lines = {line.question_id: AnswerLine(numbers[line.question_id], line.label, line.shown) for line in view.lines}
    parts: list[AskedPart] = []
    for f in definition.fields:
        if f.kind == "info":
            parts.append(AskedPart(f.label, f.text, ()))
        elif f.kind == "item_group":
            parts.append(AskedPart(f.label, "", tuple(lines[q.id] for q in f.questions)))
        elif f.kind != "signature":
            parts.append(AskedPart("", "", tuple(lines[q.id] for q in f.questions)))
    signature = ""
    if view.signature is not None:
        sig = view.signature
        who = CAPACITY_LABELS.get(sig.capacity, sig.capacity)
        signature = f"Signed by {sig.name}, {who}, {format_when(sig.at, zone)}: “I agree”"
    # A questionnaire's intro is often its item group's stem word for word: say it once.
    stems = {part.heading.strip() for part in parts if part.answers}
    intro = "" if definition.intro.strip() in stems else definition.intro
    return CompletedForm(
        view.response_id, view.title, intro, f"Completed {format_when(view.submitted_at, zone)}",
        tuple(parts), definition.signature.text if definition.signature else "", signature,
    )
