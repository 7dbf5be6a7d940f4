"""`portal db copy` carries the uploaded PDFs and their filled copies; `portal forms import` publishes one."""
from __future__ import annotations

import subprocess
import sys

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


def test_cli_forms_import_previews_publishes_and_refuses(tmp_path):
    env = {"PORTAL_DATA_DIR": str(tmp_path / "d"), "PATH": "/usr/bin:/bin", "PORTAL_CONFIG": str(tmp_path / "none.toml")}
    good = tmp_path / "intake.pdf"
    good.write_bytes(pdfkit.fillable_pdf(pdfkit.every_kind(1)))
    bad = tmp_path / "macro.pdf"
    bad.write_bytes(pdfkit.open_action_javascript())

    def portal(*args):
        return subprocess.run([sys.executable, "-m", "tui", "forms", "import", *args], env=env, capture_output=True, text=True)

    done = portal(str(good), "--title", "Intake from PDF")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Intake from PDF: a form of 7 fields, 1 page")
    assert "  Question radio 1 [single choice] (Alpha 1, Beta 1, Gamma 1)" in done.stdout
    assert done.stdout.strip().endswith("Published pdf_intake_from_pdf v1")
    refused = portal(str(bad))
    assert refused.returncode == 1 and refused.stdout.strip() == (
        "Nothing was imported: This PDF can't be used: it contains JavaScript. "
        "The portal never runs anything inside a PDF; ask for a plain version of the form."
    )
    assert done.stderr == refused.stderr == ""
