"""The success message after registering."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Static

from tui.shared.runtime import plain

from .base import KioskScreen


class RegisteredScreen(KioskScreen):
    CSS_PATH = "registered.tcss"
    BINDINGS = [Binding("escape", "continue", "Log in", id="registered.continue")]

    def __init__(self, email: str, *, existing_account: bool = False) -> None:
        super().__init__()
        self.email = email
        self.existing_account = existing_account

    def compose(self) -> ComposeResult:
        yield self.banner("Registered")
        with Vertical(id="done-box"):
            yield Static("You're registered!", id="done-title")
            if self.existing_account:
                yield Static("This chart was added to the portal account you already have.", classes="done-line")
            yield Static("Your portal login is your email address:", classes="done-line")
            yield Static(plain(self.email, "bold"), id="done-email")
            yield Static("Log in with it and your password.", classes="done-line")
            with Center():
                yield Button("Continue to log in", id="continue", variant="success")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#continue", Button).focus()

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.kiosk.go("login", email=self.email)
