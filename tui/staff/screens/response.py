"""ResponseScreen: one completed form, read-only, as the client was asked it.

Every question of the response's own version with the answer given, the
scores with their bands, the flagged items marked, the signature line and
the response's risk alerts. A draft (a form in progress) shows the same way,
without scores. Read in a worker (the read is audited by the domain).

At the workstation with an export folder set, Export PDF writes the response
(models.forms.export.response_pdf) there as a new 0600 file
(tui.staff.files); through a door the key and button are absent.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Header, Static

from models.errors import DomainError
from models.forms.export import response_pdf
from models.forms.staff_views import StaffResponseView, staff_draft, staff_response
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..files import EXPORT_OFF, EXPORT_REMOTE, FileImport, FileProblem
from ..formatting import when

FLAG = "⚠"


def results_text(view: StaffResponseView) -> Text:
    """Scores ('Total 14 of 27 · Moderate') and the flags, one a line."""
    results = view.response.results
    out = Text()
    if results is None:
        return out
    for score in results.scores:
        value = "not scored (an item is unanswered)" if score.value is None else f"{score.value} of {score.maximum}"
        band = f" · {score.band}" if score.band else ""
        out.append_text(plain(f"{score.label}: {value}{band}\n", "bold"))
    for flag in results.flags:
        out.append_text(plain(f"{FLAG} Risk flag: {flag.label}\n", "bold red"))
    out.rstrip()
    return out


def answers_text(view: StaffResponseView) -> Text:
    """Each question as asked, its answer below it; an item group's stem once above its items."""
    out = Text()
    stem = None
    number = 0
    for line in view.response.lines:
        if line.group != stem:
            stem = line.group
            if stem:
                out.append_text(plain(f"{stem}\n", "italic"))
        number += 1
        flagged = line.question_id in view.flagged
        out.append_text(plain(f"{FLAG if flagged else ' '} {number}. {line.label}\n", "bold red" if flagged else "bold"))
        out.append_text(plain(f"     {line.shown}\n", "red" if flagged else ("dim" if line.missing else "")))
    out.rstrip()
    return out


def signature_text(view: StaffResponseView) -> Text:
    sig = view.response.signature
    if sig is None:
        return plain("No signature (this form asks for none)." if view.response.submitted_at else "Not signed yet.", "dim")
    return plain(
        f"{sig.text}\n{when(sig.at, view.zone)} · from {sig.source or 'unknown'} · SHA-256 {sig.sha256[:16]}…"
    )


def alerts_text(view: StaffResponseView) -> Text:
    out = Text()
    for alert in view.alerts:
        if alert.open:
            out.append_text(plain(f"{FLAG} Open since {when(alert.created_at, view.zone)}: acknowledge it in the Forms tab.\n",
                                  "bold red"))
        else:
            out.append_text(plain(f"Acknowledged by {alert.acknowledged_by}, {when(alert.acknowledged_at, view.zone)}: "
                                  f"{alert.note}\n"))
    out.rstrip()
    return out


class ResponseScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "response.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="response.back"),
        Binding("e", "export", "Export PDF", id="response.export"),
    ]

    class Exported(Message):
        def __init__(self, words: str, ok: bool) -> None:
            super().__init__()
            self.words = words
            self.ok = ok

    class Read(Message):
        def __init__(self, view: StaffResponseView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, response_id: int, *, draft: bool = False) -> None:
        super().__init__()
        self.response_id = response_id
        self.draft = draft
        self.view: StaffResponseView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="response"):
            yield Static("Reading the response…", id="response-title")
            yield Static("", id="response-results")
            yield Static("", id="response-alerts")
            yield Static("Answers", classes="section-heading")
            yield Static("", id="response-answers")
            yield Static("Signature", classes="section-heading")
            yield Static("", id="response-signature")
            if self._can_export():
                with Horizontal(id="response-actions"):
                    yield Button("Export PDF", id="export", compact=True)
        yield KeyHints()

    @property
    def file_import(self) -> FileImport | None:
        """The workstation's file rule; None through a door (then nothing is exported)."""
        return getattr(self.app, "file_import", None)

    def _can_export(self) -> bool:
        files = self.file_import
        return not self.draft and files is not None and files.export_enabled

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._can_export() if action == "export" else True

    @on(Button.Pressed, "#export")
    def _export_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        files = self.file_import
        if files is None or not self._can_export():  # the key and button are absent then; a call still writes nothing
            words = EXPORT_REMOTE if files is None else (EXPORT_OFF if not files.export_enabled else "Only a submitted form can be exported.")
            self.app.notify(words, title="Export", severity="warning", markup=False)
            return
        self.export(self.app.actor, self.response_id, files)

    @db_worker("response-export")
    def export(self, actor, response_id: int, files: FileImport) -> None:
        try:
            name, data = response_pdf(actor, response_id)
            path = files.write_export(name, data)
        except FileProblem as exc:
            self.post_message(self.Exported(exc.message, False))
        except DomainError as exc:
            self.post_message(self.Exported(exc.message, False))
        else:
            self.post_message(self.Exported(f"Saved as {path}", True))

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.app.notify(plain(event.words).plain, title="Export" if event.ok else "Not exported",
                        severity="information" if event.ok else "error", markup=False)

    def on_mount(self) -> None:
        self.read(self.app.actor, self.response_id, self.draft)

    class Refused(Message):
        def __init__(self, words: str) -> None:
            super().__init__()
            self.words = words

    @db_worker("response-read")
    def read(self, actor, response_id: int, draft: bool) -> None:
        try:
            view = (staff_draft if draft else staff_response)(actor, response_id)
        except DomainError as exc:   # e.g. the front desk: answers are the clinician's (models/roles.py)
            self.post_message(self.Refused(exc.message))
            return
        self.post_message(self.Read(view))

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.app.notify(plain(event.words).plain, title="Not shown", severity="warning", markup=False)
        self.app.pop_screen()

    @on(Read)
    def _read(self, event: Read) -> None:
        view = self.view = event.view
        r, c = view.response, view.chart
        state = f"submitted {when(r.submitted_at, view.zone)}" if r.submitted_at else "in progress, not submitted"
        corrects = " · corrects an earlier response" if r.corrects else ""
        self.query_one("#response-title", Static).update(plain(
            f"{r.title} · version {r.version}\n{c.full_name} · Chart #{c.chart_number} · {state}{corrects}"
        ))
        results = self.query_one("#response-results", Static)
        results.update(results_text(view))
        results.display = r.results is not None and bool(r.results.scores or r.results.flags)
        alerts = self.query_one("#response-alerts", Static)
        alerts.update(alerts_text(view))
        alerts.display = bool(view.alerts)
        self.query_one("#response-answers", Static).update(answers_text(view))
        self.query_one("#response-signature", Static).update(signature_text(view))

    def action_back(self) -> None:
        self.app.pop_screen()
