"""The footer of key hints every screen shows (`KeyHints`), and how its keys are written.

KeyHints reaches into Textual's Footer, so it lives with the other framework
patches, in tui/textual_patches/key_hints.py; screens import it from here.
"""
from __future__ import annotations

import re

from textual.binding import Binding

from tui.textual_patches.key_hints import KeyHints

__all__ = ["KeyHints", "KeysAsPrinted"]

_AS_PRINTED = re.compile(r"\^[a-z]|f\d{1,2}")  # ^q, f3: Textual writes them in lower case


class KeysAsPrinted:
    """An app mixin: function and control keys written as the keyboard prints them
    ("F3 Documents", "^Q Quit"; Textual writes "f3" and "^q"). Letters typed as
    they are ("e Edit details") stay in lower case."""

    def get_key_display(self, binding: Binding) -> str:
        display = super().get_key_display(binding)  # type: ignore[misc]
        return display.upper() if _AS_PRINTED.fullmatch(display) else display
