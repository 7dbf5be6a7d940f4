"""Form tests run on SQLite and on PostgreSQL (their own schema prefix)."""
from tests.pg import sqlite_and_postgresql

database_url = sqlite_and_postgresql("portal_forms_test")
