"""Staff load files to share only at the workstation, only from the import folder.

The rule (tui.staff.files) first, on its own; then the Documents tab: through
a door it has no file row and its action opens nothing; at the workstation it
loads from the folder and refuses everything else with one message.
"""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from models.config import Settings
from tui.cli import build_parser
from tui.commands.staff import file_import_for
from tui.staff import files as files_module
from tui.staff.app import StaffApp
from tui.staff.files import IMPORT_OFF, NOT_IN_FOLDER, FileImport, FileProblem, local_workstation, portal_paths

from .conftest import SIZE, drive, settle
from .helpers import make_chart, signed_in


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "to_share"
    shared.mkdir()
    (shared / "after_care_plan.txt").write_text("Call us any time.\n", encoding="utf-8")
    return shared


def problem(files: FileImport, typed: str) -> str:
    with pytest.raises(FileProblem) as caught:
        files.read(typed)
    return caught.value.message


# --- the path rule -------------------------------------------------------------


def test_a_file_in_the_folder_loads_by_name_or_full_path(folder):
    files = FileImport(str(folder))
    assert files.read("after_care_plan.txt") == ("after care plan", "Call us any time.\n")
    assert files.read(str(folder / "after_care_plan.txt"))[1] == "Call us any time.\n"
    (folder / "letters").mkdir()
    (folder / "letters" / "welcome.txt").write_text("Welcome\n")
    assert files.read("letters/welcome.txt") == ("welcome", "Welcome\n")


def test_everything_outside_the_folder_gets_one_message(folder, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not for sharing\n")
    (folder / "out_link.txt").symlink_to(outside)
    (folder / "etc_link").symlink_to("/etc")
    (folder / "loop").symlink_to(folder / "loop")
    files = FileImport(str(folder))
    for typed in (
        "../outside.txt",                     # exists, one level up
        "../missing.txt",                     # does not exist, one level up
        str(outside),                         # absolute, elsewhere
        "/etc/passwd", "/etc/no-such-file",   # exists or not: the same words
        "/root/.ssh/id_ed25519",              # not even readable on the way
        "letters/../../outside.txt",
        "out_link.txt",                       # a symlink pointing out
        "etc_link/passwd",
        "loop",                               # a symlink loop
        "missing.txt",                        # simply not there
        "nul\x00byte.txt",
        "~/.bashrc",
    ):
        assert problem(files, typed) == NOT_IN_FOLDER, typed
    assert "/etc" not in NOT_IN_FOLDER and "exist" not in NOT_IN_FOLDER


def test_a_symlink_inside_the_folder_to_a_file_inside_it_is_fine(folder):
    (folder / "plan.txt").symlink_to(folder / "after_care_plan.txt")
    (folder / "sub").mkdir()
    (folder / "sub" / "up.txt").symlink_to("../after_care_plan.txt")
    files = FileImport(str(folder))
    assert files.read("plan.txt") == ("plan", "Call us any time.\n")
    assert files.read("sub/up.txt")[1] == "Call us any time.\n"


def test_the_portals_own_files_are_refused_even_inside_the_folder(folder, tmp_path):
    settings = Settings(
        data_dir=folder / "portal-data", database_url=f"sqlite:///{folder / 'db' / 'portal.db'}", import_folder=str(folder)
    )
    settings.data_dir.mkdir()
    settings.secret_path.write_bytes(b"k" * 32)
    (settings.data_dir / "ssh_host_ed25519_key").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (folder / "db").mkdir()
    (folder / "db" / "portal.db").write_text("SQLite format 3\n")
    os.link(settings.secret_path, folder / "innocent.txt")  # a hard link: same file, another name
    files = FileImport.from_settings(settings, {"PORTAL_CONFIG": str(folder / "portal.toml")})
    (folder / "portal.toml").write_text('[smtp]\npassword = "hunter2"\n')
    for typed in ("portal-data/secret.key", "portal-data/ssh_host_ed25519_key", "db/portal.db", "innocent.txt", "portal.toml"):
        assert problem(files, typed) == NOT_IN_FOLDER, typed
    assert files.read("after_care_plan.txt")[1] == "Call us any time.\n"

    inside_data = FileImport(str(settings.data_dir), protected=portal_paths(settings))
    assert "inside the portal's own data" in problem(inside_data, "secret.key")


def test_a_fifo_is_refused_without_waiting(folder):
    os.mkfifo(folder / "pipe.txt")
    started = time.monotonic()
    assert "not a plain file" in problem(FileImport(str(folder)), "pipe.txt")
    assert time.monotonic() - started < 1.0  # no writer ever comes: opening must not block


def test_a_device_and_a_socket_are_refused(folder):
    assert "not a plain file" in problem(FileImport("/dev"), "null")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "sock"))
        assert "not a plain file" in problem(FileImport(str(folder)), "sock")
    finally:
        server.close()


def test_what_is_wrong_with_a_file_in_the_folder_is_said(folder):
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\x00\x01")
    (folder / "latin1.txt").write_bytes("café".encode("latin-1"))
    (folder / "big.txt").write_text("a" * 200_001)
    (folder / "blank.txt").write_text("  \n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "letters").mkdir()
    files = FileImport(str(folder))
    for typed, words in (
        ("", "Type the name"),
        ("scan.pdf", "binary"),
        ("latin1.txt", "not UTF-8"),
        ("big.txt", "too large"),
        ("blank.txt", "empty"),
        ("empty.txt", "empty"),
        ("letters", "is a folder"),
        (".", "import folder itself"),
    ):
        assert words in problem(files, typed), typed


def test_without_a_folder_nothing_is_read(folder):
    assert not FileImport("").enabled
    assert problem(FileImport(""), str(folder / "after_care_plan.txt")) == IMPORT_OFF
    assert "import_folder" in IMPORT_OFF and "PORTAL_IMPORT_FOLDER" in IMPORT_OFF
    assert "is not there" in problem(FileImport(str(folder / "gone")), "after_care_plan.txt")


def test_the_folder_comes_from_settings(monkeypatch, tmp_path):
    from models.config import load_settings

    monkeypatch.setenv("PORTAL_IMPORT_FOLDER", str(tmp_path))
    assert load_settings(config_path=tmp_path / "none.toml").import_folder == str(tmp_path)
    assert Settings(data_dir=tmp_path).import_folder == ""  # off by default


# --- where the app runs --------------------------------------------------------


def test_only_the_workstation_command_turns_files_on(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", import_folder=str(tmp_path))
    local = build_parser("staff").parse_args(["staff"])
    remote = build_parser("staff").parse_args(["staff", "--remote"])
    assert file_import_for(local, settings, {}).folder == str(tmp_path)
    assert file_import_for(local, settings, {"PORTAL_SESSION_SOURCE": "workstation"}) is not None
    assert file_import_for(remote, settings, {}) is None
    for door in (
        {"PORTAL_SESSION_SOURCE": "ssh:192.0.2.7"},
        {"PORTAL_SESSION_SOURCE": "web:192.0.2.7"},
        {"PORTAL_SESSION_SOURCE": "warm-up"},
        {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"},
        {"SSH_CONNECTION": "192.0.2.7 50000 192.0.2.1 22"},
    ):
        assert not local_workstation(door), door
        assert file_import_for(local, settings, door) is None, door
    assert StaffApp().file_import is None  # any other launch: no files


# --- the Documents tab -----------------------------------------------------------


def _open_documents(app_kwargs: dict, check):
    login = signed_in()
    client = make_chart()

    async def scenario():
        app = StaffApp(session=login, open_chart=client.id, **app_kwargs)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("f4")
            await settle(app, pilot)
            await check(app, app.screen, pilot)

    drive(scenario)


def _path_error(screen) -> str:
    widget = screen.query_one("#path-error", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def test_through_a_door_the_tab_has_no_file_row_and_the_action_opens_nothing(portal, clock, monkeypatch):
    opened = []
    monkeypatch.setattr(files_module.FileImport, "read", lambda self, typed, limit=0: opened.append(typed))

    async def check(app, screen, pilot):
        tab = screen.query_one("DocumentsTab")
        assert not tab.query("#doc-path") and not tab.query("#load-file") and not tab.query("#file-import-off")
        assert "Load file" not in {b.description for _, b, enabled, _ in screen.active_bindings.values() if enabled}
        body = screen.query_one("#doc-body", TextArea)
        body.text = "typed by staff"
        await pilot.press("ctrl+r")
        notes = []
        monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append(message))
        tab.action_load_file()  # even called directly
        await settle(app, pilot)
        assert body.text == "typed by staff"
        assert opened == []
        assert notes and "workstation" in notes[0]

    _open_documents({}, check)


def test_at_the_workstation_without_a_folder_the_tab_says_how_to_turn_it_on(portal, clock):
    async def check(app, screen, pilot):
        tab = screen.query_one("DocumentsTab")
        assert not tab.query("#doc-path")
        assert "import_folder" in str(tab.query_one("#file-import-off", Static).render())

    _open_documents({"file_import": FileImport("")}, check)


def test_at_the_workstation_the_tab_loads_from_the_folder_and_refuses_the_rest(portal, clock, folder):
    async def check(app, screen, pilot):
        path = screen.query_one("#doc-path", Input)
        body = screen.query_one("#doc-body", TextArea)
        for typed in ("/etc/passwd", "../../../../etc/passwd", "../to_share/../nothing.txt", "/etc/shadow-no-such"):
            path.value = typed
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert _path_error(screen) == NOT_IN_FOLDER, typed
            assert body.text == ""
        path.value = "after_care_plan.txt"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert _path_error(screen) == ""
        assert body.text == "Call us any time.\n"
        assert screen.query_one("#doc-title", Input).value == "after care plan"

    _open_documents({"file_import": FileImport(str(folder))}, check)


def test_a_loaded_files_escape_sequences_never_reach_the_staff_terminal(portal, clock, folder):
    """The document body drew what it held: an OSC in a file retitled the staff terminal."""
    (folder / "letter.txt").write_text("Dear Sam,\x1b]0;PWNED\x07\nsee you \x1b[31msoon\x1b[0m.\n", encoding="utf-8")

    async def check(app, screen, pilot):
        screen.query_one("#doc-path", Input).value = "letter.txt"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        body = screen.query_one("#doc-body", TextArea)
        assert body.text == "Dear Sam,\nsee you soon.\n"
        body.focus()
        await pilot.press("end")
        app.post_message(events.Paste("\x1b[2J and more"))
        await settle(app, pilot)
        assert "\x1b" not in body.text

    _open_documents({"file_import": FileImport(str(folder))}, check)
