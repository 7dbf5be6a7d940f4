"""A form on one scrolling page (consents, demographics, release of information).

Each field kind has its widget: a line of text, a box for long text, a date
(MM/DD/YYYY), a number (its range said), choices with "(•)"/"[x]" marks,
yes/no, an information block as plain text. An answer is checked and saved
when it is given: Enter or leaving a field, picking a choice. The domain's
reason shows under the field. The signature is its own step after the review.
"""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea

from models.forms.client_views import page_fields, stored_as_typed
from models.forms.definitions import Field, Question
from models.forms.responses import FormSession, Saved
from models.records import ClientViewer
from tui.shared.plain_input import PlainInput
from tui.shared.plain_text_area import PlainTextArea
from tui.shared.runtime import plain

from ..base import Note
from .choices import Choices
from .filling import FillingScreen

YES_NO = ((True, "Yes"), (False, "No"))


def _label(q: Question | Field) -> Text:
    text = plain(q.label, "bold")
    if getattr(q, "kind", "") != "info":
        text.append("" if q.required else "  (optional)", style="not bold")
    return text


def _hint(q: Question) -> str:
    if q.kind == "date":
        return "MM/DD/YYYY, for example 12/10/2026"
    if q.kind == "number":
        return f"A whole number from {q.minimum} to {q.maximum}"
    if q.kind == "multiple_choice":
        return "Choose all that apply (Enter, Space or a click ticks one)"
    if q.kind in ("single_choice", "yes_no"):
        return "Choose one (arrows and Enter, or a click)"
    return ""


def field_widget(q: Question, value: Any) -> Widget:
    wid = f"q-{q.id}"
    if q.kind in ("single_choice", "multiple_choice"):
        options = [(c.value, c.label) for c in q.options]
        return Choices(q.id, options, multiple=q.kind == "multiple_choice", value=value, id=wid)
    if q.kind == "yes_no":
        return Choices(q.id, YES_NO, value=value, id=wid)
    if q.kind == "long_text":
        area = PlainTextArea(stored_as_typed(q, value), id=wid, classes="long", soft_wrap=True)
        area.question_id = q.id  # type: ignore[attr-defined]
        return area
    classes = {"date": "date", "number": "number"}.get(q.kind, "text")
    max_length = {"date": 10, "number": 14}.get(q.kind, q.max_length)
    field = PlainInput(stored_as_typed(q, value), id=wid, classes=classes, max_length=max_length,
                       placeholder="MM/DD/YYYY" if q.kind == "date" else "")
    field.question_id = q.id  # type: ignore[attr-defined]
    return field


class FormPageScreen(FillingScreen):
    CSS_PATH = "forms.tcss"
    BINDINGS = [
        Binding("ctrl+r", "review", "Review answers", id="form.review"),
        Binding("escape", "leave", "Save and leave", id="form.leave"),
    ]

    def __init__(self, assignment_id: int, viewer: ClientViewer, title: str = "", *,
                 opened_by_caller: bool = False) -> None:
        super().__init__(assignment_id, viewer, opened_by_caller=opened_by_caller)
        self.title_text = title
        self.given: dict[str, str] = {}    # what each text field held when last given
        self.typed: dict[str, str] = {}    # what it holds now (read at unmount, when the widgets are gone)

    def compose(self) -> ComposeResult:
        yield self.banner("Forms")
        with Vertical(id="form-page", classes="page"):
            yield Static(plain(self.title_text, "bold"), id="form-title")
            yield Static("Opening your form…", id="form-hint", classes="hint")
            yield VerticalScroll(id="form-fields")
            with Horizontal(classes="buttons"):
                yield Button("Review answers", id="review", variant="primary")
                yield Button("Save and leave", id="leave")
        yield from self.compose_footer()

    def show_session(self, session: FormSession) -> None:
        self.query_one("#form-title", Static).update(plain(session.title, "bold"))
        self.query_one("#form-hint", Static).update(
            "Answers are saved as you go. Tab moves to the next question; Ctrl+R reviews your answers."
        )
        blocks: list[Widget] = []
        if session.definition.intro:
            blocks.append(Static(plain(session.definition.intro), classes="intro"))
        for f in page_fields(session.definition):
            if f.kind == "info":
                blocks.append(Vertical(Static(_label(f), classes="field-title"), Static(plain(f.text), classes="info"),
                                       classes="field-block"))
                continue
            for q in f.questions:
                parts: list[Widget] = [Static(_label(q), classes="field-title")]
                help_text = " ".join(x for x in (q.help, _hint(q)) if x)
                if help_text:
                    parts.append(Static(plain(help_text), classes="hint"))
                widget = field_widget(q, self.answers.get(q.id))
                parts.append(widget)
                parts.append(Note(id=f"err-{q.id}"))
                if isinstance(widget, (Input, TextArea)):
                    self.given[q.id] = stored_as_typed(q, self.answers.get(q.id))
                blocks.append(Vertical(*parts, classes="field-block", id=f"block-{q.id}"))
        scroll = self.query_one("#form-fields", VerticalScroll)
        scroll.mount_all(blocks)
        self.call_after_refresh(self.go_to, session.resume_at or (session.definition.questions[0].id
                                                                  if session.definition.questions else ""))

    # --- giving answers -----------------------------------------------------------------

    def give(self, question_id: str, value: Any) -> None:
        self.answers[question_id] = value
        self.save(question_id, value)

    def _text_value(self, widget: Widget) -> str:
        return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]

    def give_text(self, widget: Widget) -> None:
        question_id = getattr(widget, "question_id", "")
        if not question_id:
            return
        value = self._text_value(widget)
        if self.given.get(question_id) == value:
            return
        self.given[question_id] = value
        self.give(question_id, value)

    def on_input_changed(self, event: Input.Changed) -> None:
        question_id = getattr(event.input, "question_id", "")
        if question_id:
            self.typed[question_id] = event.value

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        question_id = getattr(event.text_area, "question_id", "")
        if question_id:
            self.typed[question_id] = event.text_area.text

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.give_text(event.input)
        self.focus_next()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, (Input, TextArea)):
            self.give_text(event.widget)

    @on(Choices.Changed)
    def chose(self, event: Choices.Changed) -> None:
        event.stop()
        self.give(event.choices.question_id, event.value)

    def unsaved(self) -> list[tuple[str, Any]]:
        left = [(question_id, value) for question_id, value in self.typed.items() if self.given.get(question_id) != value]
        self.given.update(left)
        return left

    def answer_checked(self, question_id: str, saved: Saved | None, reason: str) -> None:
        notes = self.query(f"#err-{question_id}")
        if notes:
            notes.first(Note).say(reason)

    # --- moving -------------------------------------------------------------------------

    def go_to(self, question_id: str) -> None:
        found = self.query(f"#q-{question_id}")
        if not found:
            return
        widget = found.first()
        widget.focus()
        blocks = self.query(f"#block-{question_id}")
        (blocks.first() if blocks else widget).scroll_visible(top=True, animate=False)

    @on(Button.Pressed, "#review")
    def review_pressed(self) -> None:
        for question_id, value in self.unsaved():
            self.give(question_id, value)
        self.action_review()

    def action_review(self) -> None:
        for question_id, value in self.unsaved():
            self.give(question_id, value)
        super().action_review()

    @on(Button.Pressed, "#leave")
    def leave_pressed(self) -> None:
        self.action_leave()
