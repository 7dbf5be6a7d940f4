"""The audit trail screen's indexes (models/audit_trail.py): each filter reads
its events newest first from an index that ends in the id, at a million rows.

(chart, id) and (actor, id) replace the one-column indexes of 0001: on
PostgreSQL those kept a chart's events in no useful order, so "newest 50"
sorted every event of the chart. Only audit_event is touched, so this
applies the same whether 0010 ran before it, after it, or not yet.
"""
from peewee import *

NEW = (("chart", "id"), ("actor", "id"), ("action", "id"), ("actor", "action", "id"), ("at", "id"))


def up(migrator, db):
    migrator.migrate(
        *(migrator.add_index("audit_event", columns, False) for columns in NEW),
        # 0001's names (its model had the older naming); IF EXISTS on both databases.
        migrator.sql("DROP INDEX IF EXISTS auditevent_chart"),
        migrator.sql("DROP INDEX IF EXISTS auditevent_actor"),
    )
