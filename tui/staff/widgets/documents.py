"""DocumentsTab: share a document (typed or from a text file), see whether the client opened it, stop sharing it.

Files come only through `app.file_import` (tui.staff.files): without one (a
staff app through a door, or any launch that is not the workstation's
`portal staff`) the tab has no file row and its load action opens nothing.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, Static, TextArea

from models.audit import Actor
from models.config import OWNER_BOX_REFRESH_SECONDS
from models.errors import DomainError
from models.records import share_document, unshare_document
from models.staff_views import DocumentRow, documents_view
from models.text import InvalidInput
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.plain_input import PlainInput
from tui.shared.plain_text_area import PlainTextArea
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..files import IMPORT_OFF, REMOTE, FileImport, FileProblem
from ..formatting import when_short
from .chart_tab import ChartTab
from .common import ChartChanged, set_error


class DocumentsTab(ChartTab):
    POLL_SECONDS = OWNER_BOX_REFRESH_SECONDS  # what the client does shows within seconds
    DEFAULT_CSS = """
    DocumentsTab #file-import-off {
        color: $text-muted;
    }

    DocumentsTab DataTable {
        height: auto;
        max-height: 10;
    }

    DocumentsTab #doc-body {
        height: 6;
    }

    DocumentsTab #load-file {
        margin: 1 0 0 1;
    }
    """
    BINDINGS = [
        Binding("ctrl+s", "share", "Share document", id="documents.share"),
        Binding("ctrl+r", "load_file", "Load file", id="documents.load_file"),
        Binding("delete", "unshare", "Stop sharing", id="documents.unshare"),
    ]

    class Shared(Message):
        """The worker's answer: the shared title, or the field and rule it broke (the list follows as a view)."""

        bubble = False

        def __init__(self, title: str, field: str, error: str, ok: bool) -> None:
            super().__init__()
            self.title = title
            self.field = field
            self.error = error
            self.ok = ok

    class Unshared(Message):
        """The worker's answer: the document is off the portal."""

        bubble = False

        def __init__(self, title: str) -> None:
            super().__init__()
            self.title = title

    @property
    def file_import(self) -> FileImport | None:
        return getattr(self.app, "file_import", None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "load_file":
            files = self.file_import
            return files is not None and files.enabled
        if action == "unshare":  # Delete means "stop sharing" only on the list (in a field it deletes text)
            table = self.query("#document-list")
            return bool(table) and table.first().has_focus and bool(self.view)
        return True

    def compose(self) -> ComposeResult:
        yield Static("Share a document with the client", classes="section-heading")
        with Horizontal(classes="field-row"):
            yield Label("Title", classes="field-label")
            yield PlainInput(id="doc-title", placeholder="e.g. Treatment plan", max_length=100)
        yield Static("", id="title-error", classes="field-error")
        yield PlainTextArea(id="doc-body", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="document-error", classes="field-error")
        files = self.file_import
        if files is not None and files.enabled:
            with Horizontal(classes="field-row"):
                yield Label("Or a file", classes="field-label")
                yield PlainInput(id="doc-path", placeholder=f"a UTF-8 text file in {files.folder}", max_length=4096)
                yield Button("Load file", id="load-file", compact=True)
            yield Static("", id="path-error", classes="field-error")
        elif files is not None:
            yield Static(IMPORT_OFF, id="file-import-off", markup=False)
        with Horizontal(classes="tab-actions"):
            yield Button("Share with client", id="share", variant="primary", compact=True)
        yield Static("Shared documents", classes="section-heading")
        yield FittingTable(
            Column("Title", "title"),
            Column("Shared", "shared", whole=True),
            Column("By", "by"),
            Column("Client opened", "opened", whole=True),
            id="document-list",
            cursor_type="row",
            zebra_stripes=True,
        )
        with Horizontal(classes="tab-actions"):
            yield Button("Stop sharing…", id="unshare", compact=True)

    def read(self, chart_id: int) -> tuple[DocumentRow, ...]:
        return documents_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, docs: tuple[DocumentRow, ...]) -> None:
        rows = [
            (
                (
                    plain(doc.title),
                    when_short(doc.shared_at, self.zone),
                    plain(doc.shared_by),
                    f"Opened {when_short(doc.opened_at, self.zone)}" if doc.opened_at else "Not opened yet",
                ),
                str(doc.id),
            )
            for doc in docs
        ]
        self.query_one("#document-list", FittingTable).set_rows(rows or [(("Nothing shared yet", "", "", ""), None)])

    @on(Button.Pressed, "#load-file")
    def _load_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_load_file()

    @on(Button.Pressed, "#unshare")
    def _unshare_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_unshare()

    @on(DataTable.RowHighlighted, "#document-list")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # Delete (Stop sharing) shows while the list has the focus

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    @work(group="flow", exclusive=True)
    async def action_unshare(self) -> None:
        """Confirm, then take the highlighted document off the client's portal."""
        from ..screens.modals import ConfirmActionScreen

        docs = self.view or ()
        row = self.query_one("#document-list", DataTable).cursor_row
        if not docs or row is None or not 0 <= row < len(docs):
            self.app.notify("Choose a shared document in the list first.", title="Documents", severity="warning")
            return
        doc = docs[row]
        body = (
            f"“{doc.title}” leaves the client's portal at once: they can no longer open it"
            f"{'' if doc.opened_at else ' (they have not opened it yet)'}.\n\n"
            "The Activity tab records that it was shared and withdrawn. To share it again, share it anew."
        )
        if await self.app.push_screen_wait(ConfirmActionScreen("Stop sharing", body, "Stop sharing", danger=True)):
            self.unshare(self.app.actor, doc.id)

    @db_worker("document-unshare")
    def unshare(self, actor: Actor, document_id: int) -> None:
        try:
            title = unshare_document(actor, self.chart_id, document_id)
        except DomainError as exc:
            self.post_message(self.Shared("", "document", exc.message, False))
        else:
            self.post_message(self.Unshared(title))
        self.post_view(documents_view(actor, self.chart_id))

    @on(Unshared)
    def _unshared(self, event: Unshared) -> None:
        event.stop()
        self.app.notify(plain(f"“{event.title}” is no longer shared.").plain, title="Documents", markup=False)
        self.post_message(ChartChanged("documents", self))

    @on(Button.Pressed, "#share")
    def _share_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_share()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "doc-path":
            event.stop()
            self.action_load_file()

    def _errors(self) -> dict[str, Static]:
        return {name: error for name in ("title", "document", "path") for error in self.query(f"#{name}-error").results(Static)}

    def action_load_file(self) -> None:
        files = self.file_import
        if files is None or not files.enabled:  # the key is hidden then; a call still opens nothing
            self.app.notify(REMOTE if files is None else IMPORT_OFF, title="Documents", severity="warning", markup=False)
            return
        errors = self._errors()
        set_error(errors["path"])
        try:
            title, text = files.read(self.query_one("#doc-path", Input).value)
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
        self.share(self.app.actor, title, body)

    @db_worker("document-share")
    def share(self, actor: Actor, title: str, body: str) -> None:
        try:
            doc = share_document(actor, self.chart_id, title, body)
        except InvalidInput as exc:
            self.post_message(self.Shared("", exc.field, exc.message, False))
            return
        except DomainError as exc:
            self.post_message(self.Shared("", "document", exc.message, False))
            return
        self.post_message(self.Shared(doc.title, "", "", True))
        self.post_view(documents_view(actor, self.chart_id))

    @on(Shared)
    def _shared(self, event: Shared) -> None:
        event.stop()
        if not event.ok:
            errors = self._errors()
            set_error(errors.get(event.field, errors["document"]), event.error)
            return
        self.query_one("#doc-title", Input).value = ""
        self.query_one("#doc-body", TextArea).text = ""
        for path in self.query("#doc-path").results(Input):
            path.value = ""
        self.app.notify(plain(f"“{event.title}” is shared to the client's portal.").plain, title="Documents", markup=False)
        self.post_message(ChartChanged("documents", self))
