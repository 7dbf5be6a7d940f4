"""Log in with email and password; the password is checked in a worker (argon2 is slow)."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from models.auth import LoginResult, client_login, end_session
from models.kiosk_views import chart_choices
from models.text import email_key
from tui.shared.plain_input import PlainInput

from .base import SOMETHING_WRONG, Banner, KioskScreen, Note, field_row, in_thread

FIELDS = ["email", "password"]


class LoginScreen(KioskScreen):
    CSS_PATH = "login.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="login.back")]

    def __init__(self, email: str = "", notice: str = "") -> None:
        super().__init__()
        self.email = email
        self.notice = notice
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Banner("Log in")
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "login":
            self.submit()
        elif event.button.id == "forgot":
            from .forgot_password import ForgotPasswordScreen

            if not self.busy:
                self.app.switch_screen(ForgotPasswordScreen())
        elif event.button.id == "back":
            self.action_back()

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#login", Button).disabled = busy
        self.query_one("#busy", Note).say("Checking your password… please wait." if busy else "")

    def submit(self) -> None:
        if self.busy:
            return
        email = self.query_one("#email", Input).value.strip()
        password = self.query_one("#password", Input).value
        error = self.query_one("#error", Note)
        if not email or not password:
            error.say("Enter your email and your password.")
            self.query_one("#password" if email else "#email", Input).focus()
            return
        error.say("")
        self.query_one("#notice", Note).say("")
        self.set_busy(True)
        self.login_worker(email, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def login_worker(self, email: str, password: str) -> None:
        try:
            result = in_thread(client_login, email, password, self.kiosk.source)
        except Exception:
            result = LoginResult(False, SOMETHING_WRONG)
        if not self.deliver(self.logged_in, email, result) and result.ok:
            in_thread(end_session, result.session_id, "abandoned")  # the kiosk was cleared meanwhile

    def logged_in(self, email: str, result: LoginResult) -> None:
        from .app import KioskSession

        self.set_busy(False)
        if not result.ok:
            self.query_one("#error", Note).say(result.message)
            password = self.query_one("#password", Input)
            password.value = ""
            password.focus()
            return
        session = KioskSession(result.session_id, result.account_id, email_key(email))
        self.kiosk.sign_in(session)
        choices = chart_choices(result.account_id)
        if len(choices) == 1:
            session.chart_id = choices[0].chart_id
            from .dashboard import DashboardScreen

            self.app.switch_screen(DashboardScreen())
        else:
            from .choose_chart import ChooseChartScreen

            self.app.switch_screen(ChooseChartScreen(initial=True))
