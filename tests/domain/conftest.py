"""Every domain test runs on SQLite and on PostgreSQL."""
from tests.pg import sqlite_and_postgresql

database_url = sqlite_and_postgresql("portal_test")
