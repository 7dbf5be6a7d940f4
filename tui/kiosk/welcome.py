"""The first screen: the practice's name and the three ways in."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Static

from models.practice import get_practice
from tui.shared.runtime import plain

from .base import Banner, KioskScreen, Note


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
        practice = get_practice()
        yield Banner("Client portal", practice_name=practice.name)
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "login":
            self.action_login()
        elif event.button.id == "register":
            self.action_register()
        elif event.button.id == "forgot":
            self.action_forgot()

    def action_login(self) -> None:
        from .login import LoginScreen

        self.app.push_screen(LoginScreen())

    def action_register(self) -> None:
        from .register import RegisterScreen

        self.app.push_screen(RegisterScreen())

    def action_forgot(self) -> None:
        from .forgot_password import ForgotPasswordScreen

        self.app.push_screen(ForgotPasswordScreen())
