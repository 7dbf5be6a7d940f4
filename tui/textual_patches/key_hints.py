"""The footer of key hints every screen shows, keys in its first frame.

What it patches: `KeyHints` is Textual's `Footer` with two reaches into its
private parts: it sets `Footer._bindings_ready` at construction, and starts
each `FooterKey` (from the private module `textual.widgets._footer`) with
the footer's `compact` value. Textual's Footer composes empty when mounted
and builds its keys only after the screen's first "bindings changed"
signal, then rebuilds all of them (one widget each, styled and laid out
again) after every such signal: on each focus change, on each screen
resume. `KeyHints` composes its keys at once, remembers what it showed
(key, label, enabled, tooltip of each shown binding) and rebuilds only
when that changes. What it shows is Textual's own Footer.

Why (tests): `tests/test_first_frame.py::test_the_kiosk_welcome_arrives_whole`
checks the key hints are in the kiosk's first write (with Textual's Footer
they are not: 3 of 3 runs failed there), and
`tests/test_key_hints.py::test_keys_show_at_once_and_focus_moves_rebuild_only_on_change`
(a focus move that keeps the same keys rebuilds nothing).

What it buys: the screen's key hints in its first frame instead of a
refresh later; no rebuild of the footer on focus moves that keep the keys.
Instructions to the first frame with Textual's Footer instead were within
the measurement's noise (BENCHMARKS.md, "Issue 15: framework patches").

Upstream issue text (Textualize/textual):
    "Footer shows no keys in a screen's first frame. `Footer.compose()`
    yields nothing until `_bindings_ready` is set by the first
    `bindings_updated_signal`, so a new screen's first frame has an empty
    footer and the keys arrive with a recompose a refresh later. The
    screen's active bindings are already known when the footer mounts.
    Could the Footer compose its keys at once when mounted on the active
    screen, and skip its recompose when the bindings it shows did not
    change (every focus change recomposes every key today)? The keys also
    start with `compact=False` and are flipped by `data_bind` once mounted,
    so each is restyled twice."
"""
from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyHints(Footer):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Footer waits for the first "bindings changed" before composing its
        # keys; the screen's bindings are already known when it mounts.
        self._bindings_ready = True
        self._shown: tuple | None = None

    def _visible_bindings(self) -> tuple:
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self):
        self._shown = self._visible_bindings()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Footer binds each key's `compact` to its own; a key starts
                # compact, so each would be restyled twice on mount (class
                # added, then removed). Start it as the footer is.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        # Footer's own handler, less the rebuilds that would show the same keys.
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        visible = self._visible_bindings()
        if visible != self._shown:
            self._shown = visible  # several signals before the rebuild: one rebuild
            self.call_after_refresh(self.recompose)
