"""An Input that never holds control characters.

A paste can carry escape sequences; an Input draws its value as it is, so
they would reach the terminal. Every form field in the apps is a PlainInput.
"""
from __future__ import annotations

from textual.widgets import Input

from models.text import without_controls


class PlainInput(Input):
    def insert_text_at_cursor(self, text: str) -> None:
        super().insert_text_at_cursor(without_controls(text))

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(without_controls(text), start, end)

    def insert(self, text: str, index: int) -> None:
        super().insert(without_controls(text), index)
