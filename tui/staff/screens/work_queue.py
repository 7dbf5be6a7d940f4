"""WorkQueueScreen: risk alerts not yet acknowledged (oldest first), then forms completed since the last look.

Each read is `work_queue` (models.forms.staff_views), which moves this staff
member's mark: the next visit lists only what was completed after this one.
While the screen is open it reads again every few seconds and on return
from a chart, and keeps every completed form it has shown this visit, so
nothing read vanishes under the person's eyes. Enter opens the chart on its
Forms tab.
"""
from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from models.config import WORK_QUEUE_REFRESH_SECONDS
from models.forms.staff_views import FIRST_LOOK_DAYS, CompletedLine, WorkQueueView, work_queue
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import fit, when, when_short


class WorkQueueScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "work_queue.tcss"
    AUTO_FOCUS = "#queue"
    REFRESH_SECONDS = WORK_QUEUE_REFRESH_SECONDS

    BINDINGS = [
        Binding("escape", "back", "Clients", id="queue.back"),
        Binding("f5", "refresh", "Refresh", id="queue.refresh"),
    ]

    class Read(Message):
        def __init__(self, view: WorkQueueView) -> None:
            super().__init__()
            self.view = view

    def __init__(self) -> None:
        super().__init__()
        self.view: WorkQueueView | None = None
        self.visit: WorkQueueView | None = None         # the first read: what "since" means this visit
        self.completed: dict[int, CompletedLine] = {}   # every one shown this visit, by response id
        self.rows: list[int] = []                        # each table row's chart id
        self.details: list[str] = []                     # each row in words, whole (the table cuts)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Work queue", id="queue-title")
        table = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        table.add_column("What", key="what", width=12)
        table.add_column("Client", key="client")
        table.add_column("Form", key="form")
        table.add_column("When", key="when", width=15)
        yield table
        yield Static("", id="queue-detail")
        yield Static("Reading…", id="queue-info")
        yield KeyHints()

    def on_mount(self) -> None:
        self.set_interval(self.REFRESH_SECONDS, self.action_refresh, name="queue-refresh")

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        super().on_screen_resume(event)
        self.action_refresh()  # first shown, or back from a chart where an alert was acknowledged

    def action_refresh(self) -> None:
        self.read(self.app.actor)

    @db_worker("work-queue")
    def read(self, actor) -> None:
        self.post_message(self.Read(work_queue(actor)))

    @on(Read)
    def _read(self, event: Read) -> None:
        view = self.view = event.view
        if self.visit is None:
            self.visit = view
        for line in view.completed:
            self.completed[line.response_id] = line
        table = self.query_one("#queue", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = []
        width = max(12, (self.size.width - 12 - 15 - 2 * 4 - 4) // 2)
        self.details = []
        for alert in view.alerts:
            table.add_row(
                Text("⚠ Risk alert", style="bold red"),
                plain(fit(alert.client_name, width)),
                plain(fit(alert.form_title, width)),
                when_short(alert.created_at, view.zone),
                key=f"alert-{alert.alert_id}",
            )
            self.rows.append(alert.chart_id)
            self.details.append(f"{alert.client_name} · Chart #{alert.chart_number} · {alert.form_title}\n"
                                f"⚠ {alert.label} · {when(alert.created_at, view.zone)}")
        for line in self.completed.values():
            table.add_row(
                "Completed",
                plain(fit(line.client_name, width)),
                plain(fit(line.form_title, width)),
                when_short(line.submitted_at, view.zone),
                key=f"response-{line.response_id}",
            )
            self.rows.append(line.chart_id)
            self.details.append(f"{line.client_name} · Chart #{line.chart_number} · {line.form_title}\n"
                                f"Completed {when(line.submitted_at, view.zone)}")
        if not self.rows:
            table.add_row("Nothing new", "", "", "")
        elif keep:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        self.query_one("#queue-info", Static).update(plain(self._words(view)))

    def _words(self, view: WorkQueueView) -> str:
        alerts = f"{len(view.alerts)}{'+' if view.more_alerts else ''} open risk alert{'s' if len(view.alerts) != 1 else ''}"
        visit = self.visit or view
        since = f"the last {FIRST_LOOK_DAYS} days" if visit.first_look else "your last look"
        words = f"{alerts} · {len(self.completed)} form{'s' if len(self.completed) != 1 else ''} completed since {since}"
        if view.more_completed:
            words += " · more wait: F5 shows them"
        return words + (" · Enter opens the chart's Forms tab" if self.rows else "")

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        self.query_one("#queue-detail", Static).update(plain(self.details[row] if 0 <= row < len(self.details) else ""))

    @on(DataTable.RowSelected, "#queue")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        from .chart_room import ChartRoomScreen

        if 0 <= event.cursor_row < len(self.rows):
            room = ChartRoomScreen(self.rows[event.cursor_row], tab="forms")
            self.app.push_screen(room)
            room.call_later(room.run_action, "tab('forms')")  # the keyboard in the tab, its keys live

    def action_back(self) -> None:
        self.app.pop_screen()
