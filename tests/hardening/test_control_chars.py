"""Control characters, escape sequences, bidi overrides, zero-width
characters, line separators and "Zalgo" runs of combining marks never get
into anything stored, on any path: the domain, the forms (typed or pasted,
through Pilot and through a real terminal's bracketed paste) and the CLI.

A probe pasted "Ana\\x1b[31m María" into the staff New chart form and got
the name stored reordered, with a literal "^[31m" in it.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from textual import events
from textual.widgets import Input

from models.text import MAX_MARKS, InvalidInput, clean_email, clean_name, clean_text, has_control, single_line

FORBIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format characters, surrogates, U+2028, U+2029
MARKS = {"Mn", "Me"}
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
THE_PASTE = "Ana\x1b[31m María\u202e\u200b Lo\u0301pez"


def assert_storable(value: str, *, multiline: bool = False) -> None:
    """The text rule, checked from its definition (not with models.text)."""
    run = 0
    for ch in value:
        if multiline and ch in "\n\t":
            run = 0
            continue
        category = unicodedata.category(ch)
        assert category not in FORBIDDEN, f"{ch!r} ({category}) in {value!r}"
        run = run + 1 if category in MARKS else 0
        assert run <= MAX_MARKS, f"{run} combining marks in a row in {value!r}"


# --- the rule ------------------------------------------------------------------

SEQUENCES = [
    "\x1b[31m", "\x1b[0m", "\x1b[2J", "\x1b[1;31;42m", "\x1b[?2004l", "\x9b1m", "\x1b]0;a title\x07",
    "\x1b]52;c;ZXZpbA==\x1b\\", "\x1b]8;;http://evil\x1b\\", "\x1bPq#0;2;0;0;0\x1b\\", "\x1b_app\x9c", "\x1bc", "\x1b7", "\x1b(B",
]
INVISIBLE = [
    "\x00", "\x07", "\x08", "\x7f", "\x80", "\x9c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060",
    "\ufeff", "\u00ad", "\ud800", "\U000e0041",
]
BREAKS = ["\n", "\r\n", "\r", "\t", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
ZALGO = "\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c" * 3


@pytest.mark.parametrize("junk", SEQUENCES + INVISIBLE, ids=repr)
def test_junk_goes_and_the_rest_keeps_its_order(junk):
    assert clean_name(f"Ana{junk} María{junk}") == "Ana María"
    assert clean_text(f"Line one{junk}\nline two") == "Line one\nline two"
    assert single_line(f"Subject{junk} line") == "Subject line"


@pytest.mark.parametrize("junk", SEQUENCES, ids=repr)
def test_escape_sequences_go_whole(junk):
    assert clean_name(f"Jo{junk}e") == "Joe"  # not "Jo[31me"


def test_the_probe_paste_becomes_the_name():
    assert clean_name(THE_PASTE) == "Ana María López"


@pytest.mark.parametrize("line_break", BREAKS, ids=repr)
def test_line_breaks_are_spaces_in_one_line_fields_and_newlines_in_free_text(line_break):
    assert clean_name(f"Ana{line_break}María") == "Ana María"
    assert clean_text(f"one{line_break}two") == ("one\ttwo" if line_break == "\t" else "one\ntwo")


def test_a_run_of_combining_marks_is_cut_after_max_marks():
    composed = unicodedata.normalize("NFC", "Z" + ZALGO)  # "Ź" and the marks after it
    assert clean_name("Z" + ZALGO + "oe") == composed[: 1 + MAX_MARKS] + "oe"
    assert clean_name("Nguye\u0302\u0303n") == "Nguyễn"  # real accents stay (and compose)
    # a zero-width space between the marks does not reset the count
    assert clean_name("e" + "\u200b\u0301" * 20) == unicodedata.normalize("NFC", "e" + "\u0301" * 20)[: 1 + MAX_MARKS]
    assert has_control("Z" + ZALGO) and not has_control("Z" + ZALGO[:MAX_MARKS])


@pytest.mark.parametrize("only_junk", ["\x1b[31m", "\u200b\u202e", "\x00\x07", "\u00ad\ufeff"], ids=repr)
def test_a_name_with_nothing_left_is_refused_with_a_reason(only_junk):
    with pytest.raises(InvalidInput) as refused:
        clean_name(only_junk, "first_name")
    assert refused.value.field == "first_name" and refused.value.message
    with pytest.raises(InvalidInput):
        clean_name(only_junk, "first_name", required=False)  # optional, but something was typed
    with pytest.raises(InvalidInput):
        clean_text(only_junk, "reason")


def test_an_email_loses_invisible_characters_and_a_header_break_is_refused():
    assert clean_email("jo\u200b@exa\u2060mple.com") == "jo@example.com"
    with pytest.raises(InvalidInput):
        clean_email("jo@example.com\r\nBcc: evil@example.com")


JUNK = st.one_of(
    st.sampled_from(SEQUENCES + INVISIBLE),
    st.builds(lambda p, f: f"\x1b[{p}{f}", st.from_regex(r"[0-9;?]{0,8}", fullmatch=True), st.sampled_from("mHJKABCDfhlsu")),
    st.characters(categories=["Cc", "Cf", "Zl", "Zp"]).filter(lambda ch: ch not in "\x1b\x90\x98\x9b\x9d\x9e\x9f" and not ch.isspace() and ch not in "\x1c\x1d\x1e\x85"),
)
SAFE = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzÀÉñøßİı日本語 .-'"), max_size=8)
RULE = settings(max_examples=200, deadline=None)


@RULE
@given(st.lists(st.tuples(SAFE, JUNK), max_size=8))
def test_stripping_keeps_every_other_character_in_order(parts):
    typed = "".join(safe + junk for safe, junk in parts)
    expected = unicodedata.normalize("NFC", "".join(safe for safe, _ in parts)).strip()
    try:
        cleaned = clean_name(typed)
    except InvalidInput:
        assert not expected.replace(".", "").replace("-", "").replace("'", "").strip() or len(expected) > 100
        return
    assert cleaned == expected


TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(SAFE, JUNK, st.sampled_from(BREAKS), st.just("e" + ZALGO)), max_size=12).map("".join),
)


@RULE
@given(TEXT)
def test_whatever_is_typed_the_result_is_storable_and_stable(value):
    for clean, multiline in ((clean_name, False), (clean_text, True)):
        try:
            cleaned = clean(value)
        except InvalidInput as exc:
            assert exc.message
            continue
        assert_storable(cleaned, multiline=multiline)
        assert clean(cleaned) == cleaned
    assert_storable(single_line(value))


# --- every domain function that stores text ---------------------------------------

STORED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_nothing_stored_holds_what_the_rule_removes(portal):
    from models.chart_owner import activate_access
    from models.auth import add_staff_user
    from models.charts import add_contact, create_chart, update_chart
    from models.practice import update_practice
    from models.records import ClientViewer, add_ledger_entry, decide_request, request_appointment, share_document
    from models.registration import register
    from models.tables import AppointmentRequest, Client, Document, LedgerEntry, Practice, RelatedContact, StaffUser
    from peewee import CharField, TextField
    from tests.domain.helpers import GOOD_PASSWORD, STAFF, last_code, make_staff

    make_staff()
    owner = create_chart(STAFF, first_name="Jamie", last_name="Rivera", date_of_birth="04/13/2001", email="jamie@example.com")
    activate_access(STAFF, owner)
    viewer = ClientViewer(register(last_code(), "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD).account_id, owner.id, "kiosk")
    emails = st.builds(lambda a, j: f"{a}{j}@example.com", st.from_regex(r"[a-z]{1,8}", fullmatch=True), JUNK)
    counter = iter(range(10**6))

    def attempt(call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except InvalidInput as exc:
            assert exc.message
            return None

    @STORED
    @given(TEXT, TEXT, TEXT, emails)
    def run(first, last, free, email):
        client = attempt(create_chart, STAFF, first_name=first, last_name=last, date_of_birth="04/13/2001", email=email, phone=free)
        attempt(update_chart, STAFF, owner, first_name=free)
        attempt(add_contact, STAFF, owner, first_name=first, last_name=last, relationship="parent", email=email)
        attempt(share_document, STAFF, owner, first, free)
        attempt(add_ledger_entry, STAFF, owner, kind="charge", amount="10.00", description=last)
        request = attempt(request_appointment, viewer, mode="video", preferred_at=portal_now() + dt.timedelta(days=2), reason=free)
        if request is not None:
            attempt(decide_request, STAFF, request, approve=True, message=first)
        attempt(add_staff_user, f"user{next(counter)}", first, "clinician", "an unrelated passphrase of words")
        update_practice(name=f"Riverside {last}")
        assert client is None or client.first_name == clean_name(first)

    run()
    multiline = {(Document, "body"), (AppointmentRequest, "reason"), (AppointmentRequest, "practice_message")}
    for model in (Client, RelatedContact, Document, LedgerEntry, AppointmentRequest, StaffUser, Practice):
        fields = [f for f in model._meta.sorted_fields if isinstance(f, (CharField, TextField)) and f.name != "password_hash"]
        for row in model.select():
            for field in fields:
                value = getattr(row, field.name)
                if value:
                    assert_storable(value, multiline=(model, field.name) in multiline)


def portal_now() -> dt.datetime:
    from models import clock

    return clock.now()


# --- `portal staff add` ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Dana\x1b[31m\u202e Scully\u200b", "Dana Scully"),
        ("Dana\u2028Scully", "Dana Scully"),  # a line separator was stored as it was
        ("Dana Scully" + ZALGO, unicodedata.normalize("NFC", "Dana Scully" + ZALGO)[: len("Dana Scully") + MAX_MARKS]),
    ],
    ids=["escape-bidi-zero-width", "line-separator", "zalgo"],
)
def test_portal_staff_add_stores_the_full_name_without_them(portal, monkeypatch, capsys, typed, stored):
    from models.tables import StaffUser
    from tui import cli

    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    monkeypatch.setenv("PORTAL_CONFIG", str(portal.data_dir / "none.toml"))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "the truth is out there somewhere")
    assert cli.main(["staff", "add", "--username", "dana", "--full-name", typed, "--role", "clinician"]) == 0
    out, err = capsys.readouterr()
    assert StaffUser.get(StaffUser.username == "dana").full_name == stored
    assert f"Added {stored} (dana" in out and "\x1b" not in out + err


def test_portal_staff_add_refuses_a_full_name_of_only_controls(portal, monkeypatch, capsys):
    from models.tables import StaffUser
    from tui import cli

    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    monkeypatch.setenv("PORTAL_CONFIG", str(portal.data_dir / "none.toml"))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "the truth is out there somewhere")
    assert cli.main(["staff", "add", "--username", "dana", "--full-name", "\x1b[31m\u200b", "--role", "clinician"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Full name: ") and "Nothing was added" in err and "\x1b" not in err
    assert not StaffUser.select().where(StaffUser.username == "dana").exists()


# --- the terminal's bracketed paste ------------------------------------------------


def parse(chunks: list[str]) -> list:
    from textual._xterm_parser import XTermParser

    from tui.textual_patches.terminal_input import WholePasteParser

    parser = WholePasteParser()
    assert isinstance(parser, XTermParser)
    return [event for chunk in chunks for event in parser.feed(chunk)]


@pytest.mark.parametrize("split", [False, True], ids=["one-read", "a-character-a-read"])
def test_a_bracketed_paste_with_escapes_arrives_whole_and_in_order(split):
    data = f"x{PASTE_START}{THE_PASTE}{PASTE_END}y\x1b[A"
    got = parse(list(data) if split else [data])
    assert [type(e).__name__ for e in got] == ["Key", "Paste", "Key", "Key"]
    assert got[0].key == "x" and got[1].text == THE_PASTE and got[2].key == "y" and got[3].key == "up"


def test_keys_and_mouse_outside_a_paste_are_textuals():
    from textual._xterm_parser import XTermParser

    data = "ab\x1b[B\x1b[<0;10;5M\x1b[1;5Cz"
    want = [repr(e) for e in XTermParser().feed(data)]
    assert [repr(e) for e in parse([data])] == want and len(want) == 6


def test_install_makes_the_drivers_use_it(monkeypatch):
    import textual._xterm_parser as xterm_parser
    from textual.drivers import linux_driver

    from tui.textual_patches.terminal_input import WholePasteParser, install

    monkeypatch.setattr(xterm_parser, "XTermParser", xterm_parser.XTermParser)
    monkeypatch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)
    monkeypatch.setattr(linux_driver, "getincrementaldecoder", linux_driver.getincrementaldecoder)
    install()
    assert linux_driver.XTermParser is WholePasteParser and xterm_parser.XTermParser is WholePasteParser
    decode = linux_driver.getincrementaldecoder("utf-8")().decode
    assert decode(b"ok\xff\xfe\xc3") + decode(b"\xa9") == "ok\ufffd\ufffd\u00e9"  # a character split across reads still decodes


# --- the staff New chart form ------------------------------------------------------


def test_pastes_into_the_new_chart_form_are_stored_clean_and_in_order(portal, monkeypatch):
    from models.tables import Client
    from tests.staff.helpers import signed_in
    from tui.staff.app import StaffApp
    from tui.staff.screens.new_chart import NewChartScreen

    monkeypatch.setattr(Input, "cursor_blink", False)
    login = signed_in()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=(100, 36)) as pilot:
            await app.workers.wait_for_complete()  # the staff member is read in a worker
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, NewChartScreen)

            async def paste(text: str) -> None:
                app.post_message(events.Paste(text))
                await pilot.pause()

            first = form.query_one("#first_name", Input)
            assert first.has_focus
            await paste(THE_PASTE)
            assert first.value == "Ana María Lo\u0301pez"

            last = form.query_one("#last_name", Input)
            last.focus()
            await pilot.pause()
            await paste("\x1b[1mpez\u200b")  # three pastes, at the end, the start and the middle
            await pilot.press("home")
            await paste("L\u202e")
            await paste("o\u0301\x1b]0;t\x07")  # between the L and the p
            assert last.value == "Lo\u0301pez"
            await pilot.press("end")
            await paste("\r\n-Ruiz\u2028Díaz\r\n")  # line breaks: a space between lines, none at the ends
            assert last.value == "Lo\u0301pez-Ruiz Díaz"

            form.query_one("#date_of_birth", Input).value = "04/13/2001"
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(scenario())
    client = Client.get()
    assert (client.first_name, client.last_name) == ("Ana María López", "López-Ruiz Díaz")


def test_a_paste_of_only_controls_over_a_selection_keeps_it(portal):
    from tests.staff.helpers import signed_in
    from tui.staff.app import StaffApp

    login = signed_in()

    async def scenario():
        app = StaffApp(session=login)
        async with app.run_test(size=(100, 36)) as pilot:
            await app.workers.wait_for_complete()  # the staff member is read in a worker
            await pilot.pause()
            await pilot.press("ctrl+n")
            await pilot.pause()
            first = app.screen.query_one("#first_name", Input)
            first.value = "Ana"
            first.select_all()
            app.post_message(events.Paste("\x1b[2J\u200b"))
            await pilot.pause()
            assert first.value == "Ana"
            first.value = "e" + "\u0301" * MAX_MARKS
            first.cursor_position = len(first.value)
            await pilot.press(*["\u0301"] * 3)  # typed one at a time: still capped
            assert first.value == "e" + "\u0301" * MAX_MARKS

    asyncio.run(scenario())


def read_until(fd: int, want: str, timeout: float = 20.0) -> str:
    import pyte

    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                stream.feed(os.read(fd, 65536))
            except OSError:
                break
        if want in "\n".join(screen.display):
            return "\n".join(screen.display)
    raise AssertionError(f"{want!r} never appeared:\n" + "\n".join(screen.display))


def drain(fd: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                return


@contextmanager
def app_on_a_pty(portal, tmp_path, app: str):
    """`portal <app>` on a new 100x30 pseudo-terminal; yields (process, master fd)."""
    env = {
        **os.environ,
        "PORTAL_CONFIG": str(tmp_path / "none.toml"),
        "PORTAL_DATA_DIR": str(portal.data_dir),
        "TERM": "xterm-256color",
        "TEXTUAL_ANIMATIONS": "none",
    }
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", app], stdin=child, stdout=child, stderr=child, env=env, start_new_session=True, close_fds=True
    )
    os.close(child)
    try:
        yield proc, main
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)


def test_a_bracketed_paste_in_a_real_terminal_reaches_the_form_in_order(portal, tmp_path):
    """The bytes a terminal sends for a paste, into `portal staff` on a pseudo-terminal."""
    from models.tables import Client
    from tests.staff.helpers import PASSWORD, USERNAME, make_staff

    make_staff()
    with app_on_a_pty(portal, tmp_path, "staff") as (proc, main):
        screen = None

        def send(data: str, wait_for: str | None = None) -> None:
            nonlocal screen
            os.write(main, data.encode())
            if wait_for:
                screen = read_until(main, wait_for)

        read_until(main, "Staff sign in")
        send(f"{USERNAME}\r")
        drain(main, 0.3)  # Enter moves the focus once the app has handled it
        send(f"{PASSWORD}\r", wait_for="New chart")
        send("\x0e", wait_for="Date of birth")  # ctrl+n
        send(f"{PASTE_START}{THE_PASTE}{PASTE_END}\t")
        send(f"{PASTE_START}\x1b[1mL\u202eo\u0301pez\x1b]0;t\x07{PASTE_END}\t")
        send("04/13/2001\x13", wait_for="Chart #")  # ctrl+s; the saved chart opens
        client = Client.get()
        assert (client.first_name, client.last_name) == ("Ana María López", "López"), screen


# --- multi-line fields ----------------------------------------------------------------


def test_a_plain_text_area_keeps_lines_and_tabs_and_loses_the_rest():
    """A TextArea drew an escape sequence it held: in a real terminal, loading
    "before\\x1b]0;PWNED\\x07after" wrote "\\x1b]0;PWNED" to it (the title, or an
    OSC 52 clipboard write)."""
    from textual.app import App

    from tui.shared.plain_text_area import PlainTextArea

    class Body(App):
        def compose(self):
            yield PlainTextArea(id="body")

    async def scenario():
        app = Body()
        async with app.run_test() as pilot:
            area = app.query_one(PlainTextArea)
            area.text = "before\x1b]0;PWNED\x07after\r\nline\u2028two\tcol\u202e"
            assert area.text == "beforeafter\nline\ntwo\tcol"
            area.focus()
            area.move_cursor((2, 0))
            await pilot.press("x", "enter")  # typing still works, Enter still breaks the line
            app.post_message(events.Paste("pasted\x1b[2J\u200b one\r\nand two\x07"))
            await pilot.pause()
            assert area.text == "beforeafter\nline\nx\npasted one\nand twotwo\tcol"
            area.select_all()
            app.post_message(events.Paste("\x1b[31m\u200b"))  # nothing left to paste: the text stays
            await pilot.pause()
            assert "pasted one" in area.text
            assert "\x1b" not in app.export_screenshot()

    asyncio.run(scenario())


def test_bytes_that_are_not_utf8_do_not_end_the_kiosk(portal, tmp_path):
    """Two stray bytes made the Linux driver's input thread raise: the kiosk
    quit with a traceback on its screen."""
    with app_on_a_pty(portal, tmp_path, "kiosk") as (proc, main):
        read_until(main, "Welcome to the client portal")
        os.write(main, b"\xff\xfe")
        drain(main, 0.5)
        assert proc.poll() is None
        os.write(main, b"l")  # and it still answers keys
        read_until(main, "Log in to your portal")

# --- the input thread waits for input ----------------------------------------------------


def voluntary_switches(pid: int) -> dict[int, int]:
    """How often each thread of `pid` has gone to sleep (each wake-up ends in one)."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as status:
            for line in status:
                if line.startswith("voluntary_ctxt_switches:"):
                    found[int(tid)] = int(line.split()[1])
    return found


def test_a_still_kiosk_input_thread_sleeps(portal, tmp_path):
    """Textual's input thread woke ten times a second to poll (20 times in
    these 2 s, ~1 ms of CPU a second per app); the event loop itself wakes
    once a second for the idle check."""
    with app_on_a_pty(portal, tmp_path, "kiosk") as (proc, main):
        read_until(main, "Welcome to the client portal")
        drain(main, 1.0)
        before = voluntary_switches(proc.pid)
        drain(main, 2.0)
        after = voluntary_switches(proc.pid)
        woken = {tid: after[tid] - before.get(tid, 0) for tid in after if tid != proc.pid}
        assert sum(woken.values()) <= 2, woken


def test_a_lone_escape_still_arrives(portal, tmp_path):
    """Escape alone is a key once the parser's wait for a sequence runs out:
    the input thread must wake for that timeout (Login's Escape goes back)."""
    with app_on_a_pty(portal, tmp_path, "kiosk") as (proc, main):
        read_until(main, "Welcome to the client portal")
        os.write(main, b"l")
        read_until(main, "Log in to your portal")
        drain(main, 0.3)
        os.write(main, b"\x1b")
        read_until(main, "Welcome to the client portal", timeout=5.0)
