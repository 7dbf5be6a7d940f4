"""Initial schema (a frozen copy of models/tables.py at this version)."""
from peewee import *

def up(migrator, db):
    class Client(Model):
        chart_number = CharField(unique=True)
        first_name = CharField()
        last_name = CharField()
        first_name_key = CharField()
        last_name_key = CharField()
        date_of_birth = DateField(index=True)
        email = CharField(default='')
        phone = CharField(default='')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'client'
            indexes = ((('last_name_key', 'first_name_key', 'id'), False), (('first_name_key', 'last_name_key', 'id'), False))
    db.create_tables([Client])

    class PortalAccount(Model):
        email = CharField(unique=True)
        display_name = CharField()
        password_hash = CharField()
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        created_at = DateTimeField()
        password_changed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'portal_account'
    db.create_tables([PortalAccount])

    class StaffUser(Model):
        username = CharField(unique=True)
        full_name = CharField()
        role = CharField()
        password_hash = CharField()
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staff_user'
    db.create_tables([StaffUser])

    class AppointmentRequest(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        account = ForeignKeyField(PortalAccount, null=True)
        mode = CharField()
        preferred_at = DateTimeField()
        reason = TextField(default='')
        status = CharField(default='pending')
        practice_message = TextField(default='')
        created_at = DateTimeField()
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(StaffUser, null=True)
        class Meta:
            database = db
            table_name = 'appointment_request'
    db.create_tables([AppointmentRequest])

    class AuditEvent(Model):
        at = DateTimeField()
        actor = CharField(index=True)
        chart = IntegerField(index=True, null=True)
        action = CharField()
        source = CharField(default='')
        outcome = CharField(default='ok')
        detail = TextField(default='')
        prev_hash = CharField()
        hash = CharField()
        class Meta:
            database = db
            table_name = 'audit_event'
    db.create_tables([AuditEvent])

    class RelatedContact(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        first_name = CharField()
        last_name = CharField()
        relationship = CharField()
        email = CharField(default='')
        phone = CharField(default='')
        class Meta:
            database = db
            table_name = 'related_contact'
    db.create_tables([RelatedContact])

    class ChartAccess(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        contact = ForeignKeyField(RelatedContact, null=True, on_delete='SET NULL')
        owner_name = CharField()
        relationship = CharField()
        email = CharField()
        account = ForeignKeyField(PortalAccount, null=True)
        started_at = DateTimeField()
        started_by = ForeignKeyField(StaffUser, null=True)
        granted_at = DateTimeField(null=True)
        ended_at = DateTimeField(index=True, null=True)
        end_reason = CharField(default='')
        class Meta:
            database = db
            table_name = 'chart_access'
    db.create_tables([ChartAccess])

    class Document(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        title = CharField()
        body = TextField()
        shared_at = DateTimeField()
        shared_by = ForeignKeyField(StaffUser, null=True)
        opened_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'document'
    db.create_tables([Document])

    class Invitation(Model):
        access = ForeignKeyField(ChartAccess, on_delete='CASCADE')
        client = ForeignKeyField(Client, on_delete='CASCADE')
        email = CharField()
        code_digest = CharField(unique=True)
        sent_at = DateTimeField(index=True)
        sent_by = ForeignKeyField(StaffUser, null=True)
        expires_at = DateTimeField(index=True)
        consumed_at = DateTimeField(null=True)
        superseded_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        failed_matches = IntegerField(default=0)
        locked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'invitation'
    db.create_tables([Invitation])

    class LedgerEntry(Model):
        client = ForeignKeyField(Client, on_delete='CASCADE')
        kind = CharField()
        amount_cents = IntegerField()
        description = CharField()
        posted_on = DateField()
        created_at = DateTimeField()
        created_by = ForeignKeyField(StaffUser, null=True)
        class Meta:
            database = db
            table_name = 'ledger_entry'
    db.create_tables([LedgerEntry])

    class LoginSession(Model):
        kind = CharField()
        staff = ForeignKeyField(StaffUser, null=True, on_delete='CASCADE')
        account = ForeignKeyField(PortalAccount, null=True, on_delete='CASCADE')
        chart = ForeignKeyField(Client, null=True, on_delete='SET NULL')
        source = CharField(default='')
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ended_at = DateTimeField(index=True, null=True)
        end_reason = CharField(default='')
        class Meta:
            database = db
            table_name = 'login_session'
    db.create_tables([LoginSession])

    class OutboxMessage(Model):
        kind = CharField()
        to_addr = CharField()
        to_name = CharField(default='')
        context = TextField()
        client = ForeignKeyField(Client, null=True, on_delete='SET NULL')
        invitation = ForeignKeyField(Invitation, null=True, on_delete='SET NULL')
        status = CharField(index=True, default='queued')
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(index=True)
        last_error = TextField(default='')
        claimed_by = CharField(default='')
        claimed_at = DateTimeField(null=True)
        message_id = CharField(default='')
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'outbox_message'
    db.create_tables([OutboxMessage])

    class PasswordReset(Model):
        account = ForeignKeyField(PortalAccount, on_delete='CASCADE')
        code_digest = CharField(unique=True)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        consumed_at = DateTimeField(null=True)
        failed_attempts = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'password_reset'
    db.create_tables([PasswordReset])

    class Practice(Model):
        name = CharField()
        phone = CharField(default='')
        email = CharField(default='')
        portal_host = CharField(default='127.0.0.1')
        portal_port = IntegerField(default=2222)
        time_zone = CharField(default='America/New_York')
        class Meta:
            database = db
            table_name = 'practice'
    db.create_tables([Practice])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('practice'))
    migrator.migrate(migrator.drop_table('password_reset'))
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('login_session'))
    migrator.migrate(migrator.drop_table('ledger_entry'))
    migrator.migrate(migrator.drop_table('invitation'))
    migrator.migrate(migrator.drop_table('document'))
    migrator.migrate(migrator.drop_table('chart_access'))
    migrator.migrate(migrator.drop_table('related_contact'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('appointment_request'))
    migrator.migrate(migrator.drop_table('staff_user'))
    migrator.migrate(migrator.drop_table('portal_account'))
    migrator.migrate(migrator.drop_table('client'))
