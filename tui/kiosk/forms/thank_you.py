"""After a submit: "Thank you", then back to the list of forms."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.shared.runtime import plain

from ..base import KioskScreen


class ThankYouScreen(KioskScreen):
    CSS_PATH = "forms.tcss"
    BINDINGS = [Binding("escape", "done", "Back to your forms", id="thanks.done")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.form_title = title

    def compose(self) -> ComposeResult:
        yield self.banner("Forms")
        with Vertical(id="thanks-box"):
            yield Static("Thank you!", id="thanks-title")
            text = plain(self.form_title, "bold")
            text.append(" was sent to the practice.")
            yield Static(text, id="thanks-text")
            with Horizontal(classes="buttons"):
                yield Button("Back to your forms", id="done", variant="primary")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#done", Button).focus()

    @on(Button.Pressed, "#done")
    def action_done(self) -> None:
        self.dismiss(None)
