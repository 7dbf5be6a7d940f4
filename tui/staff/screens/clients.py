"""ClientListScreen: search as you type, one page of charts at a time, work queues."""
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
from tui.shared.key_hints import KeyHints
from tui.shared.plain_input import PlainInput
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import STATE_CELL_STYLE, day

QUEUES = {
    "all": "All charts",
    "invited": "Invited",
    "expired": "Expired invitations",
}


class ClientListScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "clients.tcss"
    AUTO_FOCUS = "#search"
    PAGE_SIZE = 25
    DEBOUNCE_SECONDS = 0.25

    BINDINGS = [
        Binding("ctrl+n", "new_chart", "New chart", id="clients.new_chart"),
        Binding("ctrl+f,slash", "focus_search", "Search", id="clients.search", key_display="^F"),
        Binding("pagedown", "next_page", "Next page", id="clients.next_page", priority=True),
        Binding("pageup", "previous_page", "Prev page", id="clients.previous_page", priority=True),
        Binding("n", "next_page", "Next page", id="clients.next_page_n", show=False),
        Binding("p", "previous_page", "Prev page", id="clients.previous_page_p", show=False),
        Binding("f2", "queue('all')", "All", id="clients.queue_all"),
        Binding("f3", "queue('invited')", "Invited", id="clients.queue_invited"),
        Binding("f4", "queue('expired')", "Expired", id="clients.queue_expired"),
        Binding("f5", "work_queue", "Work queue", id="clients.work_queue"),
        Binding("f6", "forms_library", "Forms", id="clients.forms_library"),
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield PlainInput(
                id="search",
                placeholder="Search: last name, first last, chart number or DOB (MM/DD/YYYY)",
                max_length=100,
            )
        yield Tabs(*(Tab(label, id=f"queue-{key}") for key, label in QUEUES.items()), id="queues")
        table = DataTable(id="clients", cursor_type="row", zebra_stripes=True)
        table.add_column("Chart #", key="chart", width=8)
        table.add_column("Name", key="name")
        table.add_column("DOB", key="dob", width=10)
        table.add_column("Client Portal", key="portal")
        yield table
        yield Static("", id="page-info")
        yield Static("", id="work-count")
        yield KeyHints()

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
        self.query_one("#page-info", Static).update("Searching…")
        self.fetch_page(self._request, self.term, self.queue, self.page)

    @db_worker("client-search")
    def fetch_page(self, request: int, term: str, queue: str, page: int) -> None:
        result = client_list_page(term, queue=queue, page=page, page_size=self.PAGE_SIZE)
        self.post_message(self.PageLoaded(request, result))

    @on(PageLoaded)
    def show_page(self, event: PageLoaded) -> None:
        request, result = event.request, event.page
        if request != self._request:
            return  # a newer search is on its way
        table = self.query_one("#clients", DataTable)
        self.has_more = result.has_more
        table.clear()
        for row in result.rows:
            client, state = row.client, row.state
            table.add_row(
                plain(client.chart_number),
                plain(f"{client.last_name}, {client.first_name}"),
                day(client.date_of_birth),
                Text(state.tag, style=STATE_CELL_STYLE[state.status]),
                key=str(client.id),
            )
        self.query_one("#page-info", Static).update(self._page_words(len(result.rows)))

    def _page_words(self, shown: int) -> str:
        if shown == 0:
            if self.page > 0:
                return f"Page {self.page + 1} is empty. PgUp goes back."
            return "No charts match." if self.term.strip() or self.queue != "all" else "No charts yet. Ctrl+N adds one."
        first = self.page * self.PAGE_SIZE + 1
        words = f"Page {self.page + 1} · charts {first}–{first + shown - 1}"
        hints = []
        if self.page > 0:
            hints.append("PgUp: previous")
        if self.has_more:
            hints.append("PgDn: next")
        return words + (" · " + " · ".join(hints) if hints else "")

    # --- events -------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.DEBOUNCE_SECONDS, lambda: self.search(event.value))

    def search(self, term: str) -> None:
        self.term = term
        self.page = 0
        self.load()

    @on(Input.Submitted, "#search")
    def _search_entered(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        if event.value != self.term:
            self.search(event.value)
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
        from .chart_room import ChartRoomScreen

        self.app.push_screen(ChartRoomScreen(int(event.row_key.value)))

    # --- actions ------------------------------------------------------------

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
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#clients", DataTable).focus()

    def action_work_queue(self) -> None:
        from .work_queue import WorkQueueScreen

        self.app.push_screen(WorkQueueScreen())

    def action_forms_library(self) -> None:
        from .forms_library import FormsLibraryScreen

        self.app.push_screen(FormsLibraryScreen())

    def action_new_chart(self) -> None:
        from .new_chart import NewChartScreen

        self.app.push_screen(NewChartScreen())
