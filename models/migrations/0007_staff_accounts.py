"""Staff accounts: a temporary password to change at the next sign-in, the last
sign-in, and when the account was deactivated (its name stays on past actions)."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("staff_user", "must_change_password", BooleanField(default=False)),
        migrator.add_column("staff_user", "last_login_at", DateTimeField(null=True)),
        migrator.add_column("staff_user", "deactivated_at", DateTimeField(null=True)),
    )
