"""Small pieces the staff screens share."""
from __future__ import annotations

from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.shared.runtime import plain


def set_error(target: Static, message: str = "") -> None:
    """Show `message` (plain text) in an error line; an empty message hides it."""
    target.update(plain(message))
    target.set_class(bool(message), "shown")


class ChartChanged(Message):
    """Something about the chart changed; the chart room refreshes what shows it.

    `tab` is the tab that made the change and has already redrawn itself.
    """

    def __init__(self, what: str = "", tab: Widget | None = None) -> None:
        super().__init__()
        self.what = what
        self.tab = tab

    @property
    def control(self) -> Widget | None:
        return self.tab


class ChartRefused(Message):
    """The domain refused a read of the chart (models/roles.py: not one of a
    clinician's charts, e.g. given to another clinician meanwhile); the chart
    room says why, once, and closes."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class FieldErrorsMixin:
    """For form screens: error lines with class `field-error`, Enter moves on."""

    def clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            set_error(error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()
