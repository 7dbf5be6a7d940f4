"""Every domain test runs on SQLite and on PostgreSQL."""
import os

import pytest

from tests.pg import drop_schema, fresh_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    if request.param == "sqlite":
        yield ""
        return
    schema = f"portal_test_{os.getpid()}"
    yield fresh_schema(schema)
    from models.db import database

    if database.obj is not None:
        database.obj.close()
    drop_schema(schema)
