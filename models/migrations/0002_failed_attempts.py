"""Per-source record of refused codes, for rate limiting code guesses."""
from peewee import *


def up(migrator, db):
    class FailedAttempt(Model):
        source = CharField()
        kind = CharField()
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "failed_attempt"
            indexes = ((("source", "kind", "at"), False),)

    db.create_tables([FailedAttempt])
