"""TemporaryPasswordScreen: a new staff user's, or a reset's, one-time password, shown once.

Not a confirmation: there is nothing to cancel (the password is already
set), so its only button is Done, which Enter presses. It says plainly that
the password will not be shown again.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.shared.dimmed_modal import DimmedModal
from tui.shared.runtime import plain


class TemporaryPasswordScreen(DimmedModal[None]):
    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = """
    TemporaryPasswordScreen { align: center middle; }
    TemporaryPasswordScreen #temporary-password {
        text-style: bold;
        content-align: center middle;
        border: round $accent;
        height: 3;
        margin-bottom: 1;
    }
    """
    BINDINGS = [Binding("enter", "done", "Done", id="temporary_password.done", show=False)]
    AUTO_FOCUS = "#done"

    def __init__(self, title: str, full_name: str, password: str) -> None:
        super().__init__()
        self.title_text = title
        self.full_name = full_name
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self.title_text), id="dialog-title")
            yield Static(plain(f"Temporary password for {self.full_name}:"))
            yield Static(self.password, id="temporary-password", markup=False)
            yield Static(
                plain(f"It will not be shown again. Give it to {self.full_name} in person or by phone; "
                      "they choose their own password when they first sign in with it."),
                id="dialog-body",
            )
            with Horizontal(classes="dialog-actions"):
                yield Button("Done", id="done", variant="primary")

    @on(Button.Pressed, "#done")
    def action_done(self) -> None:
        self.dismiss(None)
