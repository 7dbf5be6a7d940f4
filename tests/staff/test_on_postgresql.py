"""The staff app on PostgreSQL: the workflow's path (expired -> resend) as on SQLite."""
from tests.pg_fixture import database_url  # noqa: F401  (overrides SQLite for this module)

from .test_chart_owner_flow import test_resend_an_expired_invitation as test_resend_on_postgresql  # noqa: F401
