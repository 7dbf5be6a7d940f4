"""Fillable PDFs at the staff app: import (preview, then publish) and export, at the workstation only.

Through a door the app has no FileImport (tui.staff.files): the library
offers no import and a response offers no export, and their actions, if
reached, open and write nothing. At the workstation, PDFs come only from the
import folder and exports go only into the export folder, as new 0600 files
that never replace or follow anything already there.
"""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, OptionList, Static

from models.forms.library import library_forms
from models.forms.pdf_forms import SAMPLE_PDF
from tui.staff.app import StaffApp
from tui.staff.files import EXPORT_OFF, FileImport, FileProblem
from tui.staff.screens.forms_library import FormsLibraryScreen
from tui.staff.screens.import_pdf import ImportPdfScreen
from tui.staff.screens.response import ResponseScreen

from .conftest import drive, settle
from .forms_data import answered, chart_with_owner, phq9
from .helpers import signed_in

SMALL = (80, 24)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    incoming, outgoing = tmp_path / "to_import", tmp_path / "exports"
    incoming.mkdir()
    outgoing.mkdir()
    shutil.copy(SAMPLE_PDF, incoming / "release_of_records.pdf")
    (incoming / "notes.pdf").write_bytes(b"these are notes, not a PDF\n")
    (incoming / "readme.txt").write_text("not offered: not a PDF\n")
    return incoming, outgoing


def _shown_keys(screen) -> set[str]:
    return {binding.key for _, binding, enabled, _ in screen.active_bindings.values() if enabled and binding.show}


def _error(screen, name: str) -> str:
    widget = screen.query_one(f"#{name}-error", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def test_import_a_pdf_preview_then_publish_at_the_workstation(portal, clock, folders):
    login = signed_in("admin")
    chart_with_owner()
    incoming, _ = folders

    async def scenario():
        app = StaffApp(session=login, file_import=FileImport(str(incoming)))
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            assert "i" in _shown_keys(app.screen)
            await pilot.press("i")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, ImportPdfScreen)
            files = screen.query_one("#pdf-files", OptionList)
            assert [str(files.get_option_at_index(n).prompt) for n in range(files.option_count)] == [
                "notes.pdf", "release_of_records.pdf",
            ]
            await pilot.press("enter")  # notes.pdf: refused with the domain's reason, nothing to publish
            await settle(app, pilot)
            assert "not a PDF" in _error(screen, "pdf")
            assert screen.query_one("#publish", Button).disabled
            await pilot.press("down", "enter")
            await settle(app, pilot)
            assert _error(screen, "pdf") == ""
            assert "a form with 11 fields" in str(screen.query_one("#pdf-summary", Static).render())
            table = screen.query_one("#pdf-fields", DataTable)
            assert table.row_count == 11
            kinds = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
            assert kinds[:4] == ["Short text", "Short text", "Short text", "Long text"]
            table.focus()
            table.move_cursor(row=5)
            await settle(app, pilot)
            detail = str(screen.query_one("#pdf-field-detail", Static).render())
            assert detail == ("One choice: Purpose of the release · choices: Continuity of care, Insurance, Legal, "
                              "Personal use, Other")
            assert not any(f.source == "pdf" for f in library_forms())  # previewing stores nothing
            screen.query_one("#pdf-title", Input).value = "Release of records"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, FormsLibraryScreen)
            rows = [tuple(str(c) for c in app.screen.query_one("#library", DataTable).get_row_at(n))
                    for n in range(app.screen.query_one("#library", DataTable).row_count)]
            assert ("Release of records", "Form", "PDF", "v1", "In use") in rows

    drive(scenario)
    [form] = [f for f in library_forms() if f.source == "pdf"]
    assert form.title == "Release of records"


def test_no_import_and_no_export_through_a_door(portal, clock, monkeypatch):
    monkeypatch.setenv("PORTAL_SESSION_SOURCE", "ssh:203.0.113.9")
    login = signed_in("admin")
    _, viewer = chart_with_owner()
    response = answered(viewer, "phq9", phq9([0] * 9))

    async def scenario():
        app = StaffApp(session=login)  # the door's app: file_import=None
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            assert "i" not in _shown_keys(app.screen)
            assert not app.screen.query("#import-off")
            app.screen.action_import_pdf()  # reached anyway: opens nothing
            await settle(app, pilot)
            assert isinstance(app.screen, FormsLibraryScreen)
            await app.push_screen(ResponseScreen(response))
            await settle(app, pilot)
            assert not app.screen.query("#export") and "e" not in _shown_keys(app.screen)
            app.screen.action_export()
            await settle(app, pilot)
            assert isinstance(app.screen, ResponseScreen)

    drive(scenario)


def test_export_a_response_into_the_export_folder(portal, clock, folders):
    login = signed_in("admin")
    _, viewer = chart_with_owner()
    response = answered(viewer, "phq9", phq9([0] * 8 + [1]))
    incoming, outgoing = folders
    name = f"response-{response}.pdf"
    outside = outgoing.parent / "outside.pdf"
    (outgoing / f"response-{response} (2).pdf").symlink_to(outside)  # a trap: never followed

    async def scenario():
        app = StaffApp(session=login, file_import=FileImport(str(incoming), export_folder=str(outgoing)))
        async with app.run_test(size=SMALL) as pilot:
            await settle(app, pilot)
            await app.push_screen(ResponseScreen(response))
            await settle(app, pilot)
            assert "e" in _shown_keys(app.screen)
            await pilot.press("e")
            await settle(app, pilot)
            app.screen.query_one("#export", Button).press()
            await settle(app, pilot)
            await pilot.press("e")
            await settle(app, pilot)

    drive(scenario)
    written = {p.name for p in outgoing.iterdir()}
    assert written == {name, f"response-{response} (2).pdf", f"response-{response} (3).pdf", f"response-{response} (4).pdf"}
    assert (outgoing / f"response-{response} (2).pdf").is_symlink()  # left as it was
    assert not outside.exists()
    for path in (outgoing / name, outgoing / f"response-{response} (3).pdf"):
        assert path.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_export_rule_on_its_own(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret.key").write_bytes(b"k" * 32)
    outgoing = tmp_path / "exports"
    outgoing.mkdir()
    files = FileImport("", protected=(str(data_dir), str(data_dir / "secret.key")), export_folder=str(outgoing))
    first = files.write_export("../../etc/response-1.pdf", b"%PDF-1.4 one")
    assert first == str(outgoing / "response-1.pdf")  # no directory parts: always in the folder
    assert files.write_export("response-1.pdf", b"%PDF-1.4 two").endswith("response-1 (2).pdf")
    assert (outgoing / "response-1.pdf").read_bytes() == b"%PDF-1.4 one"  # never overwritten
    assert files.write_export(".hidden", b"x").endswith("/hidden")
    for export_folder, words in (
        (str(data_dir), "inside the portal's own data"),
        (str(data_dir / "secret.key"), "is not there"),
        (str(tmp_path / "missing"), "is not there"),
    ):
        with pytest.raises(FileProblem) as caught:
            FileImport("", protected=(str(data_dir),), export_folder=export_folder).write_export("r.pdf", b"x")
        assert words in caught.value.message, export_folder
    with pytest.raises(FileProblem) as caught:
        FileImport("").write_export("r.pdf", b"x")
    assert caught.value.message == EXPORT_OFF
    assert sorted(os.listdir(data_dir)) == ["secret.key"]
