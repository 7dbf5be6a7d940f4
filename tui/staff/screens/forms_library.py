"""FormsLibraryScreen: the practice's forms with their version and state; retire one (asked first).

Packages are listed below the forms; sending a form or a package to a
chart is on the chart's Forms tab, where the chart is known.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import WorkerCancelled, WorkerFailed

from models.audit import Actor
from models.errors import DomainError
from models.forms.library import FormLine, retire_form
from models.forms.staff_views import KIND_WORDS, SOURCE_WORDS, LibraryView, library_view
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import fit
from ..files import IMPORT_OFF, REMOTE, FileImport


class FormsLibraryScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "forms_library.tcss"
    AUTO_FOCUS = "#library"

    BINDINGS = [
        Binding("escape", "back", "Clients", id="library.back"),
        Binding("x", "retire", "Retire", id="library.retire"),
        Binding("i", "import_pdf", "Import PDF", id="library.import_pdf"),
    ]

    class Read(Message):
        def __init__(self, view: LibraryView, words: str = "", ok: bool = True) -> None:
            super().__init__()
            self.view = view
            self.words = words
            self.ok = ok

    def __init__(self) -> None:
        super().__init__()
        self.view: LibraryView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Forms library", id="library-title")
        table = DataTable(id="library", cursor_type="row", zebra_stripes=True)
        table.add_column("Form", key="form")
        table.add_column("Kind", key="kind", width=13)
        table.add_column("Source", key="source", width=8)
        table.add_column("Version", key="version", width=7)
        table.add_column("State", key="state", width=7)
        yield table
        yield Static("", id="library-detail")
        yield Static("", id="packages")
        files = self.file_import
        if files is not None and not files.enabled:  # at the workstation, with no import folder set
            yield Static(IMPORT_OFF, id="import-off", markup=False)
        yield KeyHints()

    @property
    def file_import(self) -> FileImport | None:
        """The workstation's file rule; None through a door (then no import at all)."""
        return getattr(self.app, "file_import", None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import_pdf":
            files = self.file_import
            return files is not None and files.enabled
        return True

    def on_mount(self) -> None:
        self.read()

    @db_worker("library-read")
    def read(self) -> None:
        self.post_message(self.Read(library_view()))

    @on(Read)
    def _read(self, event: Read) -> None:
        self.view = event.view
        table = self.query_one("#library", DataTable)
        keep = table.cursor_row
        table.clear()
        width = max(16, self.size.width - (13 + 8 + 7 + 7) - 2 * 5 - 4)
        for form in event.view.forms:
            table.add_row(
                plain(fit(form.title, width), "dim" if form.retired else ""),
                KIND_WORDS.get(form.kind, form.kind.capitalize()),
                SOURCE_WORDS.get(form.source, form.source.capitalize()),
                f"v{form.version}",
                Text("Retired", style="dim") if form.retired else "In use",
                key=form.key,
            )
        if not event.view.forms:
            table.add_row("The library is empty: run `portal forms sync`.", "", "", "", "")
        elif keep:
            table.move_cursor(row=min(keep, len(event.view.forms) - 1))
        lines = [f"Package “{p.title}”: {', '.join(p.form_titles)}" for p in event.view.packages]
        lines.append("Send a form or a package from a chart's Forms tab (F8 in the chart).")
        self.query_one("#packages", Static).update(plain("\n".join(lines)))
        if event.words:
            severity = "information" if event.ok else "error"
            self.app.notify(plain(event.words).plain, title="Forms library" if event.ok else "Not done",
                            severity=severity, markup=False)

    @on(DataTable.RowHighlighted, "#library")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted form whole (the table cuts long titles to fit)."""
        form = self.chosen()
        words = ""
        if form is not None:
            state = "retired: no longer sent" if form.retired else "in use"
            words = (f"{form.title} · version {form.version} · "
                     f"{KIND_WORDS.get(form.kind, form.kind).lower()}, {SOURCE_WORDS.get(form.source, form.source).lower()} · {state}")
        self.query_one("#library-detail", Static).update(plain(words))

    def chosen(self) -> FormLine | None:
        forms = self.view.forms if self.view else ()
        row = self.query_one("#library", DataTable).cursor_row
        return forms[row] if forms and row is not None and 0 <= row < len(forms) else None

    def action_retire(self) -> None:
        self.retire_flow()

    @work(group="flow", exclusive=True)
    async def retire_flow(self) -> None:
        from .modals import ConfirmActionScreen

        form = self.chosen()
        if form is None or form.retired:
            self.app.notify("Choose a form in use to retire.", title="Forms library", severity="warning")
            return
        body = (f"{form.title} can no longer be sent. What was already sent stays open for the client, "
                "and every answer stays in the charts.")
        if not await self.app.push_screen_wait(ConfirmActionScreen(f"Retire {form.title}", body, "Retire", danger=True)):
            return
        try:
            await self.retire(self.app.actor, form.key, form.title).wait()
        except (WorkerFailed, WorkerCancelled):
            pass  # the app says why

    @db_worker("library-retire")
    def retire(self, actor: Actor, key: str, title: str) -> None:
        try:
            retire_form(actor, key)
        except DomainError as exc:
            self.post_message(self.Read(library_view(), exc.message, False))
        else:
            self.post_message(self.Read(library_view(), f"{title} is retired."))

    def action_import_pdf(self) -> None:
        from .import_pdf import ImportPdfScreen

        files = self.file_import
        if files is None or not files.enabled:  # the key is hidden then; a call still opens nothing
            self.app.notify(REMOTE if files is None else IMPORT_OFF, title="Forms library", severity="warning", markup=False)
            return

        def done(words: str | None) -> None:
            if words:
                self.app.notify(plain(words).plain, title="Forms library", markup=False)
                self.read()

        self.app.push_screen(ImportPdfScreen(files), done)

    def action_back(self) -> None:
        self.app.pop_screen()
