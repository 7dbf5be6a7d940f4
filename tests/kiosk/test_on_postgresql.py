"""The kiosk on PostgreSQL: the whole client path as on SQLite."""
from tests.pg_fixture import database_url  # noqa: F401  (overrides SQLite for this module)

from .test_client_path import test_register_log_in_use_the_dashboard_and_log_out as test_client_path_on_postgresql  # noqa: F401
