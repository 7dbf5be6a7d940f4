"""tui.textual_patches.css_cache: one parse per stylesheet per process, same rules as Textual's own parse."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App
from textual.css.stylesheet import Stylesheet

from tui.textual_patches import css_cache

TUI = Path(__file__).resolve().parent.parent / "tui"
SOURCES = sorted(TUI.glob("kiosk/*.tcss")) + sorted(TUI.glob("staff/**/*.tcss"))
DARK = App().get_css_variables()


@pytest.fixture(autouse=True)
def fresh_cache():
    css_cache.uninstall()
    yield
    css_cache.uninstall()  # tui.startup.run_app installs it again when an app starts


def parsed(variables: dict[str, str]) -> Stylesheet:
    sheet = Stylesheet(variables=variables)
    sheet.read_all(SOURCES)
    sheet.parse()
    return sheet


def described(sheet: Stylesheet) -> list[tuple]:
    """What a rule set means to Textual: selectors, declarations, priority."""
    return [(rule.selectors, repr(rule.styles.get_rules()), rule.is_default_rules, rule.tie_breaker, sorted(rule.selector_names)) for rule in sheet.rules]


def test_cached_rules_equal_textuals_own_parse():
    plain = described(parsed(DARK))
    assert css_cache.install()
    first = parsed(DARK)
    again = parsed(DARK)
    assert described(first) == plain
    assert described(again) == plain
    assert all(a is b for a, b in zip(first.rules, again.rules)), "the second stylesheet reused the parsed rules"


def test_reparse_reuses_parsed_rules():
    assert css_cache.install()
    sheet = parsed(DARK)
    before = list(sheet.rules)
    sheet.reparse()  # what Textual does when a screen brings its own CSS
    assert all(a is b for a, b in zip(before, sheet.rules))


def test_a_theme_change_is_parsed_again():
    assert css_cache.install()
    light = {**DARK, "primary": "#123456"}
    dark_rules = parsed(DARK).rules
    light_sheet = parsed(light)
    assert described(light_sheet) == described(parsed(light)) != described(parsed(DARK))
    assert not any(a is b for a, b in zip(dark_rules, light_sheet.rules))
    css_cache.uninstall()
    assert described(light_sheet) == described(parsed(light)), "same rules as an uncached parse with that theme"


def test_install_is_idempotent_and_uninstall_restores_textual():
    original = Stylesheet._parse_rules
    assert css_cache.install() and css_cache.install()
    assert Stylesheet._parse_rules.__wrapped__ is original
    css_cache.uninstall()
    assert Stylesheet._parse_rules is original


def test_an_unexpected_parser_is_left_alone(monkeypatch):
    def _parse_rules(self, css, read_from):  # a Textual whose internals differ
        return []

    monkeypatch.setattr(Stylesheet, "_parse_rules", _parse_rules)
    assert css_cache.install() is False
    assert Stylesheet._parse_rules is _parse_rules


@pytest.mark.parametrize("make_app", ["kiosk", "staff"])
def test_prime_parses_what_an_app_start_needs(make_app, settings):
    """What the SSH door's zygote does before it forks: afterwards an app's
    start parses nothing (without prime it parses every source it uses)."""
    from models.setup import open_portal
    from tui.kiosk.app import KioskApp
    from tui.ssh.zygote import preload
    from tui.staff.app import StaffApp

    open_portal(settings)
    prepared, failed = preload(["tui.kiosk.*", "tui.staff.*", "tui.textual_patches.css_cache:prime"])  # as the zygote
    assert failed == [] and prepared["tui.textual_patches.css_cache:prime"] > 20

    def parsed_sources() -> set:
        return {key[1] for cache in css_cache._by_variables.values() for key in cache}

    before = parsed_sources()
    app = KioskApp(settings=settings, source="kiosk") if make_app == "kiosk" else StaffApp(source="test")

    async def start() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()

    asyncio.run(start())
    assert parsed_sources() - before == set()


def test_run_app_installs_it(monkeypatch):
    import contextlib

    from tui import startup
    from tui.textual_patches import (detached_styles, dispatch_cache, focus_repaint, focus_restyle, render_rows,
                                     same_size_resize, sliced_paint, strip_caches, table_cells, terminal_input)

    monkeypatch.setattr(startup, "collector_paused", lambda **_: contextlib.nullcontext())  # no gc.freeze in pytest
    monkeypatch.setattr(terminal_input, "install", lambda: None)
    # The other patches stay off too: installed here they would stay for every
    # later test in this process, which runs the apps as Textual draws them.
    for patch in (detached_styles, dispatch_cache, focus_repaint, focus_restyle, render_rows,
                  same_size_resize, sliced_paint, strip_caches, table_cells):
        monkeypatch.setattr(patch, "install", lambda: None)
    seen = []

    class Started:
        def call_after_refresh(self, callback) -> None:
            pass

        def run(self) -> None:
            seen.append(getattr(Stylesheet._parse_rules, "portal_css_cache", False))

    startup.run_app(Started)
    assert seen == [True]


@pytest.mark.parametrize("make_app", ["kiosk", "staff"])
def test_the_apps_style_the_same_with_it(make_app, settings):
    from models.practice import update_practice
    from models.setup import open_portal
    from tui.kiosk.app import KioskApp
    from tui.staff.app import StaffApp

    open_portal(settings)
    update_practice(name="Cache Test Practice")

    def build() -> App:
        return KioskApp(settings=settings, source="kiosk") if make_app == "kiosk" else StaffApp(source="test")

    async def styles(use_cache: bool) -> list:
        if use_cache:
            assert css_cache.install()
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert bool(getattr(Stylesheet._parse_rules, "portal_css_cache", False)) is use_cache
            sheet = described(app.stylesheet)
            applied = [(type(w).__name__, w.id, repr(w.styles.base.get_rules())) for w in app.screen.walk_children()]
            screenshot = app.export_screenshot()
        return [sheet, applied, screenshot]

    uncached = asyncio.run(styles(False))
    cached = asyncio.run(styles(True))
    assert cached == uncached
