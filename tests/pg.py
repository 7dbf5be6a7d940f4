"""A private schema on the test PostgreSQL server (127.0.0.1:5432, database `test`)."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest

PG_URL = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _admin():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)


def fresh_schema(name: str) -> str:
    """Drop and create schema `name`; return a database URL that uses it."""
    try:
        conn = _admin()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        if os.environ.get("CI"):
            raise RuntimeError(f"PostgreSQL at {PG_URL} is required in CI: {exc}") from exc
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    with conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    return f"{PG_URL}?options=-csearch_path%3D{name}"


def drop_schema(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@contextmanager
def private_schema(prefix: str):
    """A fresh schema for this process; yields its URL, drops it afterwards."""
    schema = f"{prefix}_{os.getpid()}"
    url = fresh_schema(schema)
    try:
        yield url
    finally:
        from models.db import database

        if database.obj is not None:
            database.obj.close()
        drop_schema(schema)


def sqlite_and_postgresql(prefix: str):
    """A `database_url` fixture: each test runs on SQLite (""), then on a
    private PostgreSQL schema named after `prefix`."""

    @pytest.fixture(params=["sqlite", "postgresql"])
    def database_url(request):
        if request.param == "sqlite":
            yield ""
            return
        with private_schema(prefix) as url:
            yield url

    return database_url
