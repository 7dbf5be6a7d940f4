"""A form the client completed, read again: as it was asked, with their answers
and the signature line, nothing to change (a change goes through the front desk).

It shows what the dashboard read (models.forms.client_views.completed_form,
which leaves out every score, band and risk flag). One scrolling text: the
arrows and Page Up/Down read on, Escape or the button goes back to the list.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from models.forms.client_views import CompletedForm
from tui.shared.runtime import plain

from ..base import KioskScreen

READ_ONLY = "Read only. To change an answer, please ask the front desk."


def completed_text(form: CompletedForm) -> Text:
    """The form top to bottom: its introduction, each part as asked with the answers, the signature."""
    out = Text()
    if form.intro:
        out.append_text(plain(form.intro + "\n\n"))
    for part in form.parts:
        if part.heading:  # an information block's title, or an item group's question (its items below)
            out.append_text(plain(part.heading + "\n", "italic" if part.answers else "bold"))
        if part.text:
            out.append_text(plain(part.text + "\n"))
        for answer in part.answers:  # numbered as on the review page, the answer below
            out.append_text(plain(f"{answer.number}. {answer.label}\n", "bold"))
            out.append_text(plain(f"   {answer.shown}\n"))
        out.append("\n")
    if form.signature:
        out.append_text(plain("Signature\n", "bold"))
        if form.statement:
            out.append_text(plain(form.statement + "\n"))
        out.append_text(plain(form.signature, "bold"))
    out.rstrip()
    return out


class CompletedFormScreen(KioskScreen):
    CSS_PATH = "forms.tcss"
    BINDINGS = [Binding("escape", "back", "Back to your forms", id="completed.back")]

    def __init__(self, completed: CompletedForm) -> None:
        super().__init__()
        self.completed = completed

    def compose(self) -> ComposeResult:
        yield self.banner("Forms")
        with Vertical(id="completed-page", classes="page"):
            yield Static(plain(self.completed.title, "bold"), id="completed-title")
            yield Static(plain(f"{self.completed.completed}. {READ_ONLY}"), id="completed-when", classes="hint")
            with VerticalScroll(id="completed-body"):
                yield Static(completed_text(self.completed), id="completed-text")
            with Horizontal(classes="buttons"):
                yield Button("Back to your forms", id="back", variant="primary")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#completed-body").focus()  # the arrows and Page Up/Down read on

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)
