"""The signature step: the statement, who is signing (from the domain), the
typed full name and "I agree", then the submit."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from models.forms.client_views import capacity_words
from models.forms.responses import FormSession, Signature
from models.records import ClientViewer
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain

from ..base import Note
from .choices import Choices
from .submitting import Submits


class SignatureScreen(Submits):
    CSS_PATH = "forms.tcss"
    BINDINGS = [Binding("escape", "back", "Back to the review", id="signature.back")]

    def __init__(self, session: FormSession, viewer: ClientViewer) -> None:
        super().__init__()
        self.session = session
        self.viewer = viewer

    def compose(self) -> ComposeResult:
        field = self.session.definition.signature
        yield self.banner("Forms")
        with Vertical(id="signature-page", classes="page"):
            yield Static(plain(f"Sign: {self.session.title}", "bold"), id="signature-title")
            with VerticalScroll(id="statement"):
                yield Static(plain(field.text if field else ""), id="statement-text")
            yield Static(plain(capacity_words(self.session.capacity), "bold"), id="capacity")
            with Horizontal(classes="field-row"):
                yield Label("Your full name", classes="field-label")
                yield PlainInput(placeholder="as you would sign it", id="full-name", max_length=100)
            yield Choices("agreed", [(True, "I agree")], multiple=True, id="agree")
            yield Note(id="submit-note")
            with Horizontal(classes="buttons"):
                yield Button("Back", id="back")
                yield Button("Sign and submit", id="submit", variant="primary")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#full-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#agree", Choices).focus()

    @on(Choices.Changed, "#agree")
    def agreed(self, event: Choices.Changed) -> None:
        event.stop()
        if event.value:
            self.query_one("#submit", Button).focus()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def sign(self) -> None:
        name = self.query_one("#full-name", Input).value
        agreed = bool(self.query_one("#agree", Choices).value)
        self.submit_form(self.viewer, self.session.assignment_id, Signature(name, agreed))

    def refused(self, error: Exception) -> None:
        field = getattr(error, "field", "")
        self.query_one("#agree" if field == "agreed" else "#full-name").focus()
