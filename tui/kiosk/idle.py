"""The idle warning: a countdown before the kiosk signs out by itself."""
from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Static

from tui.shared.dimmed_modal import DimmedModal


class IdleWarningScreen(DimmedModal[None]):
    """Shown over any screen when the kiosk has been idle; any key or click keeps the visit going.

    A click says so with `KeepGoing`, which bubbles to the app (keys are
    caught by the app before they arrive here).
    """

    CSS_PATH = "idle.tcss"

    class KeepGoing(Message):
        """The person is still there."""

    seconds_left: reactive[int] = reactive(30)

    def __init__(self, seconds_left: int) -> None:
        super().__init__()
        self.set_reactive(IdleWarningScreen.seconds_left, seconds_left)

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-box"):
            yield Static("Are you still there?", id="idle-title")
            yield Static(self._countdown(), id="idle-countdown")
            yield Static("Press any key or click to keep going.", id="idle-hint")
            yield Button("I'm still here", id="stay", variant="primary")

    def _countdown(self) -> str:
        n = self.seconds_left
        return f"For your privacy this kiosk will sign out in {n} second{'s' if n != 1 else ''}."

    def watch_seconds_left(self) -> None:
        if self.is_mounted:
            self.query_one("#idle-countdown", Static).update(self._countdown())

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.post_message(self.KeepGoing())

    @on(Button.Pressed, "#stay")
    def stay(self) -> None:
        self.post_message(self.KeepGoing())
