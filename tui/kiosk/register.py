"""Registration: the invitation code, then the client's last name, date of birth and a password."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, ContentSwitcher, Input, Static

from models.kiosk_views import dob_preview
from models.registration import Registered, RegistrationError, bad_code_message, check_code, register
from models.text import single_line
from tui.shared.plain_input import PlainInput

from .base import KioskForm, Note, field_row
from .password_rules import PASSWORD_RULES

DETAIL_FIELDS = ["last-name", "dob", "password", "confirm"]
# Input ids -> the registration field an error names (see RegistrationError.field).
ERROR_FIELDS = {"dob": "date_of_birth", "password": "password", "confirm": "password"}


def checked_code(typed: str, source: str) -> str:
    """In the worker: '' for a usable code, else what to tell the person."""
    return "" if check_code(typed, source) else bad_code_message()


class RegisterScreen(KioskForm):
    CSS_PATH = "register.tcss"
    BINDINGS = [Binding("escape", "back", "Back", id="register.back")]
    FIELD_ORDERS = (DETAIL_FIELDS,)
    STEPS = {"code": ("code-busy", ("check-code",)), "create": ("busy", ("create",))}

    def __init__(self, code: str | None = None) -> None:
        super().__init__()
        # A code given on the command line is shown in a field: never let a
        # control byte from it reach the terminal.
        self.start_code = single_line(code or "")[:40]
        self.locked = False
        self._error_about = ""  # the field the details error is about, if one

    def compose(self) -> ComposeResult:
        yield self.banner("Register")
        with ContentSwitcher(initial="step-code", id="steps"):
            with VerticalScroll(id="step-code", classes="page"):
                yield Static("Step 1 of 2 · Your invitation code", classes="title")
                yield Static(
                    "Type the 16-character code from your invitation email. Dashes and spaces are optional.",
                    classes="hint",
                )
                yield field_row("Invitation code", PlainInput(self.start_code, placeholder="XXXX-XXXX-XXXX-XXXX", id="code", max_length=40))
                yield Note(id="code-error")
                yield Note("busy", id="code-busy")
                with Horizontal(classes="buttons"):
                    yield Button("Continue", id="check-code", variant="primary")
                    yield Button("Back", id="back")
            with VerticalScroll(id="step-details", classes="page"):
                yield Static("Step 2 of 2 · Who you are, and a password", classes="title")
                yield Static("Last name and date of birth of the client (you, or the person in your care).", classes="hint")
                yield field_row("Last name", PlainInput(id="last-name", max_length=100))
                yield field_row(
                    "Date of birth",
                    PlainInput(placeholder="MM/DD/YYYY", id="dob", max_length=10),
                    Static("", id="dob-readable", classes="field-note"),
                )
                yield Static(PASSWORD_RULES, classes="hint", id="rules")
                yield Static(
                    "Already have a portal login with this email (say, for another child)? "
                    "Type that login's password instead.",
                    classes="hint",
                    id="existing-login",
                )
                yield field_row("Password", PlainInput(password=True, id="password", max_length=256))
                yield field_row("Password again", PlainInput(password=True, id="confirm", max_length=256))
                yield Note(id="details-error")
                yield Note("busy", id="busy")
                with Horizontal(classes="buttons"):
                    yield Button("Create my login", id="create", variant="primary")
                    yield Button("Back", id="details-back")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        if self.start_code:
            self.check_the_code()
        else:
            self.query_one("#code", Input).focus()

    # --- step 1 -----------------------------------------------------------------

    def busy_text(self, step: str) -> str:
        return "Creating your login… please wait." if step == "create" else "Checking the code… please wait."

    def button_off(self, button: str) -> bool:
        return button == "create" and self.locked

    @on(Button.Pressed, "#check-code")
    def check_the_code(self) -> None:
        if self.busy:
            return
        typed = self.query_one("#code", Input).value
        error = self.query_one("#code-error", Note)
        if not typed.strip():
            error.say("Type the code from your invitation email.")
            self.query_one("#code", Input).focus()
            return
        self.send("code", checked_code, typed, self.kiosk.source)

    def answered_code(self, refusal: str) -> None:
        if refusal:
            self.show_bad_code(refusal)
            return
        self.query_one("#code-error", Note).say("")
        self.query_one("#steps", ContentSwitcher).current = "step-details"
        self.query_one("#last-name", Input).focus()

    def refused_code(self, exc: Exception) -> None:
        self.show_bad_code(getattr(exc, "message", str(exc)))  # Throttled: this kiosk (or SSH address) guessed too often

    def show_bad_code(self, message: str) -> None:
        self.query_one("#steps", ContentSwitcher).current = "step-code"
        self.query_one("#code-error", Note).say(message)
        self.query_one("#code", Input).focus()

    # --- step 2 -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "dob":
            readable = dob_preview(event.value)
            self.query_one("#dob-readable", Static).update(f"= {readable}" if readable else "")
        if self._error_about and ERROR_FIELDS.get(event.input.id or "") == self._error_about:
            self.say_details_error("")  # they are fixing what it was about

    def say_details_error(self, message: str, about: str = "") -> None:
        self._error_about = about if message else ""
        self.query_one("#details-error", Note).say(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "code":
            self.check_the_code()
        elif not self.next_field(event.input, DETAIL_FIELDS):
            self.submit()

    @on(Button.Pressed, "#back, #details-back")
    def action_back(self) -> None:
        if self.busy:
            return
        switcher = self.query_one("#steps", ContentSwitcher)
        if switcher.current == "step-details" and not self.locked:
            switcher.current = "step-code"
            self.query_one("#code", Input).focus()
        else:
            self.app.pop_screen()

    @on(Button.Pressed, "#create")
    def submit(self) -> None:
        if self.busy or self.locked:
            return
        missing = [label for field, label in (("last-name", "last name"), ("dob", "date of birth")) if not self.value(field).strip()]
        if missing:
            self.say_details_error(f"Please fill in the {' and '.join(missing)}.")
            self.query_one(f"#{'last-name' if 'last name' in missing else 'dob'}", Input).focus()
            return
        if not self.value("password"):
            self.say_details_error("Please choose a password and type it twice.", about="password")
            self.query_one("#password", Input).focus()
            return
        self.say_details_error("")
        self.send(
            "create",
            register,
            self.value("code"),
            self.value("last-name"),
            self.value("dob"),
            self.value("password"),
            self.value("confirm"),
            self.kiosk.source,
        )

    def answered_create(self, done: Registered) -> None:
        self.kiosk.go("registered", email=done.email, existing_account=done.existing_account)

    def refused_create(self, exc: RegistrationError) -> None:
        if not isinstance(exc, RegistrationError):
            exc = RegistrationError(exc.message)
        if exc.field == "code":
            self.say_details_error("")
            self.show_bad_code(exc.message)
            return
        self.say_details_error(exc.message, about="" if exc.locked else (exc.field or ""))
        if exc.locked:
            self.locked = True
            for field in ("code", *DETAIL_FIELDS):
                self.query_one(f"#{field}", Input).disabled = True
            self.query_one("#create", Button).disabled = True
            self.query_one("#details-back", Button).label = "Back to start"
            self.query_one("#details-back", Button).focus()
        elif exc.field == "password":
            with self.prevent(Input.Changed):  # emptied for them: keep the reason shown
                for field in ("password", "confirm"):
                    self.query_one(f"#{field}", Input).value = ""
            self.query_one("#password", Input).focus()
        elif exc.field == "date_of_birth":
            self.query_one("#dob", Input).focus()
        else:
            self.query_one("#last-name", Input).focus()
