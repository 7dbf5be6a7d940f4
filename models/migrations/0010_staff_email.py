"""Staff email on file: where a risk alert on a chart goes when its clinician
has one (models/forms/alerts.py); empty for none."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff_user", "email", CharField(default="")),
    )
