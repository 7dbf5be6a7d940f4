"""The second step of a staff sign-in: a code from an authenticator app
(CodeScreen), or, the first time, setting one up (SetUpTwoFactorScreen: a QR
code drawn in the terminal, the secret in text for typing, a first code to
confirm it, and ten recovery codes shown once).

Both are dismissed with the finished LoginResult, or None when the person
goes back to the sign-in form.
"""
from __future__ import annotations

import io

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Static

from models.auth import LoginResult
from models.errors import DomainError
from models.text import InvalidInput
from models.two_factor import Enrollment, Ticket, begin_enrollment, confirm_enrollment, sign_in_with_code
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker


def qr_text(uri: str) -> str:
    """The otpauth URI as a QR code in block characters (two rows a line)."""
    import segno

    out = io.StringIO()
    segno.make(uri, error="l").terminal(out=out, compact=True, border=1)
    return out.getvalue().rstrip("\n")


def grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


class CodeScreen(ForwardsWorkerErrors, PortalScreen):
    """Six digits from the authenticator app, or a recovery code."""

    AUTO_FOCUS = "#code"
    CSS_PATH = "two_factor.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="two_factor.back"),
    ]

    class Checked(Message):
        def __init__(self, result: LoginResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, ticket: Ticket) -> None:
        super().__init__()
        self.ticket = ticket

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="tf-box"):
            yield Static("Two-factor sign-in", classes="tf-title")
            yield Static("Type the 6-digit code your authenticator app shows now. Lost your phone? "
                         "Type one of your recovery codes instead.", markup=False)
            yield Label("Code")
            yield PlainInput(id="code", max_length=20, placeholder="123456")
            with Horizontal(classes="tf-actions"):
                yield Button("Sign in", id="check-code", variant="primary")
                yield Button("Back", id="back")
            yield Static("", id="code-error", classes="tf-error", markup=False)
        yield KeyHints()

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#check-code")
    def _check(self) -> None:
        typed = self.query_one("#code", Input).value
        if not typed.strip():
            self.query_one("#code-error", Static).update("Type the code first.")
            return
        self.query_one("#check-code", Button).disabled = True
        self.check(typed, self.app.source)  # type: ignore[attr-defined]

    @db_worker("two-factor-code")
    def check(self, typed: str, source: str) -> None:
        self.post_message(self.Checked(sign_in_with_code(self.ticket, typed, source)))

    @on(Checked)
    def _checked(self, event: Checked) -> None:
        self.query_one("#check-code", Button).disabled = False
        if event.result.ok:
            self.dismiss(event.result)
            return
        code = self.query_one("#code", Input)
        code.value = ""
        code.focus()
        self.query_one("#code-error", Static).update(event.result.message)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)


class SetUpTwoFactorScreen(ForwardsWorkerErrors, PortalScreen):
    """The first remote sign-in: set up an authenticator app, then keep the recovery codes."""

    AUTO_FOCUS = "#setup-code"
    CSS_PATH = "two_factor.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="two_factor_setup.back"),
    ]

    class Started(Message):
        def __init__(self, enrollment: Enrollment) -> None:
            super().__init__()
            self.enrollment = enrollment

    class Confirmed(Message):
        def __init__(self, codes: tuple[str, ...], result: LoginResult | None, error: str) -> None:
            super().__init__()
            self.codes = codes
            self.result = result
            self.error = error

    def __init__(self, ticket: Ticket) -> None:
        super().__init__()
        self.ticket = ticket
        self.result: LoginResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="tf-box"):
            with Horizontal(id="setup-row"):
                yield Static("", id="qr", markup=False)
                with Vertical(id="setup-side"):
                    yield Static("Set up two-factor sign-in", classes="tf-title")
                    yield Static("Signing in from outside the office needs a code from an authenticator "
                                 "app. Scan the QR code with it, or type this key:", markup=False)
                    yield Static("", id="secret", markup=False)
                    yield Label("The 6-digit code it shows")
                    yield PlainInput(id="setup-code", max_length=10, placeholder="123456")
                    with Horizontal(classes="tf-actions", id="setup-actions"):
                        yield Button("Confirm", id="confirm-setup", variant="primary")
                        yield Button("Back", id="back")
                    yield Static("", id="setup-error", classes="tf-error", markup=False)
            yield Static("", id="recovery", markup=False)
            yield Button("I have saved these codes", id="saved-codes", variant="primary")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#saved-codes").display = False
        self.query_one("#recovery").display = False
        self.start()

    @db_worker("two-factor-setup")
    def start(self) -> None:
        self.post_message(self.Started(begin_enrollment(self.ticket)))

    @on(Started)
    def _started(self, event: Started) -> None:
        self.query_one("#qr", Static).update(qr_text(event.enrollment.uri))
        self.query_one("#secret", Static).update(f"Key: {grouped(event.enrollment.secret)}")
        self.query_one("#setup-code", Input).focus()

    @on(Input.Submitted, "#setup-code")
    @on(Button.Pressed, "#confirm-setup")
    def _confirm(self) -> None:
        self.confirm(self.query_one("#setup-code", Input).value, self.app.source)  # type: ignore[attr-defined]

    @db_worker("two-factor-setup")
    def confirm(self, typed: str, source: str) -> None:
        try:
            done = confirm_enrollment(self.ticket, typed, source)
        except (InvalidInput, DomainError) as exc:
            self.post_message(self.Confirmed((), None, exc.message))
            return
        self.post_message(self.Confirmed(done.recovery_codes, done.result, ""))

    @on(Confirmed)
    def _confirmed(self, event: Confirmed) -> None:
        if event.result is None:
            self.query_one("#setup-error", Static).update(event.error)
            code = self.query_one("#setup-code", Input)
            code.value = ""
            code.focus()
            return
        self.result = event.result
        for hidden in ("#setup-row",):
            self.query_one(hidden).display = False
        recovery = self.query_one("#recovery", Static)
        self.query_one(".tf-box").mount(Static("Set up two-factor sign-in", classes="tf-title"), before=recovery)
        recovery.update("Two-factor sign-in is set up. Keep these recovery codes somewhere safe, away from "
                        "your phone: each signs you in once if the phone is lost. They are shown only now.\n\n"
                        + "\n".join(f"  {a}    {b}" for a, b in zip(event.codes[::2], event.codes[1::2])))
        recovery.display = True
        saved = self.query_one("#saved-codes", Button)
        saved.display = True
        saved.focus()

    @on(Button.Pressed, "#saved-codes")
    def _saved(self) -> None:
        self.dismiss(self.result)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.result is None:   # once the codes show, the sign-in is done: no way back
            self.dismiss(None)
