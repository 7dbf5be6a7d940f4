"""Moving a practice from one database to another (SQLite -> PostgreSQL).

Rows are copied table by table in dependency order, in batches, with their
ids; sequences are moved past the copied ids; then row counts and the audit
chain are checked on the target.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import Database, PostgresqlDatabase

from . import db
from .audit import verify_chain
from .errors import DomainError
from .tables import ALL_TABLES

BATCH = 500


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]
    audit_events: int


def copy_database(source: Database, target_url: str, *, batch: int = BATCH) -> CopyReport:
    """Copy every table from `source` into the (empty or fresh) database at `target_url`."""
    db.database.initialize(source)
    source_rows = {model: [row for row in model.select().order_by(model._meta.primary_key).dicts()] for model in ALL_TABLES}

    target = db.connect(target_url)
    db.upgrade()
    for model in ALL_TABLES:
        if model.select().exists():
            raise DomainError(f"The target database already has {model._meta.table_name} rows; copy into an empty database.")
    with target.atomic():
        for model in ALL_TABLES:
            rows = source_rows[model]
            for start in range(0, len(rows), batch):
                model.insert_many(rows[start : start + batch]).execute()
        if isinstance(target, PostgresqlDatabase):
            for model in ALL_TABLES:
                table = model._meta.table_name
                pk = model._meta.primary_key.column_name
                target.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
                    f"COALESCE((SELECT MAX(\"{pk}\") FROM \"{table}\"), 0) + 1, false)"
                )
    counts = {model._meta.table_name: model.select().count() for model in ALL_TABLES}
    for model in ALL_TABLES:
        expected = len(source_rows[model])
        if counts[model._meta.table_name] != expected:
            raise DomainError(f"Copy check failed: {model._meta.table_name} has {counts[model._meta.table_name]} rows, expected {expected}.")
    chain = verify_chain()
    if not chain.ok:
        raise DomainError(f"Copy check failed: the audit chain does not verify on the target ({chain.problem}).")
    return CopyReport(counts, chain.checked)


def copy_open_database(target_url: str) -> CopyReport:
    """Copy the open portal's database (see `copy_database`) into `target_url`."""
    return copy_database(db.database.obj, target_url)
