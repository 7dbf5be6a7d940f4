"""A `database_url` fixture on a private PostgreSQL schema, for app tests that
also run on PostgreSQL (import it into the test module)."""
import pytest

from tests.pg import private_schema


@pytest.fixture
def database_url():
    with private_schema("portal_app_test") as url:
        yield url
