"""ClientListScreen: search as you type, one page of charts at a time, work queues.

A name typed anywhere on the screen is a search: typed on the table or
the queue tabs, it starts a new one in the search box. A search looks in
every chart (the All queue), whichever queue was showing. Enter in the
search box opens the chart when it is the only match (once the search,
debounced, is back), else moves to the list.
"""
from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static, Tab, Tabs

from models.config import WORK_QUEUE_REFRESH_SECONDS
from models.forms.staff_views import QueueCount, work_queue_count
from models.staff_views import ClientPage, client_list_page
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import STATE_CELL_STYLE, day

# Each queue's tab shows its key ("F4 Expired invitations"), so the footer has room.
QUEUES = {
    "all": ("F2", "All charts"),
    "invited": ("F3", "Invited"),
    "expired": ("F4", "Expired invitations"),
}


class ClientListScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "clients.tcss"
    AUTO_FOCUS = "#search"
    PAGE_SIZE = 25
    DEBOUNCE_SECONDS = 0.25

    BINDINGS = [
        Binding("ctrl+n", "new_chart", "New chart", id="clients.new_chart"),
        Binding("ctrl+f,slash", "focus_search", "Search", id="clients.search", key_display="^F"),
        # The page line under the table says when PgDn/PgUp have a page to go to.
        Binding("pagedown", "next_page", "Next page", id="clients.next_page", priority=True, show=False),
        Binding("pageup", "previous_page", "Prev page", id="clients.previous_page", priority=True, show=False),
        Binding("f2", "queue('all')", "All", id="clients.queue_all", show=False),
        Binding("f3", "queue('invited')", "Invited", id="clients.queue_invited", show=False),
        Binding("f4", "queue('expired')", "Expired", id="clients.queue_expired", show=False),
        # The line under the table says "F5 opens it", so the footer has room for an admin's keys.
        Binding("f5", "work_queue", "Work queue", id="clients.work_queue", show=False),
        Binding("f6", "forms_library", "Forms", id="clients.forms_library"),
        Binding("f7", "audit_trail", "Audit", id="clients.audit_trail"),
        Binding("down", "focus_table", "Results", id="clients.focus_table", show=False),
        Binding("ctrl+l", "app.sign_out", "Sign out", id="staff.sign_out"),
    ]

    class WorkCounted(Message):
        def __init__(self, count: QueueCount) -> None:
            super().__init__()
            self.count = count

    class PageLoaded(Message):
        def __init__(self, request: int, page: ClientPage) -> None:
            super().__init__()
            self.request = request
            self.page = page

    def __init__(self) -> None:
        super().__init__()
        self.term = ""
        self.queue = "all"
        self.page = 0
        self.has_more = False
        self._debounce: Timer | None = None
        self._request = 0
        self._open_one = False  # Enter was pressed in the search box: open a single match
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield PlainInput(
                id="search",
                placeholder="Search: last name, first last, chart number or DOB (MM/DD/YYYY)",
                max_length=100,
                select_on_focus=False,  # typed on the table, then on here: the keys add up
            )
        yield Tabs(*(Tab(f"{fkey} {label}", id=f"queue-{key}") for key, (fkey, label) in QUEUES.items()), id="queues")
        yield FittingTable(
            Column("Chart #", "chart", whole=True),
            Column("Name", "name"),  # gives way: the state is always whole
            Column("DOB", "dob", whole=True),
            Column("Client Portal", "portal", whole=True),
            id="clients",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield Static("", id="page-info")
        yield Static("", id="work-count")
        yield KeyHints(compact=True, show_command_palette=False)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        super().on_screen_resume(event)
        # First shown, or back from a chart whose portal state may have changed.
        self.load()
        self.count_work()

    def on_mount(self) -> None:
        self.set_interval(WORK_QUEUE_REFRESH_SECONDS, self.count_work, name="work-count")

    def count_work(self) -> None:
        if getattr(self.app, "staff", None) is not None:
            self.read_work_count(self.app.actor)

    @db_worker("work-count")
    def read_work_count(self, actor) -> None:
        self.post_message(self.WorkCounted(work_queue_count(actor)))

    @on(WorkCounted)
    def _work_counted(self, event: WorkCounted) -> None:
        count = event.count
        line = self.query_one("#work-count", Static)
        line.update(plain(f"{'⚠ ' if count.alerts else ''}{count.words} · F5 opens it"))
        line.set_class(bool(count.alerts), "alerts")

    # --- loading ------------------------------------------------------------

    def load(self) -> None:
        self._request += 1
        self._loading = True
        self.query_one("#page-info", Static).update("Searching…")
        self.fetch_page(self._request, self.term, self.queue, self.page)

    @db_worker("client-search")
    def fetch_page(self, request: int, term: str, queue: str, page: int) -> None:
        # A clinician's list holds their own charts only (models/roles.py).
        result = client_list_page(self.app.actor, term, queue=queue, page=page, page_size=self.PAGE_SIZE)  # type: ignore[attr-defined]
        self.post_message(self.PageLoaded(request, result))

    @on(PageLoaded)
    def show_page(self, event: PageLoaded) -> None:
        request, result = event.request, event.page
        if request != self._request:
            return  # a newer search is on its way
        self._loading = False
        self.has_more = result.has_more
        self.query_one("#clients", FittingTable).set_rows(
            (
                (
                    plain(row.client.chart_number),
                    plain(f"{row.client.last_name}, {row.client.first_name}"),
                    day(row.client.date_of_birth),
                    Text(row.state.tag, style=STATE_CELL_STYLE[row.state.status]),
                ),
                str(row.client.id),
            )
            for row in result.rows
        )
        self.query_one("#page-info", Static).update(self._page_words(len(result.rows)))
        if self._open_one:
            self._enter_results()

    def _page_words(self, shown: int) -> str:
        if shown == 0:
            if self.page > 0:
                return f"Page {self.page + 1} is empty. PgUp goes back."
            if self.term.strip() or self.queue != "all":
                return "No charts match."
            if self.app.may("new_chart"):  # type: ignore[attr-defined]
                return "No charts yet. Ctrl+N adds one."
            return "None of the charts has you as its clinician yet."
        first = self.page * self.PAGE_SIZE + 1
        words = f"Page {self.page + 1} · charts {first}–{first + shown - 1}"
        hints = []
        if self.page > 0:
            hints.append("PgUp: previous")
        if self.has_more:
            hints.append("PgDn: next")
        return words + (" · " + " · ".join(hints) if hints else "")

    # --- events -------------------------------------------------------------

    # Keys that keep their bindings on the table: Help, and / for the search box.
    NOT_A_SEARCH = {"?", "/"}

    def on_key(self, event: events.Key) -> None:
        """A character typed outside the search box starts a new search there."""
        char = event.character
        if not event.is_printable or not char or char in self.NOT_A_SEARCH:
            return
        search = self.query_one("#search", Input)
        event.stop()
        event.prevent_default()
        if self.focused is not search:
            self._open_one = False
            search.value = ""
            self.set_focus(search)  # now: the keys after this one are on their way here
        search.insert_text_at_cursor(char)

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.DEBOUNCE_SECONDS, lambda: self.search(event.value))

    def search(self, term: str) -> None:
        self.term = term
        self.page = 0
        if term.strip() and self.queue != "all":
            self.queue = "all"  # a name is looked for in every chart
            self.query_one("#queues", Tabs).active = "queue-all"
        self.load()

    @on(Input.Submitted, "#search")
    def _search_entered(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._open_one = True
        if event.value != self.term:
            self.search(event.value)  # the rows come back, then Enter's answer
        elif not self._loading:
            self._enter_results()

    def _enter_results(self) -> None:
        """Enter in the search box: the only match opens; otherwise on to the list."""
        self._open_one = False
        table = self.query_one("#clients", DataTable)
        if table.row_count == 1 and self.query_one("#search", Input).has_focus:
            self._open(str(table.coordinate_to_cell_key((0, 0)).row_key.value))
        else:
            self.action_focus_table()

    @on(Tabs.TabActivated, "#queues")
    def _queue_chosen(self, event: Tabs.TabActivated) -> None:
        queue = (event.tab.id or "queue-all").removeprefix("queue-")
        if queue != self.queue:
            self.queue = queue
            self.page = 0
            self.load()

    @on(DataTable.RowSelected, "#clients")
    def _chart_chosen(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def _open(self, chart_id: str) -> None:
        from .chart_room import ChartRoomScreen

        self.app.push_screen(ChartRoomScreen(int(chart_id)))

    # --- actions ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_chart":  # the front desk's and admins' (models/roles.py refuses others)
            return self.app.may("new_chart")  # type: ignore[attr-defined]
        if action == "audit_trail":  # admins and clinicians (models/roles.py refuses anyone else)
            return self.app.may("audit")  # type: ignore[attr-defined]
        return True

    def action_next_page(self) -> None:
        if self.has_more:
            self.page += 1
            self.load()

    def action_previous_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.load()

    def action_queue(self, queue: str) -> None:
        self.query_one("#queues", Tabs).active = f"queue-{queue}"

    def action_focus_search(self) -> None:
        search = self.query_one("#search", Input)
        search.focus()
        search.select_all()  # Ctrl+F: the next key types a new search

    def action_focus_table(self) -> None:
        self.query_one("#clients", DataTable).focus()

    def action_work_queue(self) -> None:
        from .work_queue import WorkQueueScreen

        self.app.push_screen(WorkQueueScreen())

    def action_forms_library(self) -> None:
        from .forms_library import FormsLibraryScreen

        self.app.push_screen(FormsLibraryScreen())

    def action_audit_trail(self) -> None:
        from .audit_trail import AuditTrailScreen

        self.app.push_screen(AuditTrailScreen())

    def action_new_chart(self) -> None:
        from .new_chart import NewChartScreen

        self.app.push_screen(NewChartScreen())
