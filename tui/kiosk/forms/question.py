"""A questionnaire, one question to a screen (PHQ-9, GAD-7).

"Question 4 of 9", the stem, the item, the numbered choices: a digit key
answers and moves on; arrows and Enter, or a click, do the same; Back
(Backspace, or the button) returns to the previous item with its answer
shown. After the last item, the review. Keys typed before the draft has
opened are kept and played in order once it has.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from models.forms.client_views import Step, questionnaire_steps
from models.forms.responses import FormSession, Saved
from models.records import ClientViewer
from tui.shared.runtime import plain

from ..base import Note
from .choices import Choices
from .filling import FillingScreen

NEEDS_ANSWER = "Please choose an answer: press its number, or use the arrows and Enter."


class QuestionScreen(FillingScreen):
    CSS_PATH = "forms.tcss"
    BINDINGS = [
        *(Binding(str(n), f"pick({n - 1})", show=False, id=f"question.pick{n}") for n in range(1, 10)),
        Binding("backspace", "back", "Back", id="question.back"),
        Binding("right", "next", "Next", show=False, id="question.next"),
        Binding("escape", "leave", "Save and leave", id="question.leave"),
    ]

    def __init__(self, assignment_id: int, viewer: ClientViewer, title: str = "",
                 typed_ahead: tuple[str, ...] = (), *, opened_by_caller: bool = False) -> None:
        super().__init__(assignment_id, viewer, opened_by_caller=opened_by_caller)
        self.title_text = title
        self.steps: tuple[Step, ...] = ()
        self.index = 0
        # keys that came before the draft opened (typed on the list, or here), played in order
        self._early: list[tuple[str, int]] = [("pick", int(d) - 1) for d in typed_ahead]
        self._keys = ""
        self._error = ""

    def compose(self) -> ComposeResult:
        yield self.banner("Forms")
        with Vertical(id="question-page", classes="page"):
            with Horizontal(id="question-top"):
                yield Static(plain(self.title_text, "bold"), id="form-title")
                yield Static("", id="question-number")
            yield Static("Opening your form…", id="question-stem", classes="hint")
            yield Static("", id="question-item")
            yield Choices("", [], numbered=True, digit_keys=False, id="question-choices")
            yield Note(id="question-error")
            yield Static("", id="question-keys", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back", disabled=True)
                yield Button("Next", id="next", variant="primary")
                yield Button("Save and leave", id="leave")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # keys answer; Tab stays on the choices
        super().on_mount()

    # --- drawing ----------------------------------------------------------------------

    def show_session(self, session: FormSession) -> None:
        if session.title != self.title_text:
            self.title_text = session.title
            self.query_one("#form-title", Static).update(plain(session.title, "bold"))
        self.steps = questionnaire_steps(session.definition)
        ids = [s.question.id for s in self.steps]
        self.index = ids.index(session.resume_at) if session.resume_at in ids else 0
        if not session.resume_at and self.steps:
            self.index = len(self.steps) - 1
        self.draw()
        early, self._early = self._early, []
        for action, n in early:
            self.run_early(action, n)
        if not session.resume_at and not early:
            self.action_review()   # everything was answered before: straight to the review

    def run_early(self, action: str, n: int) -> None:
        if action == "pick":
            self.action_pick(n)
        elif action == "back":
            self.action_back()
        elif action == "next":
            self.action_next()

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def draw(self) -> None:
        """Show the current item. Every box keeps its size (see forms.tcss), so
        moving on repaints them without a new layout of the screen."""
        step = self.step
        q = step.question
        self.query_one("#question-number", Static).update(step.heading, layout=False)
        self.query_one("#question-stem", Static).update(plain(step.stem), layout=False)
        item = plain(q.label, "bold")
        if not q.required:
            item.append("  (optional)", style="not bold")
        self.query_one("#question-item", Static).update(item, layout=False)
        choices = self.query_one("#question-choices", Choices)
        choices.show(q.id, [(c.value, c.label) for c in q.options], self.answers.get(q.id))
        if not choices.has_focus:
            choices.focus()
        self.say("")
        back = self.query_one("#back", Button)
        if back.disabled != (self.index == 0):
            back.disabled = self.index == 0
        label = "Review answers" if self.index == len(self.steps) - 1 else "Next"
        button = self.query_one("#next", Button)
        if str(button.label) != label:
            button.label = label
        keys = f"Press 1 to {len(q.options)}, or use the arrows and Enter, or click an answer."
        if keys != self._keys:
            self._keys = keys
            self.query_one("#question-keys", Static).update(keys, layout=False)

    def say(self, error: str) -> None:
        if error or self._error:
            self._error = error
            self.query_one("#question-error", Note).say(error)

    # --- answering ---------------------------------------------------------------------

    def action_pick(self, n: int) -> None:
        """A digit: the n-th answer (0-based) of the item on screen, then the next item."""
        if not self.steps:
            self._early.append(("pick", n))
            return
        options = self.step.question.options
        if 0 <= n < len(options):
            self.answer(options[n].value)

    @on(Choices.Changed, "#question-choices")
    def answered(self, event: Choices.Changed) -> None:
        """Arrows and Enter, or a click."""
        event.stop()
        if self.steps and event.value is not None:
            self.answer(event.value)

    def answer(self, value: Any) -> None:
        q = self.step.question
        self.answers[q.id] = value
        self.save(q.id, value)
        self.move(+1)

    def move(self, by: int) -> None:
        target = self.index + by
        if target >= len(self.steps):
            self.action_review()
            return
        if target < 0:
            return
        self.index = target
        self.draw()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if not self.steps:
            self._early.append(("back", 0))
            return
        self.move(-1)

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if not self.steps:
            self._early.append(("next", 0))
            return
        q = self.step.question
        if q.required and self.answers.get(q.id) is None:
            self.say(NEEDS_ANSWER)
            return
        self.move(+1)

    @on(Button.Pressed, "#leave")
    def leave_pressed(self) -> None:
        self.action_leave()

    def answer_checked(self, question_id: str, saved: Saved | None, reason: str) -> None:
        if reason:
            # Not expected for a listed choice; show it on the item it is about.
            self.answers.pop(question_id, None)
            self.go_to(question_id)
            self.say(reason)

    def go_to(self, question_id: str) -> None:
        ids = [s.question.id for s in self.steps]
        if question_id in ids:
            self.index = ids.index(question_id)
            self.draw()

    def reviewed(self, result: tuple[str, Any] | None) -> None:
        if result is None and self.steps:
            self.draw()  # back from the review: the last item, its answer shown
        super().reviewed(result)
