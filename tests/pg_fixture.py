"""A `database_url` fixture on a private PostgreSQL schema, for app tests that
also run on PostgreSQL (import it into the test module)."""
import os

import pytest

from tests.pg import drop_schema, fresh_schema


@pytest.fixture
def database_url():
    schema = f"portal_app_test_{os.getpid()}"
    yield fresh_schema(schema)
    from models.db import database

    if database.obj is not None:
        database.obj.close()
    drop_schema(schema)
