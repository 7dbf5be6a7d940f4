"""AuditTrailScreen (F7 on the client list, admins and clinicians): what happened, in words.

Newest first, a page at a time (PgDn older, PgUp back), narrowed by a chart
search, a staff user, a kind of action and a first and last day. Each line
is a sentence ("Dana Whitfield resent the portal invitation to Jordan
Avery"), repeats in a row folded into one; failures and refusals are marked
⚠. The line under the table gives the highlighted event whole: its exact
time, where it came from and its detail.

models/audit_trail.py decides what this person may see (a clinician: their
own charts' events) and refuses anyone else; the screen then says so and
closes. Every read runs in a worker; a newer filter replaces a read still
on its way.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from models.audit_trail import TrailChoices, TrailFilter, TrailPage, TrailRow, open_trail, trail_page
from models.errors import NotAllowed
from models.text import InvalidInput
from models.timefmt import practice_zone
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import when, when_short
from ..widgets.common import set_error

DATE_FIELDS = ("since", "until")
FIELD_NAMES = {"chart": "Chart", "since": "From", "until": "To", "kind": "Action"}


class AuditTrailScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "audit_trail.tcss"
    AUTO_FOCUS = "#trail"
    DEBOUNCE_SECONDS = 0.3

    BINDINGS = [
        # PgDn/PgUp turn pages, not the table's screenful: a page is about that long.
        Binding("pagedown", "older", "Older", id="audit.older", priority=True, key_display="PgDn"),
        Binding("pageup", "newer", "Newer", id="audit.newer", priority=True, key_display="PgUp"),
        Binding("escape", "back", "Back", id="audit.back"),
        Binding("ctrl+r", "clear_filters", "Clear filters", id="audit.clear", key_display="^R"),
    ]

    class Opened(Message):
        def __init__(self, choices: TrailChoices) -> None:
            super().__init__()
            self.choices = choices

    class Loaded(Message):
        def __init__(self, request: int, page: TrailPage, rows: list[tuple[tuple[str, ...], str]], details: list[str]) -> None:
            super().__init__()
            self.request = request
            self.page = page
            self.rows = rows
            self.details = details

    class Refused(Message):
        """The filters as typed cannot be read: what is wrong with which field."""

        def __init__(self, request: int, field: str, words: str) -> None:
            super().__init__()
            self.request = request
            self.field = field
            self.words = words

    class NotShown(Message):
        """The trail is not for this person (the domain refused, and audited it)."""

        def __init__(self, words: str) -> None:
            super().__init__()
            self.words = words

    def __init__(self) -> None:
        super().__init__()
        self.choices: TrailChoices | None = None
        self.cursors: list[int | None] = [None]   # each page's `before`, newest page first
        self.older: int | None = None             # the next page's, when there is one
        self.details: list[str] = []              # each line whole, for the line under the table
        self._request = 0
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Audit trail · newest first", id="trail-title")
        with Horizontal(classes="trail-filters"):
            yield Label("Chart", classes="trail-label")
            yield PlainInput(id="chart", placeholder="name, chart # or DOB", max_length=100, compact=True)
            yield Label("Staff", classes="trail-label")
            yield Select([], prompt="Anyone", id="staff", compact=True)
        with Horizontal(classes="trail-filters"):
            yield Label("Action", classes="trail-label")
            yield Select([], prompt="Every kind", id="kind", compact=True)
            yield Label("From", classes="trail-label")
            yield PlainInput(id="since", placeholder="MM/DD/YYYY", max_length=10, compact=True)
            yield Label("To", classes="trail-label")
            yield PlainInput(id="until", placeholder="MM/DD/YYYY", max_length=10, compact=True)
        yield Static("", id="trail-error", classes="field-error")
        yield FittingTable(
            Column("When", "when", whole=True),
            Column("What happened", "what"),
            Column("From", "source", optional=True),
            id="trail",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield Static("", id="trail-detail")
        yield Static("Reading…", id="trail-info")
        yield KeyHints(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.read_choices(self.app.actor)  # type: ignore[attr-defined]

    # --- reading -------------------------------------------------------------

    @db_worker("audit-open")
    def read_choices(self, actor) -> None:
        try:
            choices = open_trail(actor)
        except NotAllowed as exc:
            self.post_message(self.NotShown(exc.message))
            return
        self.post_message(self.Opened(choices))

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        self.choices = event.choices
        self.query_one("#staff", Select).set_options((plain(name), staff_id) for staff_id, name in event.choices.staff)
        self.query_one("#kind", Select).set_options((label, key) for key, label in event.choices.kinds)
        if event.choices.own_charts_only:
            self.query_one("#trail-title", Static).update("Audit trail of your charts · newest first")
        self.load()

    def _typed(self) -> dict:
        staff, kind = self.query_one("#staff", Select).value, self.query_one("#kind", Select).value
        return {
            "chart": self.query_one("#chart", Input).value,
            "staff_id": None if staff is Select.NULL else staff,
            "kind": "" if kind is Select.NULL else kind,
            **{name: self.query_one(f"#{name}", Input).value for name in DATE_FIELDS},
        }

    def load(self, *, page: int = 0) -> None:
        """Read page `page` of self.cursors (0: the newest) with the filters as typed."""
        if self.choices is None:
            return   # the first read follows the opening
        self._request += 1
        del self.cursors[page + 1:]
        self.query_one("#trail-info", Static).update("Reading…")
        self.read(self._request, self.app.actor, self._typed(), self.cursors[page])  # type: ignore[attr-defined]

    @db_worker("audit-page")
    def read(self, request: int, actor, typed: dict, before: int | None) -> None:
        try:
            found = trail_page(actor, TrailFilter.typed(**typed), before)
        except InvalidInput as exc:
            self.post_message(self.Refused(request, exc.field, exc.message))
            return
        except NotAllowed as exc:
            self.post_message(self.NotShown(exc.message))
            return
        zone = practice_zone()   # read here, in the worker: drawing never queries
        rows, details = [], []
        for line in found.rows:
            rows.append(((when_short(line.at, zone), line.sentence, line.source), str(line.id)))
            details.append(self._detail(line, zone))
        self.post_message(self.Loaded(request, found, rows, details))

    @staticmethod
    def _detail(line: TrailRow, zone) -> str:
        at = when(line.at, zone)
        if line.count > 1:
            at = f"{when(line.first_at, zone)} to {at}"
        where = f" · from {line.source}" if line.source else ""
        chart = f" · chart #{line.chart_number}" if line.chart_number else ""
        detail = f" · detail: {line.detail}" if line.detail else ""
        return f"{'⚠ ' if line.failed else ''}{line.sentence}\n{at}{where}{chart}{detail}"

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.request != self._request:
            return   # a newer read is on its way
        set_error(self.query_one("#trail-error", Static))
        self.older = event.page.older
        self.details = event.details
        table = self.query_one("#trail", FittingTable)
        table.set_rows(
            ((cells[0], plain(f"⚠ {cells[1]}", "bold red") if line.failed else plain(cells[1]), plain(cells[2])), key)
            for (cells, key), line in zip(event.rows, event.page.rows)
        )
        if event.rows:
            table.move_cursor(row=0)
        else:
            table.set_rows([(("", self._nothing_words(), ""), None)])
        self._show_detail()
        self.query_one("#trail-info", Static).update(self._page_words(len(event.rows)))

    def _nothing_words(self) -> str:
        if any(value not in ("", None) for value in self._typed().values()):
            return "Nothing matches."
        return "Nothing on your charts yet." if self.choices and self.choices.own_charts_only else "Nothing yet."

    def _page_words(self, shown: int) -> str:
        page = len(self.cursors)
        words = [f"Page {page}"]
        if page > 1:
            words.append("PgUp: newer")
        if self.older is not None:
            words.append("PgDn: older")
        elif shown:
            words.append("no older events")
        return " · ".join(words)

    @on(NotShown)
    def _not_shown(self, event: NotShown) -> None:
        self.app.notify(plain(event.words).plain, title="Not shown", severity="warning", markup=False)
        self.dismiss()

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.request != self._request:
            return
        name = FIELD_NAMES.get(event.field, "")
        set_error(self.query_one("#trail-error", Static), f"{name}: {event.words}" if name else event.words)
        for field in self.query(f"#{event.field}"):
            field.focus()   # back to what needs fixing (Enter had moved on to the table)
        self.query_one("#trail-info", Static).update("Nothing read: see the line above the table.")

    @on(DataTable.RowHighlighted, "#trail")
    def _show_detail(self) -> None:
        row = self.query_one("#trail", FittingTable).cursor_row
        text = self.details[row] if 0 <= row < len(self.details) else ""
        self.query_one("#trail-detail", Static).update(plain(text))

    # --- filters --------------------------------------------------------------

    @on(Input.Changed, "#chart")
    def _chart_typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.DEBOUNCE_SECONDS, self.load)

    @on(Input.Changed, "#since")
    @on(Input.Changed, "#until")
    def _date_typed(self, event: Input.Changed) -> None:
        if event.value.strip() == "" or len(event.value.strip()) == 10:   # cleared, or a whole date
            self.load()

    @on(Input.Submitted)
    def _entered(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.load()
        self.query_one("#trail", FittingTable).focus()

    @on(Select.Changed)
    def _chosen(self) -> None:
        self.load()

    def action_clear_filters(self) -> None:
        for name in ("chart", *DATE_FIELDS):
            self.query_one(f"#{name}", Input).value = ""
        for name in ("staff", "kind"):
            self.query_one(f"#{name}", Select).clear()
        self.load()

    # --- pages ----------------------------------------------------------------

    def action_older(self) -> None:
        if self.older is not None:
            self.cursors.append(self.older)
            self.load(page=len(self.cursors) - 1)

    def action_newer(self) -> None:
        if len(self.cursors) > 1:
            self.load(page=len(self.cursors) - 2)

    def action_back(self) -> None:
        self.dismiss()
