"""A widget not yet mounted is not restyled each time its classes change.

What it patches: `DOMNode.update_node_styles` (public, but the check uses the
private `_parent`). Textual restyles a node, and every node under it, each time
a CSS class is added, removed or set. A widget built while the app runs, not
yet mounted, is restyled too, and each restyle is thrown away: mounting applies
the stylesheet to every new widget anyway (`App._register`). A `Button` sets
its variant, `flat` and `compact` classes in its constructor: three to four
full restyles before it is mounted, ~1 ms of CPU each, for every button of
every dialog, form and tab (a Forms tab builds six; a confirmation two). Here
a node with no parent (built, not mounted) is skipped; the app itself has no
parent and is always restyled, and a mounted widget is restyled as before.

Why (tests): tests/test_detached_styles.py (a Button built while the app runs
is not restyled before it is mounted, and is styled as Textual styles it once
mounted: the same variant colours, compact height and classes).

What it buys: BENCHMARKS.md, "The Forms tab on screen" (issue 17).

Upstream issue text (Textualize/textual):
    "Widgets are restyled before they are mounted. `add_class`,
    `remove_class` and `set_class` call `update_node_styles`, which applies
    the stylesheet to the node and its descendants even when the node has
    no parent yet. `Button.__init__` sets three class-bearing reactives
    (variant, flat, compact), so each Button built inside a running app
    costs three or four stylesheet applications that `App._register`
    repeats on mount. Could `update_node_styles` return early for a node
    that is not attached (its styles are computed when it is mounted)?"
"""
from __future__ import annotations

from textual.app import App
from textual.dom import DOMNode

_textual_update_node_styles = DOMNode.update_node_styles


def _update_node_styles(self: DOMNode, animate: bool = True) -> None:
    if self._parent is None and not isinstance(self, App):
        return  # not mounted: mounting styles it (App._register applies the stylesheet)
    _textual_update_node_styles(self, animate)


def install() -> None:
    """Unmounted widgets are not restyled (idempotent)."""
    DOMNode.update_node_styles = _update_node_styles  # type: ignore[method-assign]
