"""The mailbox viewer: every message the demo's local mail server filed.

A list of the Maildir, newest first (From, To, Date, Subject); Enter opens
the text part, Escape goes back. The Maildir is polled once a second (two
directory stats; only new files are parsed), so mail appears as it arrives.
The polls, scans and reads touch the disk, so they run in thread workers and
post what they found; the screens draw it on the UI thread.
Every header and body is shown as plain text: no Rich markup, no escape bytes.
The viewer only reads; it never moves or deletes a message.
"""
from __future__ import annotations

import datetime as dt
import os
import threading
import unicodedata
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from models.config import MAILBOX_POLL_SECONDS
from models.timefmt import short_datetime
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.key_hints import KeyHints, KeysAsPrinted
from tui.shared.screen_base import PortalScreen
from tui.textual_patches.first_frame import WholeFirstFrame


def plain(value: object, *, multiline: bool = False) -> str:
    """`value` without control characters (newlines and tabs kept if multiline)."""
    text = str(value or "")
    keep = "\n\t" if multiline else ""
    if multiline:
        text = text.replace("\r\n", "\n")
    out = []
    for ch in text:
        if ch in keep:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            out.append(" " if ch in "\r\n\t" else "")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class MailSummary:
    key: str
    path: Path
    mtime_ns: int
    sender: str
    to: str
    subject: str
    date: dt.datetime | None


class Maildir:
    """A read-only view of a Maildir's new/ and cur/ folders.

    Scanned from worker threads: `lock` keeps one scan at a time on the cache.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._cache: dict[str, MailSummary] = {}
        self._stamp: tuple | None = None
        self.lock = threading.Lock()

    def stamp(self) -> tuple:
        parts = []
        for sub in ("new", "cur"):
            try:
                # The name count catches arrivals within one mtime tick.
                parts.append((os.stat(self.path / sub).st_mtime_ns, len(os.listdir(self.path / sub))))
            except OSError:
                parts.append(None)
        return tuple(parts)

    def changed(self) -> bool:
        return self.stamp() != self._stamp

    def scan(self) -> list[MailSummary]:
        """All messages, newest first. Only files not seen before are parsed."""
        self._stamp = self.stamp()
        seen: dict[str, MailSummary] = {}
        parser = BytesHeaderParser(policy=policy.default)
        for sub in ("new", "cur"):
            try:
                entries = list(os.scandir(self.path / sub))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                key = entry.name.split(":", 1)[0]
                cached = self._cache.get(key)
                if cached is not None and cached.path == Path(entry.path):
                    seen[key] = cached
                    continue
                try:
                    mtime_ns = entry.stat().st_mtime_ns
                    with open(entry.path, "rb") as fh:
                        headers = parser.parse(fh)
                except (OSError, ValueError):
                    continue
                seen[key] = MailSummary(
                    key=key,
                    path=Path(entry.path),
                    mtime_ns=mtime_ns,
                    sender=_header(headers, "From"),
                    to=_header(headers, "To"),
                    subject=_header(headers, "Subject"),
                    date=_date(headers),
                )
        self._cache = seen
        return sorted(seen.values(), key=lambda m: (m.mtime_ns, m.key), reverse=True)


def _header(headers, name: str) -> str:
    try:
        return plain(headers.get(name, ""))
    except Exception:  # a damaged header: show nothing rather than crash
        return ""


def _date(headers) -> dt.datetime | None:
    try:
        value = headers.get("Date")
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError, IndexError):
        return None


def read_text(path: Path) -> str:
    """The text/plain part of the message at `path` (or a note saying there is none)."""
    try:
        with open(path, "rb") as fh:
            msg = BytesParser(policy=policy.default).parse(fh)
    except OSError as exc:
        return f"(This message cannot be read: {exc.strerror or exc})"
    body = msg.get_body(preferencelist=("plain",))
    if body is None:
        return "(This message has no plain-text part.)"
    try:
        return plain(body.get_content(), multiline=True)
    except (LookupError, ValueError) as exc:
        return f"(The text part cannot be decoded: {exc})"


class MailList(FittingTable):
    """The message list; Enter opens the highlighted message.

    It fits the terminal's width: the date stays whole, From and To give
    way first (the practice's address is the same on every message), then
    the subject."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="mailbox.open"),
    ]


class MessageScreen(PortalScreen):
    """One message's headers and text part, scrollable."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="mailbox.back"),
        Binding("q", "back", "Back", show=False, id="mailbox.back_q"),
    ]

    class Read(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, summary: MailSummary, time_zone: str) -> None:
        super().__init__()
        self.summary = summary
        self.time_zone = time_zone

    def compose(self) -> ComposeResult:
        s = self.summary
        when = short_datetime(s.date, self.time_zone) if s.date else ""
        headers = Text()
        for label, value in (("From", s.sender), ("To", s.to), ("Subject", s.subject), ("Date", when)):
            headers.append(f"{label}: ", style="bold")
            headers.append(value)
            headers.append("\n")
        headers.rstrip()
        yield Header()
        yield Static(headers, id="headers")
        with VerticalScroll(id="body-scroll"):
            yield Static(Text("Reading…"), id="body")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#body-scroll", VerticalScroll).focus()
        self.read_worker(self.summary.path)

    @work(thread=True, exclusive=True, group="mailbox-read", exit_on_error=False)
    def read_worker(self, path: Path) -> None:
        self.post_message(self.Read(read_text(path)))

    @on(Read)
    def show_text(self, event: Read) -> None:
        self.query_one("#body", Static).update(Text(event.text))

    def action_back(self) -> None:
        self.app.pop_screen()


class MailboxScreen(PortalScreen):
    """The list of messages, newest first."""

    BINDINGS = [
        Binding("r", "reload", "Refresh", id="mailbox.refresh"),
        Binding("q", "app.quit", "Quit", id="mailbox.quit"),
    ]

    class Scanned(Message):
        def __init__(self, messages: list[MailSummary]) -> None:
            super().__init__()
            self.messages = messages

    def __init__(self, maildir: Maildir, time_zone: str) -> None:
        super().__init__()
        self.maildir = maildir
        self.time_zone = time_zone
        self.messages: list[MailSummary] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="summary")
        yield Static(
            Text("No mail yet. Messages the portal sends will appear here as they arrive."),
            id="empty",
        )
        yield MailList(
            Column("From", "from", min_width=10),
            Column("To", "to", min_width=12),
            Column("Date", "date", whole=True),
            Column("Subject", "subject", keep=1, min_width=16),
            id="mail-list",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield KeyHints()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(MailList).focus()

    def action_reload(self) -> None:
        self.reload()

    def reload(self, *, if_changed: bool = False) -> None:
        """Scan the Maildir in a worker (only if it changed, for a poll)."""
        self.scan_worker(if_changed)

    @work(thread=True, group="mailbox-scan", exit_on_error=False)
    def scan_worker(self, if_changed: bool) -> None:
        with self.maildir.lock:  # a cancelled worker's thread still runs: one scan at a time
            if if_changed and not self.maildir.changed():
                return
            messages = self.maildir.scan()
        self.post_message(self.Scanned(messages))

    @on(Scanned)
    def show(self, event: Scanned) -> None:
        table = self.query_one(MailList)
        current = None
        if table.row_count and 0 <= table.cursor_row < len(self.messages):
            current = self.messages[table.cursor_row].key
        self.messages = event.messages
        table.set_rows(
            ((Text(m.sender), Text(m.to), Text(short_datetime(m.date, self.time_zone) if m.date else ""), Text(m.subject)), m.key)
            for m in self.messages
        )
        keys = [m.key for m in self.messages]
        if current in keys:
            table.move_cursor(row=keys.index(current))
        count = len(self.messages)
        self.query_one("#summary", Static).update(
            Text(f"{count} message{'s' if count != 1 else ''} in {self.maildir.path}")
        )
        self.query_one("#empty").set_class(count > 0, "hidden")
        table.set_class(count == 0, "hidden")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        for m in self.messages:
            if m.key == key:
                self.app.push_screen(MessageScreen(m, self.time_zone))
                return


class MailboxApp(KeysAsPrinted, WholeFirstFrame, App):
    """`portal mailbox`: read the demo's mail in a terminal."""

    CSS_PATH = "mailbox.tcss"
    TITLE = "Mailbox"
    ENABLE_COMMAND_PALETTE = False
    POLL_SECONDS = MAILBOX_POLL_SECONDS

    def __init__(self, maildir: Path | str, *, time_zone: str = "America/New_York") -> None:
        super().__init__()
        self.maildir = Maildir(maildir)
        self.time_zone = time_zone
        self.sub_title = plain(str(self.maildir.path))
        self.list_screen = MailboxScreen(self.maildir, time_zone)

    def on_mount(self) -> None:
        self.push_screen(self.list_screen)
        self.set_interval(self.POLL_SECONDS, self.poll)

    def poll(self) -> None:
        if self.list_screen.is_mounted:
            self.list_screen.reload(if_changed=True)
