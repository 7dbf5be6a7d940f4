"""Staff email on file: where a risk alert on a chart goes when its clinician
has one (models/forms/alerts.py); empty for none. And a clinician's client
list in name order from an index of their own charts (models/roles.py): a
one-letter search among 100k charts read a tenth of the name index to find
their few (bench/scale.py, BENCHMARKS.md)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff_user", "email", CharField(default="")),
        migrator.add_index("client", ("clinician_id", "last_name_key", "first_name_key", "id"), False),
        migrator.add_index("client", ("clinician_id", "first_name_key", "last_name_key", "id"), False),
    )
