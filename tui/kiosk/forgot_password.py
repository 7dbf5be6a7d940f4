"""Forgot password: ask for a reset code (always the same answer), then set a new password."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, ContentSwitcher, Input, Static

from models.auth import AuthError, request_password_reset, reset_password
from models.kiosk_views import dob_preview
from tui.shared.plain_input import PlainInput

from .base import KioskForm, Note, field_row
from .password_rules import PASSWORD_RULES

ASK_FIELDS = ["reset-email", "reset-last-name", "reset-dob"]
RESET_FIELDS = ["reset-code", "new-password", "confirm-password"]
SENT = (
    "If those details match a portal account, we've emailed a reset code to it. "
    "The code works for one hour. Type it below with your new password."
)
DONE = "Your password was changed. Log in with your new password."


def ask_for_code(email: str, last_name: str, dob: str, source: str) -> None:
    """In the worker: the answer is the same whatever happened."""
    try:
        request_password_reset(email, last_name, dob, source)
    except Exception:
        pass


class ForgotPasswordScreen(KioskForm):
    CSS_PATH = "forgot_password.tcss"
    FIELD_ORDERS = (ASK_FIELDS, RESET_FIELDS)
    BINDINGS = [Binding("escape", "back", "Back", id="forgot.back")]
    STEPS = {
        "ask": ("ask-busy", ("send-code", "set-password")),
        "reset": ("reset-busy", ("send-code", "set-password")),
    }

    def compose(self) -> ComposeResult:
        yield self.banner("Forgot password")
        with ContentSwitcher(initial="step-ask", id="steps"):
            with VerticalScroll(id="step-ask", classes="page"):
                yield Static("Forgot your password?", classes="title")
                yield Static(
                    "Type your login email, and the last name and date of birth of the client "
                    "(you, or the person in your care). We'll email you a reset code.",
                    classes="hint",
                )
                yield field_row("Email", PlainInput(placeholder="name@example.com", id="reset-email", max_length=254))
                yield field_row("Last name", PlainInput(id="reset-last-name", max_length=100))
                yield field_row(
                    "Date of birth",
                    PlainInput(placeholder="MM/DD/YYYY", id="reset-dob", max_length=10),
                    Static("", id="reset-dob-readable", classes="field-note"),
                )
                yield Note(id="ask-error")
                yield Note("busy", id="ask-busy")
                with Horizontal(classes="buttons"):
                    yield Button("Email me a code", id="send-code", variant="primary")
                    yield Button("I have a code", id="have-code")
                    yield Button("Back", id="ask-back")
            with VerticalScroll(id="step-reset", classes="page"):
                yield Static("Set a new password", classes="title")
                yield Note("notice", id="sent")
                yield field_row("Reset code", PlainInput(placeholder="XXXX-XXXX-XXXX-XXXX", id="reset-code", max_length=40))
                yield Static(PASSWORD_RULES, classes="hint rules")
                yield field_row("New password", PlainInput(password=True, id="new-password", max_length=256))
                yield field_row("New, again", PlainInput(password=True, id="confirm-password", max_length=256))
                yield Note(id="reset-error")
                yield Note("busy", id="reset-busy")
                with Horizontal(classes="buttons"):
                    yield Button("Set new password", id="set-password", variant="primary")
                    yield Button("Back", id="reset-back")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#reset-email", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reset-dob":
            readable = dob_preview(event.value)
            self.query_one("#reset-dob-readable", Static).update(f"= {readable}" if readable else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id in ASK_FIELDS:
            if not self.next_field(event.input, ASK_FIELDS):
                self.ask()
        elif not self.next_field(event.input, RESET_FIELDS):
            self.reset()

    @on(Button.Pressed, "#have-code")
    def have_code(self) -> None:
        self.show_reset("")

    @on(Button.Pressed, "#ask-back, #reset-back")
    def action_back(self) -> None:
        if self.busy:
            return
        switcher = self.query_one("#steps", ContentSwitcher)
        if switcher.current == "step-reset":
            switcher.current = "step-ask"
            self.query_one("#reset-email", Input).focus()
        else:
            self.app.pop_screen()

    # --- step 1: ask for a code -------------------------------------------------------

    @on(Button.Pressed, "#send-code")
    def ask(self) -> None:
        if self.busy:
            return
        error = self.query_one("#ask-error", Note)
        if not all(self.value(f).strip() for f in ASK_FIELDS):
            error.say("Please fill in all three: email, last name and date of birth.")
            return
        if not dob_preview(self.value("reset-dob")):
            error.say("Enter the date of birth as MM/DD/YYYY, for example 04/13/2001.")
            self.query_one("#reset-dob", Input).focus()
            return
        error.say("")
        self.send(
            "ask", ask_for_code, self.value("reset-email"), self.value("reset-last-name"), self.value("reset-dob"), self.kiosk.source
        )

    def answered_ask(self, _: None) -> None:
        self.show_reset(SENT)

    def show_reset(self, notice: str) -> None:
        self.query_one("#sent", Note).say(notice)
        self.query_one("#steps", ContentSwitcher).current = "step-reset"
        self.query_one("#reset-code", Input).focus()

    # --- step 2: the code and a new password ------------------------------------------

    @on(Button.Pressed, "#set-password")
    def reset(self) -> None:
        if self.busy:
            return
        error = self.query_one("#reset-error", Note)
        if not self.value("reset-code").strip():
            error.say("Type the reset code from the email.")
            self.query_one("#reset-code", Input).focus()
            return
        if not self.value("new-password"):
            error.say("Choose a new password and type it twice.")
            self.query_one("#new-password", Input).focus()
            return
        error.say("")
        self.send("reset", reset_password, self.value("reset-code"), self.value("new-password"), self.value("confirm-password"), self.kiosk.source)

    def refused_reset(self, exc: AuthError) -> None:
        self.query_one("#reset-error", Note).say(exc.message)
        if getattr(exc, "field", "") == "new":
            for field in ("new-password", "confirm-password"):
                self.query_one(f"#{field}", Input).value = ""
            self.query_one("#new-password", Input).focus()
        else:
            self.query_one("#reset-code", Input).focus()

    def answered_reset(self, email: str) -> None:
        self.kiosk.go("login", email=email, notice=DONE)
