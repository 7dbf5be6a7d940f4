"""Parse each stylesheet once per process, not once per screen.

What it patches: `textual.css.stylesheet.Stylesheet._parse_rules` (private),
wrapped by a process-wide cache. Textual keeps parsed CSS in a cache per
`Stylesheet` object, but `Stylesheet.reparse()` (run whenever a screen
brings its own CSS_PATH or CSS, and on a theme change) parses into a
brand-new `Stylesheet` whose cache is empty, so every source is parsed
again: the kiosk parsed its 16 sources 76 times before its first frame.
The key is Textual's own cache key plus the CSS variables (the theme), so a
theme change never reuses rules parsed with other colours. Parsed rule sets
are read-only once parsed (Textual's own cache already hands the same lists
out again), so sharing them is safe. `tui.startup.run_app` installs it.

Why (tests): `tests/test_css_cache.py::test_reparse_reuses_parsed_rules`
(a reparse reuses the rules instead of parsing again) and
`::test_cached_rules_equal_textuals_own_parse`,
`::test_the_apps_style_the_same_with_it` (the same rules, styles and screen
as Textual's own parse).

What it buys: see BENCHMARKS.md, "Issue 15: framework patches" (instructions
to the first frame, with and without it, measured in the same run).

Textual is pinned exactly in pyproject.toml; if a different Textual lacks
the method this wraps, `install()` changes nothing and returns False.

Upstream issue text (Textualize/textual):
    "Stylesheet.reparse() discards the parse cache. `reparse()` builds a new
    Stylesheet and calls `parse()` on it, so `_parse_cache` starts empty and
    every source (every widget's DEFAULT_CSS, every CSS_PATH file) is parsed
    again although neither its text nor the variables changed. An app whose
    screens each bring a CSS_PATH reparses everything on each first push; a
    kiosk app here parsed 16 sources 76 times before its first frame. Could
    `reparse()` hand its parse cache to the new Stylesheet when the variables
    are unchanged (the cache key already holds the CSS text, location,
    defaults flag, tie breaker and scope)?"
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Iterator, Mapping

EXPECTED_PARAMS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
MAX_THEMES = 32         # distinct sets of CSS variables kept
MAX_SOURCES = 1024      # parsed sources kept per set of variables

_original: Callable[..., list] | None = None  # Textual's own parser, while installed

_by_variables: dict[tuple, dict[tuple, list]] = {}
# The variables dict seen last and its rules: Textual replaces that dict on
# a theme change rather than editing it, so identity is a cheap first check.
_last: tuple[Mapping[str, str] | None, dict[tuple, list] | None] = (None, None)


def _rules_for(variables: Mapping[str, str]) -> dict[tuple, list] | None:
    """The cache for this set of variables (None: too many themes, don't cache)."""
    global _last
    if _last[0] is variables:
        return _last[1]
    key = tuple(sorted(variables.items()))
    cache = _by_variables.get(key)
    if cache is None and len(_by_variables) < MAX_THEMES:
        cache = _by_variables[key] = {}
    _last = (variables, cache)
    return cache


def _cached(original: Callable[..., list]) -> Callable[..., list]:
    def _parse_rules(self: Any, css: str, read_from: Any, is_default_rules: bool = False, tie_breaker: int = 0, scope: str = "") -> list:
        cache = _rules_for(self._variables)
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = None if cache is None else cache.get(key)
        if rules is None:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            if cache is not None and len(cache) < MAX_SOURCES:
                cache[key] = rules
        return rules

    _parse_rules.__wrapped__ = original  # type: ignore[attr-defined]
    _parse_rules.portal_css_cache = True  # type: ignore[attr-defined]
    return _parse_rules


def install() -> bool:
    """Share parsed CSS between all stylesheets of this process (idempotent).

    Returns True when parsing goes through this cache, False when Textual's
    parser is not the expected one and nothing was changed.
    """
    try:
        from textual.css.stylesheet import Stylesheet
    except ImportError:
        return False
    global _original
    current = Stylesheet._parse_rules
    if getattr(current, "portal_css_cache", False):
        return True
    if list(inspect.signature(current).parameters) != EXPECTED_PARAMS:
        return False
    if not hasattr(Stylesheet(), "_variables"):
        return False
    Stylesheet._parse_rules = _cached(current)
    _original = current
    return True


def _sources() -> Iterator[tuple]:
    """Every stylesheet source the loaded App, Screen and widget classes can
    bring, as `_parse_rules` keys: each class's DEFAULT_CSS (with the tie
    breaker and scope it has for that class), the CSS_PATH files of apps and
    screens, and their CSS."""
    import os

    from textual._path import _css_path_type_as_list, _make_path_object_relative
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in {DOMNode, *subclasses(DOMNode)}:
        node = cls.__new__(cls)  # never initialised: only its class is read
        for read_from, css, tie_breaker, scope in node._get_default_css():
            yield css, read_from, True, tie_breaker, scope
        if not issubclass(cls, (App, Screen)):
            continue
        for path in _css_path_type_as_list(cls.CSS_PATH or []):
            resolved = os.path.abspath(_make_path_object_relative(path, node))
            try:
                with open(resolved, encoding="utf-8") as file:
                    yield file.read(), (resolved, ""), False, 0, ""
            except OSError:
                continue
        if cls.__dict__.get("CSS"):
            try:
                where = inspect.getfile(cls)
            except (TypeError, OSError):
                where = ""
            scope = cls._css_type_name if issubclass(cls, Screen) and cls.SCOPED_CSS else ""
            yield cls.CSS, (where, f"{cls.__name__}.CSS"), False, 0, scope


def prime() -> int:
    """Parse, now, every source `_sources()` finds, with the default theme's
    variables; returns how many were parsed. The SSH door's zygote calls it
    (by name) after importing the apps, so every app it forks finds its
    stylesheets parsed. Sources that do not parse are left for the app to
    report as it would."""
    if not install():
        return 0
    from textual.app import App
    from textual.css.stylesheet import Stylesheet

    variables = App().get_css_variables()
    cache = _rules_for(variables)
    if cache is None or _original is None:
        return 0
    sheet = Stylesheet(variables=variables)
    parsed = 0
    for key in _sources():
        if key in cache or len(cache) >= MAX_SOURCES:
            continue
        try:
            cache[key] = _original(sheet, *key)
        except Exception:  # invalid CSS: the app shows the error when it reads it
            continue
        parsed += 1
    return parsed


def uninstall() -> None:
    """Back to Textual's own parser and an empty cache (for tests)."""
    global _last, _original
    from textual.css.stylesheet import Stylesheet

    current = Stylesheet._parse_rules
    if getattr(current, "portal_css_cache", False):
        Stylesheet._parse_rules = current.__wrapped__
    _by_variables.clear()
    _last = (None, None)
    _original = None
