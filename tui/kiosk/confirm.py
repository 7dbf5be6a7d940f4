"""A yes/no question before the kiosk does something a person cannot undo themselves.

The same rule as the staff app's confirmations: it opens on the safe
answer (an Enter pressed once too often changes nothing) and says which
key does what. Esc is the safe answer too.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from tui.shared.dimmed_modal import DimmedModal
from tui.shared.runtime import plain


class KioskConfirmScreen(DimmedModal[bool]):
    DEFAULT_CSS = """
    KioskConfirmScreen {
        align: center middle;
        background: $background 70%;
    }

    KioskConfirmScreen #confirm-box {
        width: 66;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }

    KioskConfirmScreen #confirm-question {
        text-style: bold;
        margin-bottom: 1;
    }

    KioskConfirmScreen #confirm-keys {
        color: $text-muted;
    }

    KioskConfirmScreen Horizontal {
        height: auto;
        margin-top: 1;
    }

    KioskConfirmScreen Button {
        margin-right: 2;
    }
    """
    BINDINGS = [
        Binding("escape", "keep", "Keep it", id="confirm.keep"),
        Binding("left", "app.focus_previous", "Previous button", show=False, id="confirm.left"),
        Binding("right", "app.focus_next", "Next button", show=False, id="confirm.right"),
    ]

    def __init__(self, question: str, detail: str, yes: str, no: str) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(plain(self.question), id="confirm-question")
            yield Static(plain(self.detail), id="confirm-detail")
            yield Static(plain(f"Enter now: {self.no}. To go ahead: Tab, then Enter."), id="confirm-keys")
            with Horizontal():
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#no", Button))

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_keep(self) -> None:
        self.dismiss(False)
