"""A list of choices whose state reads without colour.

"(•)" / "( )" for one answer, "[x]" / "[ ]" for several, in the text of each
line; arrows and Enter (or Space), a click, or, when numbered, the digit of
a choice pick it.
"""
from __future__ import annotations

from typing import Any, Sequence

from rich.text import Text
from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList

from tui.shared.runtime import plain


def mark(chosen: bool, multiple: bool) -> str:
    if multiple:
        return "[x]" if chosen else "[ ]"
    return "(•)" if chosen else "( )"


class Choices(OptionList):
    """`options` are (value, label); `value` is the chosen value, or a list of them."""

    DEFAULT_CSS = """
    Choices {
        height: auto;
        max-height: 12;
        width: 1fr;
        max-width: 72;
    }
    """
    BINDINGS = [Binding("space", "select", "Choose", show=False, id="choices.space")]

    class Changed(Message):
        def __init__(self, choices: "Choices", value: Any) -> None:
            super().__init__()
            self.choices = choices
            self.value = value

        @property
        def control(self) -> "Choices":
            return self.choices

    def __init__(self, question_id: str, options: Sequence[tuple[Any, str]], *, multiple: bool = False,
                 numbered: bool = False, digit_keys: bool = True, value: Any = None, id: str | None = None) -> None:
        self.question_id = question_id
        self.digit_keys = numbered and digit_keys  # False: the screen takes the digits itself
        self.values = [v for v, _ in options]
        self.labels = [label for _, label in options]
        self.multiple = multiple
        self.numbered = numbered
        self.chosen: set[int] = set()
        self.set_value(value, draw=False)
        super().__init__(*(self._prompt(n) for n in range(len(self.values))), id=id)

    def _prompt(self, n: int) -> Text:
        text = Text(f"{n + 1}  " if self.numbered else "", style="bold")
        text.append(f"{mark(n in self.chosen, self.multiple)} ")
        text.append_text(plain(self.labels[n]))
        return text

    def _draw(self) -> None:
        for n in range(len(self.values)):
            self.replace_option_prompt_at_index(n, self._prompt(n))

    def show(self, question_id: str, options: Sequence[tuple[Any, str]], value: Any) -> None:
        """Another question's choices in the same list (the next questionnaire item)."""
        same_count = len(options) == len(self.values)
        self.question_id = question_id
        self.values = [v for v, _ in options]
        self.labels = [label for _, label in options]
        self.set_value(value, draw=False)
        if same_count:
            self._draw()
        else:
            self.clear_options()
            self.add_options([self._prompt(n) for n in range(len(self.values))])
        self.highlighted = min(self.chosen) if self.chosen else 0

    @property
    def value(self) -> Any:
        if self.multiple:
            return [self.values[n] for n in sorted(self.chosen)]
        return self.values[min(self.chosen)] if self.chosen else None

    def set_value(self, value: Any, *, draw: bool = True) -> None:
        wanted = value if isinstance(value, (list, tuple)) else ([] if value is None else [value])
        self.chosen = {n for n, v in enumerate(self.values) if v in wanted}
        if draw:
            self._draw()
            if self.chosen:
                self.highlighted = min(self.chosen)

    def on_mount(self) -> None:
        if self.chosen:
            self.highlighted = min(self.chosen)

    def pick(self, n: int) -> None:
        """Choose the n-th (0-based) choice, or toggle it in a multiple choice."""
        if not 0 <= n < len(self.values):
            return
        if self.multiple:
            self.chosen ^= {n}
        else:
            self.chosen = {n}
        self.highlighted = n
        self._draw()
        self.post_message(self.Changed(self, self.value))

    @on(OptionList.OptionSelected)
    def _option_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option_index)

    def on_key(self, event: events.Key) -> None:
        if self.digit_keys and event.character and event.character.isdigit():
            event.stop()
            event.prevent_default()
            self.pick(int(event.character) - 1)
