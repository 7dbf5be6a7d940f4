"""The first screen: the practice's name and the three ways in.

Most people come to log in, and start typing their email: any character
typed here opens the login form with it in the email field, and the keys
that follow (even in one burst, before the form is up: "email<Tab>password
<Enter>" from a password manager) go to the form in the order typed. So the
other ways in are F-keys, not letters.

For that order, nothing is focused at first (KeysInOrder): every key then
comes to this screen's own queue, Tab too. Enter with nothing focused opens
the login form; Tab reaches the buttons.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from tui.shared.runtime import plain

from .base import KeysInOrder, KioskScreen, Note

if TYPE_CHECKING:
    from .login import LoginScreen

# Not the start of an email: a space, or a byte the terminal could not decode.
NOT_TYPING = {" ", "\ufffd"}


class WelcomeScreen(KeysInOrder, KioskScreen):
    CSS_PATH = "welcome.tcss"
    AUTO_FOCUS = ""  # none: keys come here in order until a field is focused (KeysInOrder)
    BINDINGS = [
        Binding("f2", "register", "I have a code", id="welcome.register"),
        Binding("f3", "forgot", "Forgot password", id="welcome.forgot"),
    ]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.message = message
        self._typing_to: LoginScreen | None = None  # the login form opened by typing

    def compose(self) -> ComposeResult:
        practice = self.kiosk.practice
        yield self.banner("Client portal")
        with Vertical(id="welcome-box"):
            yield Static(plain(practice.name), id="practice-name")
            yield Static("Welcome to the client portal.", id="welcome-line")
            yield Static("To log in, type your email.", classes="hint", id="type-hint")
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

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        super().on_screen_resume(event)
        self._typing_to = None  # back from the form: the next key opens a fresh one

    def on_key(self, event: events.Key) -> None:
        """A character opens the login form; the keys queued here after it follow it there."""
        if self._typing_to is not None:
            event.stop()
            event.prevent_default()
            self._typing_to.type_ahead(event.key, event.character)
            return
        char = event.character
        if event.is_printable and char and char not in NOT_TYPING:
            event.stop()
            event.prevent_default()
            login = self._typing_to = self.kiosk.make_screen("login", typed=[(event.key, char)])
            self.app.push_screen(login)
            # From now on keys go to the form; those already queued here come first.
            self.call_later(login.typing_handed_on)
        elif self.focused is None and event.key in ("enter", "tab", "shift+tab"):
            event.stop()
            if event.key == "enter":
                self.action_login()
            elif event.key == "tab":
                Screen.focus_next(self)
            else:
                Screen.focus_previous(self)

    @on(Button.Pressed, "#login")
    def action_login(self) -> None:
        self.kiosk.open("login")

    @on(Button.Pressed, "#register")
    def action_register(self) -> None:
        self.kiosk.open("register")

    @on(Button.Pressed, "#forgot")
    def action_forgot(self) -> None:
        self.kiosk.open("forgot_password")
