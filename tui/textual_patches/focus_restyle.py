"""A widget that gains or loses the focus is restyled alone, unless a rule styles
its descendants by its focus.

What it patches: `textual.widget.Widget.watch_has_focus` (Textual's watcher
of the private-ish `has_focus` reactive; it calls `update_node_styles`,
which restyles the widget and every widget inside it). A container that had
the focus (the chart room's tab, a scrolling page) is blurred when the
keyboard moves on, and Textual restyles its whole subtree: the Overview tab
left by F8 is 19 stylesheet applications (a DataTable is ten: itself and
its nine component classes) of the 52 an F8 to the Forms tab makes. A
descendant's style can only change with its ancestor's focus if a rule
names `:focus` (or `:blur`) on a part of its selector before the last
(`ListView:focus > ListItem`); the widget's own rules and its component
classes (`DataTable:focus > .datatable--cursor`) are applied with the
widget itself. Here the stylesheet's rules are read once per parse for such
parts: a widget whose type one of them names (or any widget, if such a part
is not a plain type: `#id:focus Label`, `.class:focus Label`, `*:focus
Label`) is restyled as Textual does; any other only itself.
`:focus-within` is Textual's own separate walk (Screen._update_focus_styles)
and is left alone.

Why (tests): tests/test_focus_restyle.py moves the focus through
containers and widgets, with rules that style descendants by an ancestor's
focus by type, by id and by class, and after each move compares every
widget's styles with a full restyle of the screen; and counts the
applications when a plain container is blurred (one, not one per widget
inside it).

What it buys: BENCHMARKS.md, "The Forms tab's F8 again" (issue 17).

Upstream issue text (Textualize/textual):
    "Focus and blur restyle the whole subtree. Widget.watch_has_focus calls
    update_node_styles(), i.e. stylesheet.update_nodes(walk_children(with_self=True)),
    so blurring a focused container with many widgets inside re-applies every
    one's rules though none depends on the container's focus. Could the
    stylesheet record whether any selector has :focus/:blur on a non-final
    compound selector (and for which types), and restyle descendants only
    then?"
"""
from __future__ import annotations

from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet
from textual.widget import Widget

FOCUS_STATES = {"focus", "blur"}
ANY = None  # a rule's focus part is not a plain type: every widget's descendants may depend on it

_textual_watch_has_focus = Widget.watch_has_focus
_seen: tuple[list, frozenset[str] | None] | None = None  # (the rules read, the types found)


def _focus_parts(stylesheet: Stylesheet):
    """Each selector part before the last that names :focus or :blur."""
    for rule in stylesheet.rules:
        for selector_set in rule.selector_set:
            for selector in selector_set.selectors[:-1]:
                if FOCUS_STATES & selector.pseudo_classes:
                    yield selector


def types_styling_descendants(stylesheet: Stylesheet) -> frozenset[str] | None:
    """The type names with `:focus`/`:blur` on a selector part before the last, or ANY."""
    global _seen
    rules = stylesheet.rules  # a new list on each parse
    if _seen is not None and _seen[0] is rules:
        return _seen[1]
    names: set[str] = set()
    for selector in _focus_parts(stylesheet):
        if selector.type is not SelectorType.TYPE:
            found = ANY
            break
        names.add(selector.name)
    else:
        found = frozenset(names)
    _seen = (rules, found)
    return found


def _watch_has_focus(self: Widget, has_focus: bool) -> None:
    stylesheet = self.app.stylesheet
    names = types_styling_descendants(stylesheet)
    if names is ANY or not names.isdisjoint(self._css_type_names):
        _textual_watch_has_focus(self, has_focus)  # itself and everything inside it
    else:
        stylesheet.update_nodes([self], animate=True)


def install() -> None:
    """Focus and blur restyle the widget alone where no rule asks for more (idempotent)."""
    Widget.watch_has_focus = _watch_has_focus  # type: ignore[method-assign]
