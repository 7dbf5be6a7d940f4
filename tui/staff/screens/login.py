"""StaffLoginScreen: username and password, checked in a worker thread (argon2 takes a while)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

if TYPE_CHECKING:
    from models.auth import LoginResult
    from models.staff_views import StaffView


class StaffLoginScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#username"
    _busy = False

    BINDINGS = [
        Binding("ctrl+s", "sign_in", "Sign in", id="login.sign_in"),
    ]

    class Checked(Message):
        """The worker's answer: the LoginResult, and who it is when it succeeded."""

        def __init__(self, result: LoginResult, staff: StaffView | None) -> None:
            super().__init__()
            self.result = result
            self.staff = staff

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
        return self._busy

    def reset(self, message: str = "") -> None:
        """Clear the form for the next person; `message` says why they are here."""
        self.set_busy(False)
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.say(message)
        self.query_one("#username", Input).focus()

    def set_busy(self, busy: bool) -> None:
        # No class on the screen for it: a screen's class restyles every
        # widget on it. The spinner exists only while a sign-in is checked:
        # it animates itself, and the first frame need not build it.
        self._busy = busy
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

    @on(Input.Submitted, "#username")
    def _username_entered(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        self.action_sign_in()

    @on(Button.Pressed, "#sign-in")
    def _sign_in_pressed(self) -> None:
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

    @db_worker("staff-login")
    def check_login(self, username: str, password: str, source: str) -> None:
        from models.auth import staff_login  # with argon2: not needed before the first sign-in
        from models.staff_views import staff_user

        result = staff_login(username, password, source)
        known = result.ok or bool(result.needs)
        self.post_message(self.Checked(result, staff_user(result.staff_id) if known else None))

    @on(Checked)
    def login_finished(self, event: Checked) -> None:
        result = event.result
        self.set_busy(False)
        password = self.query_one("#password", Input)
        password.value = ""
        if result.needs and event.staff is not None:
            self.second_step(result, event.staff)
        elif result.ok and event.staff is not None:
            self.say("")
            self.query_one("#username", Input).value = ""
            self.app.signed_in(result, event.staff)
        else:
            self.say(result.message, error=True)
            password.focus()

    def second_step(self, result: LoginResult, staff: StaffView) -> None:
        """The password was right; a code (or setting one up) comes next."""
        from .two_factor import CodeScreen, SetUpTwoFactorScreen

        def finished(done: LoginResult | None) -> None:
            if done is not None and done.ok:
                self.reset()
                self.app.signed_in(done, staff)
            else:
                self.reset("Signed out. Sign in again when you are ready.")

        screen = CodeScreen(result.ticket) if result.needs == "code" else SetUpTwoFactorScreen(result.ticket)
        self.app.push_screen(screen, finished)

    @on(Worker.StateChanged)
    def _check_failed(self, event: Worker.StateChanged) -> None:
        """A check that failed (the app shows why) must not leave the form busy."""
        if event.worker.group == "staff-login" and event.state is WorkerState.ERROR:
            self.set_busy(False)
