"""`portal db copy` carries the uploaded PDFs and their filled copies (SQLite -> PostgreSQL)."""
from __future__ import annotations

import pytest

from models import db
from models.forms.pdf_forms import filled_copy, import_pdf
from models.forms.responses import submit
from models.tables import ALL_TABLES, FormPdf
from models.transfer import copy_database
from tests.pg import drop_schema, fresh_schema

from ..helpers import STAFF
from . import pdfkit
from .helpers import answer_all, owner_with_library, send


@pytest.fixture
def database_url():
    return ""  # the copy test's source is SQLite 


def test_db_copy_carries_the_pdfs(portal):
    client, viewer = owner_with_library()
    original = pdfkit.fillable_pdf(pdfkit.every_kind(1))
    line = import_pdf(STAFF, original, title="Copied")
    [assignment] = send(client.id, line.key)
    answer_all(viewer, assignment, {"text_1": "Copied answer"})
    response_id = submit(viewer, assignment)
    copy = filled_copy(response_id)
    counts = {m._meta.table_name: m.select().count() for m in ALL_TABLES}
    url = fresh_schema("portal_pdf_copy_test")
    try:
        report = copy_database(db.database.obj, url)
        assert report.counts == counts and counts["form_pdf"] == counts["form_response_pdf"] == 1
        assert bytes(FormPdf.get().data) == original and filled_copy(response_id) == copy
        db.database.obj.close()
    finally:
        drop_schema("portal_pdf_copy_test")
