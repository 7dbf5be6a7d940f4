"""Log in with email and password; the password is checked in a worker (argon2 is slow)."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from models.auth import LoginResult, client_login, end_session
from models.kiosk_views import ChartChoice, chart_choices
from models.text import email_key
from tui.shared.plain_input import PlainInput

from .base import KioskForm, Note, field_row
from .core import KioskSession

FIELDS = ["email", "password"]


@dataclass(frozen=True)
class LoginAnswer:
    email: str
    result: LoginResult
    charts: tuple[ChartChoice, ...] = ()


def log_in(email: str, password: str, source: str) -> LoginAnswer:
    """In the worker: the password check, then (if it passed) whose charts there are."""
    result = client_login(email, password, source)
    charts = tuple(chart_choices(result.account_id)) if result.ok and result.account_id is not None else ()
    return LoginAnswer(email, result, charts)


class LoginScreen(KioskForm):
    CSS_PATH = "login.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="login.back")]
    STEPS = {"login": ("busy", ("login",))}
    BUSY_TEXT = "Checking your password… please wait."

    def __init__(self, email: str = "", notice: str = "") -> None:
        super().__init__()
        self.email = email
        self.notice = notice

    def compose(self) -> ComposeResult:
        yield self.banner("Log in")
        with VerticalScroll(classes="page"):
            yield Static("Log in to your portal", classes="title")
            yield Static("Your login is the email address your invitation was sent to.", classes="hint")
            yield Note("notice", id="notice")
            yield field_row("Email", PlainInput(self.email, placeholder="name@example.com", id="email", max_length=254))
            yield field_row("Password", PlainInput(password=True, id="password", max_length=256))
            yield Note(id="error")
            yield Note("busy", id="busy")
            with Horizontal(classes="buttons"):
                yield Button("Log in", id="login", variant="primary")
                yield Button("Forgot password", id="forgot")
                yield Button("Back", id="back")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#notice", Note).say(self.notice)
        self.query_one("#password" if self.email else "#email", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.next_field(event.input, FIELDS):
            self.submit()

    @on(Button.Pressed, "#forgot")
    def forgot(self) -> None:
        if not self.busy:
            self.kiosk.go("forgot_password")

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        if self.busy:
            return
        email = self.value("email").strip()
        password = self.value("password")
        error = self.query_one("#error", Note)
        if not email or not password:
            error.say("Enter your email and your password.")
            self.query_one("#password" if email else "#email", Input).focus()
            return
        error.say("")
        self.query_one("#notice", Note).say("")
        self.send("login", log_in, email, password, self.kiosk.source)

    def answered_login(self, answer: LoginAnswer) -> None:
        result = answer.result
        if not result.ok or result.session_id is None or result.account_id is None:
            self.query_one("#error", Note).say(result.message)
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
            return
        session = KioskSession(result.session_id, result.account_id, email_key(answer.email))
        self.kiosk.sign_in(session)
        if len(answer.charts) == 1:
            session.chart_id = answer.charts[0].chart_id
            self.kiosk.go("dashboard")
        else:
            self.kiosk.go("choose_chart", initial=True)

    def abandoned_login(self, answer: LoginAnswer) -> None:
        if answer.result.ok and answer.result.session_id is not None:
            end_session(answer.result.session_id, "abandoned")  # the kiosk was cleared meanwhile
