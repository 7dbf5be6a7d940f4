"""Radio buttons and check boxes whose state reads without colour.

Textual draws the same mark in every toggle and shows on/off by its colour
alone: three radio buttons looked alike, a check box looked the same on and
off (on a monochrome terminal, or to a colour-blind person). These draw the
mark only when on, through the documented `BUTTON_INNER` class variable,
which `ToggleButton._button` reads on every render.
"""
from __future__ import annotations

from textual.widgets import Checkbox as TextualCheckbox
from textual.widgets import RadioButton as TextualRadioButton


class RadioButton(TextualRadioButton):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return "●" if self.value else " "


class Checkbox(TextualCheckbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return "X" if self.value else " "
