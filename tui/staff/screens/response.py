"""ResponseScreen: one completed form, read-only, as the client was asked it.

Every question of the response's own version with the answer given, the
scores with their bands, the flagged items marked, the signature line and
the response's risk alerts. A draft (a form in progress) shows the same way,
without scores. Read in a worker (the read is audited by the domain).
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from models.forms.staff_views import StaffResponseView, staff_draft, staff_response
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

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
    BINDINGS = [Binding("escape", "back", "Back", id="response.back")]

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
        yield KeyHints()

    def on_mount(self) -> None:
        self.read(self.app.actor, self.response_id, self.draft)

    @db_worker("response-read")
    def read(self, actor, response_id: int, draft: bool) -> None:
        self.post_message(self.Read((staff_draft if draft else staff_response)(actor, response_id)))

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
