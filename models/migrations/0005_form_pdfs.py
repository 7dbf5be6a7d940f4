"""Uploaded fillable PDFs: the original beside its form version, the filled copy beside its response."""
from peewee import *


def up(migrator, db):
    class FormVersion(Model):
        class Meta:
            database = db
            table_name = "form_version"

    class FormResponse(Model):
        class Meta:
            database = db
            table_name = "form_response"

    class FormPdf(Model):
        version = ForeignKeyField(FormVersion, unique=True, on_delete="CASCADE")
        filename = CharField(default="")
        data = BlobField()
        sha256 = CharField()
        field_map = TextField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "form_pdf"

    class FormResponsePdf(Model):
        response = ForeignKeyField(FormResponse, unique=True, on_delete="CASCADE")
        data = BlobField()
        sha256 = CharField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "form_response_pdf"

    db.create_tables([FormPdf, FormResponsePdf])
