"""The first screen: the practice's name and the three ways in."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Static

from tui.shared.runtime import plain

from .base import KioskScreen, Note


class WelcomeScreen(KioskScreen):
    CSS_PATH = "welcome.tcss"
    BINDINGS = [
        Binding("l", "login", "Log in", id="welcome.login"),
        Binding("i", "register", "I have a code", id="welcome.register"),
        Binding("f", "forgot", "Forgot password", id="welcome.forgot"),
    ]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        practice = self.kiosk.practice
        yield self.banner("Client portal")
        with Vertical(id="welcome-box"):
            yield Static(plain(practice.name), id="practice-name")
            yield Static("Welcome to the client portal.", id="welcome-line")
            if self.message:  # why the last visit ended; a first visit has none
                note = Note("notice", id="welcome-message")
                note.say(self.message)
                yield note
            with Center():
                yield Button("Log in", id="login", variant="primary")
                yield Button("I have an invitation code", id="register")
                yield Button("Forgot password", id="forgot")
            if practice.phone:
                yield Static(plain(f"Need help? Ask the front desk or call {practice.phone}."), classes="hint", id="help")
            else:
                yield Static("Need help? Ask the front desk.", classes="hint", id="help")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#login", Button).focus()

    @on(Button.Pressed, "#login")
    def action_login(self) -> None:
        self.kiosk.open("login")

    @on(Button.Pressed, "#register")
    def action_register(self) -> None:
        self.kiosk.open("register")

    @on(Button.Pressed, "#forgot")
    def action_forgot(self) -> None:
        self.kiosk.open("forgot_password")
