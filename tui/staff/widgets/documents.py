"""DocumentsTab: share a document (typed or from a text file) and see whether the client opened it."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, Static, TextArea

from models.errors import DomainError
from models.records import documents_for_staff, share_document
from models.tables import Client
from models.text import InvalidInput
from tui.plain_input import PlainInput
from tui.runtime import plain

from ..files import FileProblem, read_text_file
from ..formatting import when_short
from .common import ChartChanged, set_error


class DocumentsTab(VerticalScroll):
    BINDINGS = [
        Binding("ctrl+s", "share", "Share document", id="documents.share"),
        Binding("ctrl+r", "load_file", "Load file", id="documents.load_file"),
    ]

    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client

    def compose(self) -> ComposeResult:
        yield Static("Share a document with the client", classes="section-heading")
        with Horizontal(classes="field-row"):
            yield Label("Title", classes="field-label")
            yield PlainInput(id="doc-title", placeholder="e.g. Treatment plan", max_length=100)
        yield Static("", id="title-error", classes="field-error")
        yield TextArea(id="doc-body", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="document-error", classes="field-error")
        with Horizontal(classes="field-row"):
            yield Label("Or a file", classes="field-label")
            yield PlainInput(id="doc-path", placeholder="path of a UTF-8 text file", max_length=4096)
            yield Button("Load file", id="load-file", compact=True)
        yield Static("", id="path-error", classes="field-error")
        with Horizontal(classes="tab-actions"):
            yield Button("Share with client", id="share", variant="primary", compact=True)
        yield Static("Shared documents", classes="section-heading")
        table = DataTable(id="document-list", cursor_type="row", zebra_stripes=True)
        table.add_column("Title", key="title")
        table.add_column("Shared", key="shared")
        table.add_column("By", key="by")
        table.add_column("Client opened", key="opened")
        yield table

    def on_mount(self) -> None:
        self.reload(self.client)

    def reload(self, client: Client) -> None:
        self.client = client
        table = self.query_one("#document-list", DataTable)
        table.clear()
        docs = documents_for_staff(client)
        for doc in docs:
            by = doc.shared_by.full_name if doc.shared_by_id and doc.shared_by else ""
            table.add_row(
                plain(doc.title),
                when_short(doc.shared_at),
                plain(by),
                f"Opened {when_short(doc.opened_at)}" if doc.opened_at else "Not opened yet",
                key=str(doc.id),
            )
        if not docs:
            table.add_row("Nothing shared yet", "", "", "")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "load-file":
            event.stop()
            self.action_load_file()
        elif event.button.id == "share":
            event.stop()
            self.action_share()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "doc-path":
            event.stop()
            self.action_load_file()

    def _errors(self) -> dict[str, Static]:
        return {name: self.query_one(f"#{name}-error", Static) for name in ("title", "document", "path")}

    def action_load_file(self) -> None:
        errors = self._errors()
        set_error(errors["path"])
        try:
            title, text = read_text_file(self.query_one("#doc-path", Input).value)
        except FileProblem as exc:
            set_error(errors["path"], exc.message)
            return
        self.query_one("#doc-body", TextArea).text = text
        title_input = self.query_one("#doc-title", Input)
        if not title_input.value.strip():
            title_input.value = title[:100]
        self.app.notify("File loaded. Check it, then share it.", title="Documents")

    def action_share(self) -> None:
        errors = self._errors()
        for error in errors.values():
            set_error(error)
        title = self.query_one("#doc-title", Input).value
        body = self.query_one("#doc-body", TextArea).text
        try:
            doc = share_document(self.app.actor, self.client, title, body)
        except InvalidInput as exc:
            set_error(errors.get(exc.field, errors["document"]), exc.message)
            return
        except DomainError as exc:
            set_error(errors["document"], exc.message)
            return
        self.query_one("#doc-title", Input).value = ""
        self.query_one("#doc-body", TextArea).text = ""
        self.query_one("#doc-path", Input).value = ""
        self.app.notify(plain(f"“{doc.title}” is shared to the client's portal.").plain, title="Documents", markup=False)
        self.reload(self.client)
        self.post_message(ChartChanged("documents"))
