"""ImportPdfScreen: a fillable PDF from the import folder, previewed field by field, then published.

Only at the workstation: the forms library offers it only when the app has
a FileImport with a folder (tui.staff.files: never through a door), and
reads go through `FileImport.read_bytes`, with every check the Documents
tab's loads get. The bytes previewed are the bytes published (the file is
not read again), and a refusal, the folder's or the PDF domain's, is shown
in the domain's words.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from models.audit import Actor
from models.errors import DomainError
from models.forms.pdf_forms import MAX_BYTES, PdfPreview, import_pdf, preview_pdf
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import fit
from ..files import FileImport, FileProblem
from ..widgets.common import set_error

KIND_NAMES = {
    "short_text": "Short text", "long_text": "Long text", "yes_no": "Yes/no", "single_choice": "One choice",
    "multiple_choice": "Choices", "signature": "Signature", "date": "Date", "number": "Number",
}


class ImportPdfScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "import_pdf.tcss"
    AUTO_FOCUS = "#pdf-files"

    BINDINGS = [
        Binding("escape", "back", "Library", id="import_pdf.back"),
        Binding("ctrl+s", "publish", "Publish", id="import_pdf.publish"),
    ]

    class Listed(Message):
        def __init__(self, names: list[str], error: str = "") -> None:
            super().__init__()
            self.names = names
            self.error = error

    class Previewed(Message):
        def __init__(self, name: str, data: bytes | None, preview: PdfPreview | None, error: str = "") -> None:
            super().__init__()
            self.name = name
            self.data = data
            self.preview = preview
            self.error = error

    class Published(Message):
        def __init__(self, words: str, error: str = "") -> None:
            super().__init__()
            self.words = words
            self.error = error

    def __init__(self, files: FileImport) -> None:
        super().__init__()
        self.files = files
        self.names: list[str] = []
        self.chosen: tuple[str, bytes] | None = None   # the file previewed: what Publish sends
        self.preview: PdfPreview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(f"Import a fillable PDF from {self.files.folder}"), id="import-title")
        yield OptionList(id="pdf-files")
        yield Static("", id="pdf-summary")
        with Horizontal(classes="field-row"):
            yield Label("Title", classes="field-label")
            yield PlainInput(id="pdf-title", max_length=200, placeholder="the form's name in the library")
        table = DataTable(id="pdf-fields", cursor_type="row", zebra_stripes=True)
        table.add_column("Kind", key="kind", width=11)
        table.add_column("Label", key="label")
        table.add_column("Choices", key="choices")
        yield table
        yield Static("", id="pdf-field-detail")
        yield Static("", id="pdf-error", classes="field-error")
        with Horizontal(id="import-actions"):
            yield Button("Publish", id="publish", variant="primary", compact=True, disabled=True)
        yield KeyHints()

    def on_mount(self) -> None:
        self.list_files()

    # --- the folder --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="pdf-files", exit_on_error=False)
    def list_files(self) -> None:
        try:
            self.post_message(self.Listed(self.files.names(".pdf")))
        except FileProblem as exc:
            self.post_message(self.Listed([], exc.message))

    @on(Listed)
    def _listed(self, event: Listed) -> None:
        self.names = event.names
        options = self.query_one("#pdf-files", OptionList)
        options.clear_options()
        options.add_options([Option(plain(name)) for name in event.names])
        if event.error:
            set_error(self.query_one("#pdf-error", Static), event.error)
        elif not event.names:
            set_error(self.query_one("#pdf-error", Static), "There is no PDF in the import folder.")
        else:
            options.highlighted = 0
            self.query_one("#pdf-summary", Static).update("Enter previews the highlighted PDF.")

    @on(OptionList.OptionSelected, "#pdf-files")
    def _file_chosen(self, event: OptionList.OptionSelected) -> None:
        name = self.names[event.option_index]
        set_error(self.query_one("#pdf-error", Static))
        self.query_one("#pdf-summary", Static).update(plain(f"Reading {name}…"))
        self.read_preview(name)

    # --- preview ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="pdf-preview", exit_on_error=False)
    def read_preview(self, name: str) -> None:
        """Read and check the file; nothing is stored."""
        try:
            data = self.files.read_bytes(name, MAX_BYTES)
            preview = preview_pdf(data, filename=name)
        except FileProblem as exc:
            self.post_message(self.Previewed(name, None, None, exc.message))
        except DomainError as exc:  # PdfRefused: the reason, in the domain's words
            self.post_message(self.Previewed(name, None, None, exc.message))
        else:
            self.post_message(self.Previewed(name, data, preview))

    @on(Previewed)
    def _previewed(self, event: Previewed) -> None:
        table = self.query_one("#pdf-fields", DataTable)
        table.clear()
        publish = self.query_one("#publish", Button)
        summary = self.query_one("#pdf-summary", Static)
        if event.preview is None or event.data is None:
            self.chosen = self.preview = None
            self.query_one("#pdf-field-detail", Static).update("")
            publish.disabled = True
            summary.update(plain(f"{event.name} can't be imported."))
            set_error(self.query_one("#pdf-error", Static), event.error)
            return
        p = self.preview = event.preview
        self.chosen = (event.name, event.data)
        publish.disabled = False
        what = (f"a form with {len(p.fields)} field{'s' if len(p.fields) != 1 else ''}" if p.kind == "form"
                else "an information sheet (no fields): the client reads it and signs")
        words = f"{event.name}: {what} · {p.pages} page{'s' if p.pages != 1 else ''} · {max(1, p.size_bytes // 1024):,} KB"
        if p.text_excerpt:
            words += "\n" + " ".join(p.text_excerpt.split())[:300]
        summary.update(plain(words))
        self.query_one("#pdf-title", Input).value = p.title
        width = max(16, (self.size.width - 11 - 2 * 3 - 4) // 2)
        for field in p.fields:
            table.add_row(KIND_NAMES.get(field.kind, field.kind), plain(fit(field.label, width)),
                          plain(fit(", ".join(field.choices), width)))

    @on(DataTable.RowHighlighted, "#pdf-fields")
    def _field_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted field whole: the table cuts long labels and choices to fit."""
        fields = self.preview.fields if self.preview else ()
        row = event.cursor_row
        words = ""
        if 0 <= row < len(fields):
            field = fields[row]
            words = f"{KIND_NAMES.get(field.kind, field.kind)}: {field.label}"
            if field.choices:
                words += f" · choices: {', '.join(field.choices)}"
        self.query_one("#pdf-field-detail", Static).update(plain(words))

    # --- publish -----------------------------------------------------------------------

    @on(Button.Pressed, "#publish")
    def _publish_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_publish()

    def action_publish(self) -> None:
        if self.chosen is None:
            set_error(self.query_one("#pdf-error", Static), "Preview a PDF first: choose it in the list and press Enter.")
            return
        set_error(self.query_one("#pdf-error", Static))
        name, data = self.chosen
        self.publish(self.app.actor, data, self.query_one("#pdf-title", Input).value, name)

    @db_worker("pdf-publish")
    def publish(self, actor: Actor, data: bytes, title: str, name: str) -> None:
        try:
            form = import_pdf(actor, data, title=title, filename=name)
        except DomainError as exc:
            self.post_message(self.Published("", exc.message))
        else:
            self.post_message(self.Published(f"{form.title} is in the library (version {form.version})."))

    @on(Published)
    def _published(self, event: Published) -> None:
        if event.error:
            set_error(self.query_one("#pdf-error", Static), event.error)
            return
        self.dismiss(event.words)

    def action_back(self) -> None:
        self.dismiss(None)
