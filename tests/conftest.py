"""Shared fixtures: a real SQLite file per test, a frozen clock, cheap argon2."""
from __future__ import annotations

import datetime as dt
import os
import sys
import threading
from pathlib import Path

import argon2
import pytest

from models import clock as clock_mod
from models import passwords
from models.config import Settings
from models.setup import open_portal

START = dt.datetime(2026, 11, 20, 15, 0, 0)


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="run the soak tests (make soak)")


def pytest_configure(config):
    if config.getoption("--run-slow"):
        os.environ["PORTAL_SOAK"] = "1"  # soak runs use more examples and trials


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="soak test: run with make soak")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def cheap_hashing():
    previous = passwords.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    yield
    passwords.use_hasher(previous)


@pytest.fixture(autouse=True)
def full_collections_back():
    """An app's idle collector (tui/shared/collector.py) turns Python's full
    collections off for the process; the next test's process is the same one."""
    yield
    collector = sys.modules.get("tui.shared.collector")  # not imported here: domain tests load no UI
    if collector is not None:
        collector.give_back()


@pytest.fixture
def clock():
    frozen = clock_mod.FrozenClock(START)
    with clock_mod.use(frozen):
        yield frozen


@pytest.fixture
def database_url() -> str:
    """Empty: SQLite in the data dir. tests/domain runs on PostgreSQL too."""
    return ""


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, time_zone="America/New_York")


@pytest.fixture
def portal(settings: Settings, clock):
    """An open portal on a fresh database file, with the clock frozen."""
    open_portal(settings)
    yield settings
    from models.db import database

    database.obj.close()


@pytest.fixture
def loop_queries(monkeypatch):
    """(statements, recording): the SQL run on the event loop's thread while
    `recording` is set, for the tests that no query runs on the loop."""
    from models.db import database

    on_loop: list[str] = []
    recording = threading.Event()
    run = database.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        if recording.is_set() and threading.current_thread() is threading.main_thread():
            on_loop.append(sql)
        return run(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    return on_loop, recording
