"""NewPasswordScreen: a staff member signed in with a temporary password
chooses their own before anything else opens (the admin who reset it never
learns the new one). Esc signs out instead."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Header, Input, Label, Static

from models.staff_accounts import change_own_password
from models.text import InvalidInput
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker


class NewPasswordScreen(ForwardsWorkerErrors, PortalScreen):
    AUTO_FOCUS = "#new-password"
    DEFAULT_CSS = """
    NewPasswordScreen { align: center middle; }
    #new-password-box { width: 64; max-width: 100%; height: auto; border: round $primary; padding: 1 2; }
    #new-password-title { text-style: bold; margin-bottom: 1; }
    #new-password-message { margin-top: 1; color: $error; }
    #save-password { margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save password", id="new_password.save"),
        Binding("escape", "sign_out", "Sign out", id="new_password.sign_out"),
    ]

    class Saved(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, staff_id: int) -> None:
        super().__init__()
        self.staff_id = staff_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="new-password-box"):
            yield Static("Choose your own password", id="new-password-title")
            yield Static("You signed in with a temporary password. Choose a new one of at least 15 characters: "
                         "a few unrelated words work well.", markup=False)
            yield Label("New password")
            yield PlainInput(id="new-password", password=True, max_length=1024)
            yield Label("New password again")
            yield PlainInput(id="confirm-password", password=True, max_length=1024)
            yield Button("Save password", id="save-password", variant="primary")
            yield Static("", id="new-password-message", markup=False)
        yield KeyHints()

    @on(Input.Submitted, "#new-password")
    def _next(self) -> None:
        self.query_one("#confirm-password", Input).focus()

    @on(Input.Submitted, "#confirm-password")
    @on(Button.Pressed, "#save-password")
    def action_save(self) -> None:
        new = self.query_one("#new-password", Input).value
        confirm = self.query_one("#confirm-password", Input).value
        self.save(new, confirm, self.app.source)  # type: ignore[attr-defined]

    @db_worker("new-password")
    def save(self, new: str, confirm: str, source: str) -> None:
        try:
            change_own_password(self.staff_id, new, confirm, source)
        except InvalidInput as exc:
            self.post_message(self.Saved(exc.message))
            return
        self.post_message(self.Saved(""))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        if event.error:
            self.query_one("#new-password-message", Static).update(event.error)
            self.query_one("#new-password", Input).focus()
            return
        self.app.notify("Your new password is saved.", markup=False)
        self.dismiss(True)

    def action_sign_out(self) -> None:
        self.dismiss(False)
