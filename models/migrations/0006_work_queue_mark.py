"""Per-staff mark of the work queue: forms completed since each person last looked."""
from peewee import *


def up(migrator, db):
    class StaffUser(Model):
        class Meta:
            database = db
            table_name = "staff_user"

    class WorkQueueMark(Model):
        staff = ForeignKeyField(StaffUser, unique=True, on_delete="CASCADE")
        seen_until = DateTimeField()
        looked_at = DateTimeField()

        class Meta:
            database = db
            table_name = "work_queue_mark"

    db.create_tables([WorkQueueMark])
