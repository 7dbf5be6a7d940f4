"""Forms and questionnaires: the library, its versions, assignments, responses, alerts."""
from peewee import *


def up(migrator, db):
    class Client(Model):
        class Meta:
            database = db
            table_name = "client"

    class StaffUser(Model):
        class Meta:
            database = db
            table_name = "staff_user"

    class PortalAccount(Model):
        class Meta:
            database = db
            table_name = "portal_account"

    class ChartAccess(Model):
        class Meta:
            database = db
            table_name = "chart_access"

    class Form(Model):
        key = CharField(unique=True)
        title = CharField()
        source = CharField(default="builtin")
        created_at = DateTimeField()
        retired_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "form"

    class FormVersion(Model):
        form = ForeignKeyField(Form, on_delete="CASCADE")
        number = IntegerField()
        definition = TextField()
        content_hash = CharField()
        published_at = DateTimeField()
        published_by = ForeignKeyField(StaffUser, null=True)

        class Meta:
            database = db
            table_name = "form_version"
            indexes = ((("form", "number"), True),)

    class FormPackage(Model):
        key = CharField(unique=True)
        title = CharField()
        form_keys = TextField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "form_package"

    class FormRecurrence(Model):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        form = ForeignKeyField(Form, on_delete="CASCADE")
        interval_days = IntegerField()
        next_due_on = DateField(index=True)
        started_at = DateTimeField()
        started_by = ForeignKeyField(StaffUser, null=True)
        stopped_at = DateTimeField(null=True)
        stopped_by = ForeignKeyField(StaffUser, null=True)

        class Meta:
            database = db
            table_name = "form_recurrence"

    class FormAssignment(Model):
        client = ForeignKeyField(Client, on_delete="CASCADE")
        form = ForeignKeyField(Form, on_delete="CASCADE")
        version = ForeignKeyField(FormVersion, on_delete="CASCADE")
        recurrence = ForeignKeyField(FormRecurrence, null=True, on_delete="SET NULL")
        batch = CharField(index=True)
        assigned_at = DateTimeField()
        assigned_by = ForeignKeyField(StaffUser, null=True)
        due_on = DateField(null=True)
        status = CharField(default="open")
        completed_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "form_assignment"
            indexes = ((("client", "status"), False),)

    class FormResponse(Model):
        assignment = ForeignKeyField(FormAssignment, on_delete="CASCADE")
        client = ForeignKeyField(Client, on_delete="CASCADE")
        version = ForeignKeyField(FormVersion, on_delete="CASCADE")
        access = ForeignKeyField(ChartAccess, null=True, on_delete="SET NULL")
        account = ForeignKeyField(PortalAccount, null=True, on_delete="SET NULL")
        corrects = ForeignKeyField("self", null=True, on_delete="SET NULL")
        status = CharField(default="draft")
        answers = TextField(default="{}")
        results = TextField(default="")
        started_at = DateTimeField()
        updated_at = DateTimeField()
        submitted_at = DateTimeField(null=True, index=True)
        signed_name = CharField(default="")
        signed_capacity = CharField(default="")
        signed_at = DateTimeField(null=True)
        signed_source = CharField(default="")
        signed_hash = CharField(default="")

        class Meta:
            database = db
            table_name = "form_response"
            indexes = ((("client", "status"), False),)

    class FormAlert(Model):
        response = ForeignKeyField(FormResponse, on_delete="CASCADE")
        client = ForeignKeyField(Client, on_delete="CASCADE")
        flag = CharField()
        label = CharField()
        created_at = DateTimeField()
        acknowledged_at = DateTimeField(null=True, index=True)
        acknowledged_by = ForeignKeyField(StaffUser, null=True)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "form_alert"

    class ChartChangeProposal(Model):
        response = ForeignKeyField(FormResponse, on_delete="CASCADE")
        client = ForeignKeyField(Client, on_delete="CASCADE")
        target = CharField()
        current_value = TextField(default="")
        proposed_value = TextField()
        status = CharField(default="pending")
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(StaffUser, null=True)

        class Meta:
            database = db
            table_name = "chart_change_proposal"
            indexes = ((("client", "status"), False),)

    db.create_tables([Form, FormVersion, FormPackage, FormRecurrence, FormAssignment, FormResponse, FormAlert, ChartChangeProposal])
