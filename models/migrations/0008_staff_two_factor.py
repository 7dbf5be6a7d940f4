"""Staff two-factor sign-in: a TOTP secret per staff user (encrypted with a key
derived from secret.key), the last time step used (no replays), and
single-use recovery codes kept as digests."""
from peewee import *


def up(migrator, db):
    class StaffUser(Model):
        class Meta:
            database = db
            table_name = "staff_user"

    class StaffTwoFactor(Model):
        staff = ForeignKeyField(StaffUser, unique=True, on_delete="CASCADE")
        secret = TextField()
        created_at = DateTimeField()
        confirmed_at = DateTimeField(null=True)
        last_step = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "staff_two_factor"

    class StaffRecoveryCode(Model):
        staff = ForeignKeyField(StaffUser, on_delete="CASCADE")
        digest = CharField(unique=True)
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "staff_recovery_code"

    db.create_tables([StaffTwoFactor, StaffRecoveryCode])
