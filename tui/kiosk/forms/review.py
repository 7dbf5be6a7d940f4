"""The review page: every answer as it will be recorded, a way back to change one.

Choosing a line (Enter, or a click) goes back to that question. A form with
a signature goes on to the signature step; one without is submitted here.
"""
from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from models.errors import DomainError
from models.forms.client_views import closing_text
from models.forms.responses import FormSession, ReviewLine, review
from models.records import ClientViewer
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..base import Note
from .submitting import Submits

MISSING = "Some answers are still needed (marked “needs an answer”). Choose one to answer it."


class ReviewScreen(Submits):
    CSS_PATH = "forms.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back to the form", id="review.back"),
        Binding("ctrl+s", "go_on", "Continue", id="review.go_on"),
    ]

    class Lines(Message):
        def __init__(self, lines: tuple[ReviewLine, ...] | None, refusal: DomainError | None = None) -> None:
            super().__init__()
            self.lines = lines
            self.refusal = refusal

    def __init__(self, session: FormSession, viewer: ClientViewer) -> None:
        super().__init__()
        self.session = session
        self.viewer = viewer
        self.signs = session.definition.signature is not None
        self.lines: tuple[ReviewLine, ...] = ()

    def compose(self) -> ComposeResult:
        yield self.banner("Forms")
        with Vertical(id="review-page", classes="page"):
            yield Static(plain(f"Review: {self.session.title}", "bold"), id="review-title")
            yield Static("This is how your answers will be recorded. To change one, choose it (Enter or click).",
                         classes="hint")
            yield OptionList(id="review-lines")
            for text in closing_text(self.session.definition):
                yield Static(plain(text), classes="hint closing")
            yield Note(id="submit-note")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Continue to sign" if self.signs else "Submit", id="submit", variant="primary")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#submit", Button).disabled = True
        self.query_one("#review-lines", OptionList).focus()
        self.lines_worker(self.viewer, self.session.assignment_id)

    @db_worker("form-review")
    def lines_worker(self, viewer: ClientViewer, assignment_id: int) -> None:
        try:
            self.post_message(self.Lines(review(viewer, assignment_id)))
        except DomainError as exc:
            self.post_message(self.Lines(None, exc))

    @on(Lines)
    def show_lines(self, event: Lines) -> None:
        if event.lines is None:
            self.dismiss(("stopped", event.refusal))
            return
        self.lines = event.lines
        options = self.query_one("#review-lines", OptionList)
        options.clear_options()
        for n, line in enumerate(event.lines, start=1):
            prompt = Text()
            prompt.append(f"{n}. ")
            prompt.append_text(plain(line.label, "bold"))
            prompt.append("\n   ")
            if line.missing:
                prompt.append("(needs an answer)", style="bold reverse")
            else:
                prompt.append_text(plain(line.shown))
            options.add_option(Option(prompt, id=line.question_id))
        first_missing = next((n for n, line in enumerate(event.lines) if line.missing), None)
        options.highlighted = first_missing if first_missing is not None else 0
        self.query_one("#submit", Button).disabled = False
        if first_missing is None:
            self.query_one("#submit", Button).focus()
        if self._go_on_asked:       # Ctrl+S pressed while the answers were still being read
            self._go_on_asked = False
            self.action_go_on()

    @on(OptionList.OptionSelected, "#review-lines")
    def change(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and not self.busy:
            self.dismiss(("change", event.option.id))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)

    _go_on_asked = False

    @on(Button.Pressed, "#submit")
    def action_go_on(self) -> None:
        if self.busy:
            return
        if not self.lines:
            self._go_on_asked = True   # not lost: done once the answers are shown
            return
        if any(line.missing for line in self.lines):
            self.query_one("#submit-note", Note).say(MISSING)
            return
        if self.signs:
            self.kiosk.open("form_signature", callback=self.signed, session=self.session, viewer=self.viewer)
        else:
            self.submit_form(self.viewer, self.session.assignment_id, None)

    def signed(self, result: tuple[str, Any] | None) -> None:
        if result is not None:
            self.dismiss(result)
