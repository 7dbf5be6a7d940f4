"""Log in with email and password; the password is checked in a worker (argon2 is slow)."""
from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from models.auth import LoginResult, client_login, end_session
from models.kiosk_views import ChartChoice, chart_choices
from models.text import email_key
from tui.shared.plain_input import PlainInput

from .base import KeysInOrder, KioskForm, Note, field_row
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


class LoginScreen(KeysInOrder, KioskForm):
    CSS_PATH = "login.tcss"
    AUTO_FOCUS = ""  # none: keys come here in order until a field is focused (KeysInOrder)
    BINDINGS = [Binding("escape", "back", "Back", id="login.back")]
    FIELD_ORDERS = (FIELDS,)
    STEPS = {"login": ("busy", ("login",))}
    BUSY_TEXT = "Checking your password… please wait."

    def __init__(self, email: str = "", notice: str = "", typed: list[tuple[str, str | None]] | None = None) -> None:
        """`typed`: the keys (key, character) a person typed on Welcome, which opened this form.

        Keys typed there after those reach `type_ahead`, in order, until
        `typing_handed_on`; keys that reach this screen meanwhile wait
        behind them (nothing is focused: KeysInOrder), then all are played
        into the form in the order typed."""
        super().__init__()
        self.email = email
        self.notice = notice
        self._from_welcome: list[tuple[str, str | None]] | None = list(typed) if typed else None
        self._held: list[tuple[str, str | None]] = []
        self._handed_on = False
        self._built = False

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
        self._built = True
        self.query_one("#notice", Note).say(self.notice)
        if self._from_welcome is None:
            self.query_one("#password" if self.email else "#email", Input).focus()
        else:
            self._play_typed()

    # --- keys typed on Welcome ---------------------------------------------------

    def holds_keys(self) -> bool:
        return self._from_welcome is not None and self.focused is None

    def type_ahead(self, key: str, character: str | None) -> None:
        """A key typed on Welcome after the one that opened this form."""
        if self._from_welcome is not None:
            self._from_welcome.append((key, character))
        else:  # played already: as if typed here
            self.app.post_message(events.Key(key, character))

    def typing_handed_on(self) -> None:
        """Welcome has handed on every key it held: play them, then the ones held here."""
        self._handed_on = True
        self._play_typed()

    def on_key(self, event: events.Key) -> None:
        if self.holds_keys():
            event.stop()
            event.prevent_default()
            self._held.append((event.key, event.character))

    def _play_typed(self) -> None:
        if not (self._built and self._handed_on and self._from_welcome is not None):
            return
        keys = self._from_welcome + self._held
        self._from_welcome, self._held = None, []
        fields = [self.query_one("#email", Input), self.query_one("#password", Input)]
        fields[0].select_on_focus = False  # what was typed stays when the next key comes
        at = 0
        for key, character in keys:
            if key in ("tab", "shift+tab"):
                at = 1 if key == "tab" else 0
            elif key == "enter":
                if at == 1:
                    self.set_focus(fields[1])
                    self.submit()
                    return
                at = 1
            elif key == "backspace":
                fields[at].action_delete_left()
            elif character and character.isprintable():
                fields[at].insert_text_at_cursor(character)
        self.set_focus(fields[at])

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
