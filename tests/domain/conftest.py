"""Every domain test runs on SQLite and on PostgreSQL."""
import pytest

from tests.pg import private_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request):
    if request.param == "sqlite":
        yield ""
        return
    with private_schema("portal_test") as url:
        yield url
