"""StaffLoginScreen: username and password, checked in a worker thread."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Label, Static

from models.db import database
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.screen_base import PortalScreen

if TYPE_CHECKING:
    from models.auth import LoginResult


class StaffLoginScreen(PortalScreen):
    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#username"

    BINDINGS = [
        Binding("ctrl+s", "sign_in", "Sign in", id="login.sign_in"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Static("Staff sign in", id="login-title")
            yield Label("Username", id="username-label")
            yield PlainInput(id="username", placeholder="username", max_length=100)
            yield Label("Password", id="password-label")
            yield PlainInput(id="password", password=True, placeholder="password", max_length=1024)
            with Horizontal(id="login-actions"):
                yield Button("Sign in", id="sign-in", variant="primary")
            yield Static("", id="login-message", markup=False)
        yield KeyHints()

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#login-message", Static)
        line.update(message)
        line.set_class(error, "error")

    @property
    def busy(self) -> bool:
        return self.has_class("busy")

    def reset(self, message: str = "") -> None:
        """Clear the form for the next person; `message` says why they are here."""
        self.set_busy(False)
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.say(message)
        self.query_one("#username", Input).focus()

    def set_busy(self, busy: bool) -> None:
        self.set_class(busy, "busy")
        # The spinner exists only while a sign-in is checked: it animates
        # itself, and the first frame need not build it.
        spinner = self.query("#busy")
        if busy and not spinner:
            from textual.widgets import LoadingIndicator

            self.query_one("#login-actions").mount(LoadingIndicator(id="busy"))
        elif not busy:
            spinner.remove()
        button = self.query_one("#sign-in", Button)
        button.disabled = busy
        button.label = "Checking…" if busy else "Sign in"
        for field in self.query(Input):
            field.disabled = busy

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            self.query_one("#password", Input).focus()
        else:
            self.action_sign_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sign-in":
            self.action_sign_in()

    def action_sign_in(self) -> None:
        if self.busy:
            return
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip() or not password:
            self.say("Type your username and password.", error=True)
            return
        self.say("Checking…")
        self.set_busy(True)
        self.check_login(username, password, self.app.source)

    @work(thread=True, exclusive=True, group="staff-login")
    def check_login(self, username: str, password: str, source: str) -> LoginResult:
        from models.auth import staff_login  # with argon2: not needed before the first sign-in

        with database.connection_context():
            result = staff_login(username, password, source)
        try:
            self.app.call_from_thread(self.login_finished, result)
        except RuntimeError:  # the app closed while argon2 ran
            pass
        return result

    def login_finished(self, result: LoginResult) -> None:
        self.set_busy(False)
        password = self.query_one("#password", Input)
        password.value = ""
        if result.ok:
            self.say("")
            self.query_one("#username", Input).value = ""
            self.app.signed_in(result)
        else:
            self.say(result.message, error=True)
            password.focus()
