"""What every kiosk screen shares: the banner, form helpers, worker plumbing."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from models.db import database
from models.practice import get_practice
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen

if TYPE_CHECKING:
    from .app import KioskApp

SOMETHING_WRONG = "Something went wrong on our side. Please try again, or ask the front desk for help."


def in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a domain call from a worker thread on that thread's own connection."""
    with database.connection_context():
        return fn(*args, **kwargs)


class Banner(Static):
    """The top line: the practice's name and where the person is."""

    def __init__(self, where: str = "", *, practice_name: str | None = None) -> None:
        name = get_practice().name if practice_name is None else practice_name
        text = plain(name, "bold")
        if where:
            text.append(f"  ·  {where}")
        super().__init__(text, classes="banner")


class Note(Static):
    """A line for errors or notices; hidden while empty."""

    def __init__(self, kind: str = "error", *, id: str | None = None) -> None:
        super().__init__("", id=id, classes=f"message {kind}")

    def say(self, text: str = "") -> None:
        self.update(plain(text))
        self.set_class(bool(text), "shown")


def field_row(label: str, field: Input, *extra: Static, id: str | None = None) -> Horizontal:
    """A label on the left and its input on the right."""
    return Horizontal(Label(label, classes="field-label"), field, *extra, classes="field-row", id=id)


class KioskScreen(PortalScreen):
    """A screen of the kiosk app."""

    @property
    def kiosk(self) -> "KioskApp":
        return self.app  # type: ignore[return-value]

    def is_live(self) -> bool:
        """Still on the app's screen stack (not cleared by a log-out)."""
        return self.is_attached and self in self.app.screen_stack

    def deliver(self, callback: Callable[..., Any], *args: Any) -> bool:
        """From a worker thread: run `callback` on the UI thread if the screen is still here.

        Returns False when the screen was cleared meanwhile (a log-out) and nothing ran.
        """

        def guarded() -> bool:
            if not self.is_live():
                return False
            callback(*args)
            return True

        try:
            return bool(self.app.call_from_thread(guarded))
        except RuntimeError:
            return False  # the app has gone

    def next_field(self, current: Input, order: list[str]) -> bool:
        """Enter in a field moves on to the next empty one; False on the last field."""
        ids = [f"#{name}" for name in order]
        here = f"#{current.id}"
        if here not in ids:
            return False
        index = ids.index(here)
        if index + 1 >= len(ids):
            return False
        self.query_one(ids[index + 1], Input).focus()
        return True

    def compose_footer(self) -> ComposeResult:
        yield KeyHints(show_command_palette=False)
