"""Parse each stylesheet once per process, not once per screen.

Textual keeps parsed CSS in a cache per `Stylesheet` object, but
`Stylesheet.reparse()` (run whenever a screen brings its own CSS_PATH, and
on a theme change) parses into a brand-new `Stylesheet` whose cache is
empty, so every source is parsed again: the kiosk parsed its 16 sources 76
times before its first frame (~80 ms).

`install()` puts one process-wide cache in front of
`Stylesheet._parse_rules`. The key is Textual's own cache key plus the CSS
variables (the theme), so a theme change never reuses rules parsed with
other colours. Parsed rule sets are read-only once parsed (Textual's
own cache already hands the same lists out again), so sharing them is safe.

Textual is pinned exactly in pyproject.toml; if a different Textual lacks
the method this wraps, `install()` changes nothing and returns False.

The SSH door's zygote uses this same cache: `on_parse` tells it what an app
had to parse, and `learn()` parses that text into the zygote's cache, so
every later fork starts with it parsed.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping

EXPECTED_PARAMS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
MAX_THEMES = 32         # distinct sets of CSS variables kept
MAX_SOURCES = 1024      # parsed sources kept per set of variables

# Called as on_parse(variables, key) after each parse that was not cached.
on_parse: Callable[[Mapping[str, str], tuple], None] | None = None
_original: Callable[..., list] | None = None  # Textual's own parser, while installed
generation = 0  # bumped by uninstall(): what was added before is gone

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
            if on_parse is not None:
                on_parse(self._variables, key)
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


def learn(variables: Mapping[str, str], key: tuple) -> bool:
    """Parse one source (a key as `on_parse` gives it) into the cache now.
    Returns True if it was parsed; False if cached already, not cacheable,
    or the cache is not installed. Raises what Textual's parser raises."""
    if _original is None:
        return False
    cache = _rules_for(variables)
    if cache is None or key in cache or len(cache) >= MAX_SOURCES:
        return False
    from textual.css.stylesheet import Stylesheet

    css, read_from, is_default_rules, tie_breaker, scope = key
    cache[key] = _original(Stylesheet(variables=dict(variables)), css, read_from, is_default_rules, tie_breaker, scope)
    return True


def parsed() -> dict[tuple, dict[tuple, list]]:
    """Everything parsed so far: {variables as sorted items: {key: rules}}."""
    return {variables: dict(cache) for variables, cache in _by_variables.items()}


def add_parsed(stored: object) -> int:
    """Add rules from `parsed()` of another process (tui.css_store); returns
    how many sources were added. Entries of the wrong shape are skipped."""
    if _original is None or not isinstance(stored, dict):
        return 0
    added = 0
    for variables, entries in stored.items():
        if not (isinstance(variables, tuple) and isinstance(entries, dict)):
            continue
        cache = _by_variables.get(variables)
        if cache is None:
            if len(_by_variables) >= MAX_THEMES:
                continue
            cache = _by_variables[variables] = {}
        for key, rules in entries.items():
            if isinstance(key, tuple) and len(key) == 5 and isinstance(rules, list) and key not in cache and len(cache) < MAX_SOURCES:
                cache[key] = rules
                added += 1
    return added


def size() -> int:
    """How many parsed sources are cached, over all themes."""
    return sum(len(cache) for cache in _by_variables.values())


def uninstall() -> None:
    """Back to Textual's own parser and an empty cache (for tests)."""
    global _last, _original, generation
    from textual.css.stylesheet import Stylesheet

    current = Stylesheet._parse_rules
    if getattr(current, "portal_css_cache", False):
        Stylesheet._parse_rules = current.__wrapped__
    _by_variables.clear()
    _last = (None, None)
    _original = None
    generation += 1
