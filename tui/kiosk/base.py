"""What every kiosk screen shares: the banner, the notes, and the form scaffold."""
from __future__ import annotations

from typing import Any, Callable

from textual import events, getters, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from models.errors import DomainError
from models.text import InvalidInput
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import SOMETHING_WRONG, ForwardsWorkerErrors, db_worker

from .core import KioskBase

__all__ = ["SOMETHING_WRONG", "Banner", "KeysInOrder", "KioskForm", "KioskScreen", "Note", "field_row"]

# What a form's call may refuse with: the message is meant for the person.
REFUSALS = (DomainError, InvalidInput)


class Banner(Static):
    """The top line: the practice's name and where the person is."""

    def __init__(self, practice_name: str, where: str = "") -> None:
        text = plain(practice_name, "bold")
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


class KioskScreen(ForwardsWorkerErrors, PortalScreen):
    """A screen of the kiosk app.

    `FIELD_ORDERS`: runs of fields where Enter moves on to the next one. It
    does so as the key arrives (a priority binding, like Tab): over SSH or
    from a quick typist, the keys typed after Enter come in the same burst
    and belonged to the next field, not to this one. Enter in a run's last
    field goes on to the field itself, which submits.
    """

    kiosk = getters.app(KioskBase)
    FIELD_ORDERS: tuple[list[str], ...] = ()
    BINDINGS = [Binding("enter", "enter_moves_on", show=False, priority=True, id="kiosk.enter_moves_on")]

    def action_enter_moves_on(self) -> None:
        current = self.focused
        if isinstance(current, Input):
            for order in self.FIELD_ORDERS:
                if self.next_field(current, order):
                    return
        raise SkipAction()

    def banner(self, where: str = "") -> Banner:
        return Banner(self.kiosk.practice.name, where)

    def is_live(self) -> bool:
        """Still on the app's screen stack (not cleared by a log-out)."""
        return self.is_attached and self in self.app.screen_stack

    def next_field(self, current: Input, order: list[str]) -> bool:
        """Enter in a field moves on to the next empty one; False on the last field."""
        ids = [f"#{name}" for name in order]
        here = f"#{current.id}"
        if here not in ids:
            return False
        index = ids.index(here)
        if index + 1 >= len(ids):
            return False
        self.set_focus(self.query_one(ids[index + 1], Input))  # now, not after the keys already queued
        return True

    def value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def compose_footer(self) -> ComposeResult:
        yield KeyHints(show_command_palette=False)



class KeysInOrder:
    """A screen that takes keys itself, in the order typed, while nothing in it is focused.

    With nothing focused, Textual hands every key to the screen's own
    queue, in order, except Tab and Shift+Tab: the app's priority bindings
    move the focus as they arrive, ahead of the keys typed before them. Here
    they are queued behind those keys instead (`on_key` gets them as keys).
    """

    def holds_keys(self) -> bool:
        return self.focused is None  # type: ignore[attr-defined]

    def focus_next(self, selector: Any = "*") -> Any:
        if self.holds_keys():
            self.post_message(events.Key("tab", None))  # type: ignore[attr-defined]
            return None
        return super().focus_next(selector)  # type: ignore[misc]

    def focus_previous(self, selector: Any = "*") -> Any:
        if self.holds_keys():
            self.post_message(events.Key("shift+tab", None))  # type: ignore[attr-defined]
            return None
        return super().focus_previous(selector)  # type: ignore[misc]


class KioskForm(KioskScreen):
    """A form whose steps each send one domain call to a worker.

    `send(step, call, *args)` shows the busy state, runs `call` in a
    database worker and, on the UI thread, hands the answer to
    `answered_<step>(result)` or the refusal to `refused_<step>(error)`.
    A refusal is a DomainError (or InvalidInput) whose message is for the
    person; anything else is the app's to show (WorkerErrors), and the form
    only leaves its busy state. An answer that finds the screen gone (a
    log-out meanwhile) goes to `abandoned_<step>(result)` instead.
    """

    BUSY_TEXT = "One moment… please wait."
    # step -> (the busy note's id, the buttons disabled while busy)
    STEPS: dict[str, tuple[str, tuple[str, ...]]] = {}

    class Answered(Message):
        def __init__(self, step: str, result: Any = None, error: Exception | None = None) -> None:
            super().__init__()
            self.step = step
            self.result = result
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._busy_step = ""

    def set_busy(self, busy: bool, step: str) -> None:
        self.busy = busy
        self._busy_step = step if busy else ""
        note, buttons = self.STEPS[step]
        for button in buttons:
            self.query_one(f"#{button}", Button).disabled = busy or self.button_off(button)
        self.query_one(f"#{note}", Note).say(self.busy_text(step) if busy else "")

    def busy_text(self, step: str) -> str:
        return self.BUSY_TEXT

    def button_off(self, button: str) -> bool:
        """A button that stays disabled once the form is not busy (a locked form)."""
        return False

    def send(self, step: str, call: Callable[..., Any], *args: Any) -> None:
        self.set_busy(True, step)
        self.form_worker(step, call, *args)

    @db_worker("kiosk-form")
    def form_worker(self, step: str, call: Callable[..., Any], *args: Any) -> None:
        try:
            result = call(*args)
        except REFUSALS as exc:
            self.post_message(self.Answered(step, error=exc))
            return
        if not self.post_message(self.Answered(step, result)):
            self.abandoned(step, result)  # the screen has closed: nobody will read it

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        self.set_busy(False, event.step)
        if not self.is_live():  # cleared by a log-out while the worker ran
            if event.error is None:
                self.kiosk.in_db(self.abandoned, event.step, event.result)
            return
        if event.error is not None:
            getattr(self, f"refused_{event.step}")(event.error)
        else:
            getattr(self, f"answered_{event.step}")(event.result)

    def abandoned(self, step: str, result: Any) -> None:
        """In a database worker: undo what an answer nobody saw left open (see LoginScreen)."""
        handler = getattr(self, f"abandoned_{step}", None)
        if handler is not None:
            handler(result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure that is not a refusal: leave the busy state; the app says what happened.
        if event.state is WorkerState.ERROR and self._busy_step and self.is_mounted:
            self.set_busy(False, self._busy_step)
        # (Textual runs KioskScreen's handler too: it walks the MRO.)
