"""A chart's clinician: who sees its clinical results (models/roles.py)."""
from peewee import *


def up(migrator, db):
    class StaffUser(Model):
        class Meta:
            database = db
            table_name = "staff_user"

    migrator.migrate(
        # add_column indexes a foreign key by itself (client_clinician_id)
        migrator.add_column("client", "clinician_id", ForeignKeyField(StaffUser, null=True, field=StaffUser.id, on_delete="SET NULL")),
    )
