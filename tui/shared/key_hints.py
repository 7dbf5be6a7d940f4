"""The footer of key hints every screen shows, without redundant rebuilds.

Textual's `Footer` composes empty when mounted and rebuilds all its keys
(one widget each, styled and laid out again) after every "bindings changed"
signal: on each focus change, on each screen resume. So a screen's first
frame waits for a second compose and layout pass before its keys show, and
tabbing between fields rebuilds keys that did not change.

`KeyHints` composes its keys at once, remembers what it showed (key, label,
enabled, tooltip of each shown binding), and rebuilds only when that
changes; its keys start with the footer's `compact` setting instead of
flipping to it once mounted. What it shows is Textual's own Footer.
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
