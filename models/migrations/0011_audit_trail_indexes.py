"""The audit trail screen's indexes (models/audit_trail.py): each filter reads
its events newest first from an index that ends in the id, at a million rows.

(chart, id) and (actor, id) replace the one-column indexes of 0001: on
PostgreSQL those kept a chart's events in no useful order, so "newest 50"
sorted every event of the chart. The screen's chart filter is the client
list's search (charts.search_charts), whose prefix LIKEs on PostgreSQL need
pattern indexes (a seq scan of every chart otherwise, under any collation
but C). Only audit_event and client are touched, so this applies the same
whether 0010 ran before it, after it, or not yet.
"""
from peewee import *

NEW = (("chart", "id"), ("actor", "id"), ("action", "id"), ("actor", "action", "id"), ("at", "id"))
PREFIXED = ("last_name_key", "first_name_key", "chart_number")


def up(migrator, db):
    operations = [migrator.add_index("audit_event", columns, False) for columns in NEW]
    # 0001's names (its model had the older naming); IF EXISTS on both databases.
    operations += [migrator.sql("DROP INDEX IF EXISTS auditevent_chart"), migrator.sql("DROP INDEX IF EXISTS auditevent_actor")]
    if isinstance(db, PostgresqlDatabase):
        operations += [migrator.sql(f"CREATE INDEX IF NOT EXISTS client_{column}_prefix ON client ({column} text_pattern_ops)")
                       for column in PREFIXED]
    migrator.migrate(*operations)
