"""tui.css_store: the parsed CSS written at install time, and when it is refused."""
from __future__ import annotations

import os

import pytest
from textual.css.stylesheet import Stylesheet

from tui import css_cache, css_store


def described(rules: list) -> list[tuple]:
    return [(rule.selectors, repr(rule.styles.get_rules()), rule.is_default_rules, rule.tie_breaker) for rule in rules]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("store")
    counts = css_store.build(directory)
    assert counts["kiosk"] > 10 and counts["staff"] > 10
    return directory


@pytest.fixture(autouse=True)
def fresh_cache():
    css_cache.uninstall()
    yield
    css_cache.uninstall()


def test_stored_rules_equal_textuals_own_parse(store):
    assert css_store.load("kiosk", store) > 10
    stored = css_cache.parsed()
    css_cache.uninstall()  # Textual's own parser from here on
    for variables, entries in stored.items():
        for key, rules in entries.items():
            fresh = Stylesheet(variables=dict(variables))._parse_rules(*key)
            assert described(rules) == described(fresh), key[1]


def test_the_store_is_used_instead_of_parsing(store):
    assert css_store.load("staff", store) > 10
    variables, entries = next(iter(css_cache.parsed().items()))
    key, rules = next(iter(entries.items()))
    assert Stylesheet(variables=dict(variables))._parse_rules(*key) is rules


def test_a_store_others_can_write_is_not_read(store):
    path = css_store.store_path("kiosk", store)
    os.chmod(path, 0o664)
    try:
        assert css_store.load("kiosk", store) == 0
    finally:
        os.chmod(path, 0o644)
    assert css_store.load("kiosk", store) > 0


def test_a_store_from_another_textual_or_garbage_is_not_read(store, tmp_path):
    header, _, body = css_store.store_path("kiosk", store).read_bytes().partition(b"\n")
    other = tmp_path / "_parsed_css-kiosk.bin"
    other.write_bytes(header.replace(b'"format": 1', b'"format": 0') + b"\n" + body)
    assert css_store.load("kiosk", tmp_path) == 0
    other.write_bytes(header + b"\n" + b"not a pickle")
    assert css_store.load("kiosk", tmp_path) == 0
    other.unlink()
    assert css_store.load("kiosk", tmp_path) == 0  # no store: parse as usual
