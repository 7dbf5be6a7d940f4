"""Delivery processes and their last round, so status reports what is in force."""
from peewee import *


def up(migrator, db):
    class MailWorker(Model):
        worker = CharField(unique=True)
        server = CharField()
        beat_at = DateTimeField()

        class Meta:
            database = db
            table_name = "mail_worker"

    db.create_tables([MailWorker])
