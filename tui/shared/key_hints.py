"""The footer of key hints every screen shows (`KeyHints`).

It reaches into Textual's Footer, so it lives with the other framework
patches, in tui/textual_patches/key_hints.py; screens import it from here.
"""
from tui.textual_patches.key_hints import KeyHints

__all__ = ["KeyHints"]
