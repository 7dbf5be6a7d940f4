"""ChartRoomScreen: one client's chart, in tabs.

The screen holds the chart's id; its header is a ChartView read in a worker
when the screen mounts and again whenever a tab changes the chart. A chart
that does not exist (a stale id) is said once, and the screen closes; so is
one the domain refuses to show (another clinician's chart). Only the tabs
the signed-in role may use are there (models/roles.py refuses the others,
so their keys, and the owner menu's, are hidden too).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Header, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from models.dates import readable
from models.errors import NotAllowed, NotFound
from models.staff_views import ChartView, chart_view
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..widgets.activity import ActivityTab
from ..widgets.appointments import AppointmentsTab
from ..widgets.billing import BillingTab
from ..widgets.common import ChartChanged, ChartRefused
from ..widgets.communications import CommunicationsTab
from ..widgets.documents import DocumentsTab
from ..widgets.forms import FormsTab
from ..widgets.overview import OverviewTab

# Short titles: with its F-key each ("F3 Comms"), every tab fits 80 columns.
TAB_WIDGETS = {
    "overview": ("Overview", OverviewTab),
    "communications": ("Comms", CommunicationsTab),
    "documents": ("Docs", DocumentsTab),
    "appointments": ("Appts", AppointmentsTab),
    "billing": ("Billing", BillingTab),
    "activity": ("Activity", ActivityTab),
    "forms": ("Forms", FormsTab),
}
# What each tab shows is the domain's to refuse; a role without it has no such tab.
TAB_PERMISSIONS = {
    "overview": "charts",
    "communications": "portal_access",
    "documents": "documents",
    "appointments": "appointments",
    "billing": "billing",
    "activity": "charts",
    "forms": "forms",
}


class ChartRoomScreen(ForwardsWorkerErrors, PortalScreen):
    CSS_PATH = "chart_room.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back", id="chart.back"),
        Binding("ctrl+o", "owner_menu", "Owner ⋮", id="chart.owner_menu"),
        # Priority: handled as the key arrives, before the keys typed after it
        # are handed to the old field, and before a TextArea's own F6/F7.
        # Each tab's title shows its key (the footer keeps room for the tab's own keys).
        Binding("f2", "tab('overview')", "Overview", id="chart.tab_overview", priority=True, show=False),
        Binding("f3", "tab('communications')", "Comms", id="chart.tab_communications", priority=True, show=False),
        Binding("f4", "tab('documents')", "Docs", id="chart.tab_documents", priority=True, show=False),
        Binding("f5", "tab('appointments')", "Appts", id="chart.tab_appointments", priority=True, show=False),
        Binding("f6", "tab('billing')", "Billing", id="chart.tab_billing", priority=True, show=False),
        Binding("f7", "tab('activity')", "Activity", id="chart.tab_activity", priority=True, show=False),
        Binding("f8", "tab('forms')", "Forms", id="chart.tab_forms", priority=True, show=False),
    ]

    class HeaderLoaded(Message):
        def __init__(self, chart: ChartView) -> None:
            super().__init__()
            self.chart = chart

    def __init__(self, chart_id: int, *, tab: str = "overview") -> None:
        super().__init__()
        self.chart_id = chart_id
        self.chart: ChartView | None = None
        self.initial_tab = tab
        self._mounting: dict[str, AwaitMount] = {}
        self._refused_once = False

    @property
    def tabs(self) -> list[str]:
        """The tabs this staff member's role may use, in order."""
        return [tab_id for tab_id in TAB_WIDGETS if self.app.may(TAB_PERMISSIONS[tab_id])]  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="chart-header")
        keys = {b.action: b.key.upper() for b in self.BINDINGS if isinstance(b, Binding)}
        tabs = self.tabs
        if self.initial_tab not in tabs:
            self.initial_tab = "overview"
        with TabbedContent(initial=self.initial_tab, id="chart-tabs"):
            for tab_id in tabs:
                yield TabPane(f"{keys.get(f'tab({tab_id!r})', '')} {TAB_WIDGETS[tab_id][0]}".strip(), id=tab_id)
        yield KeyHints(compact=True, show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A tab the role has not, and the owner menu without portal access, are no keys at all."""
        if action == "tab":
            return parameters[0] in self.tabs
        if action == "owner_menu":
            return self.app.may("portal_access")  # type: ignore[attr-defined]
        return True

    async def on_mount(self) -> None:
        self.read_header(self.chart_id)
        self.open_tab(self.initial_tab)
        # The keyboard in the first tab, so its keys are live at once; on the tab itself, not
        # its first button: the Enter that opened the chart, pressed twice, presses nothing.
        (await self.ready_tab(self.initial_tab)).focus()

    def open_tab(self, tab_id: str):
        """A tab's widget is built the first time the tab is shown."""
        pane = self.query_one(f"#{tab_id}", TabPane)
        if not pane.children:
            _, widget_class = TAB_WIDGETS[tab_id]
            self._mounting[tab_id] = pane.mount(widget_class(self.chart_id, id=f"{tab_id}-tab"))
        return pane.children[0]

    def tab_widget(self, tab_id: str):
        """The tab's widget if it was built, else None."""
        found = self.query(f"#{tab_id}-tab")
        return found.first() if found else None

    @db_worker("chart-header")
    def read_header(self, chart_id: int) -> None:
        try:
            self.post_message(self.HeaderLoaded(chart_view(self.app.actor, chart_id)))  # type: ignore[attr-defined]
        except NotAllowed as refused:
            self.post_message(ChartRefused(refused.message))

    @on(HeaderLoaded)
    def draw_header(self, event: HeaderLoaded) -> None:
        c = self.chart = event.chart
        self.query_one("#chart-header", Static).update(
            plain(f"{c.first_name} {c.last_name}  ·  DOB {readable(c.date_of_birth)}  ·  Chart #{c.chart_number}")
        )

    @on(Worker.StateChanged)
    def _header_failed(self, event: Worker.StateChanged) -> None:
        """No such chart: back to where staff came from (the app shows the message)."""
        worker = event.worker
        if worker.group == "chart-header" and event.state is WorkerState.ERROR and isinstance(worker.error, NotFound):
            if self.is_current:  # after this event has bubbled on to the app, which shows why
                self.app.call_later(self.app.pop_screen)

    @on(ChartRefused)
    def _refused(self, event: ChartRefused) -> None:
        """Not this staff member's chart (the header's read or a tab's): said once, then closed."""
        event.stop()
        if self._refused_once or not self.is_current:
            return
        self._refused_once = True
        self.app.notify(event.message, title="Not shown", severity="error", markup=False)
        self.app.call_later(self.app.pop_screen)

    def on_chart_changed(self, event: ChartChanged) -> None:
        """A tab changed the chart: redraw everything that shows it."""
        event.stop()
        self.read_header(self.chart_id)
        for tab_id in ("overview", "communications", "activity", "forms"):
            widget = self.tab_widget(tab_id)
            if widget is not None and widget is not event.control:
                widget.reload()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab_id = event.pane.id or ""
        if tab_id in TAB_WIDGETS:
            fresh = self.tab_widget(tab_id) is None
            widget = self.open_tab(tab_id)
            if tab_id == "activity" and not fresh:
                widget.reload()

    async def action_tab(self, tab: str) -> None:
        """Show a tab and put the keyboard in it, so its keys are live and in the Footer."""
        if self.defer_until_built(f"tab({tab!r})"):
            return
        self.open_tab(tab)  # built before the switch: a tab that holds the screen's updates does from here
        self.query_one("#chart-tabs", TabbedContent).active = tab
        widget = await self.ready_tab(tab)
        # The tab's first field, focused now (not after the keys already queued), or,
        # for a tab whose first view is on its way, in the frame that shows it.
        widget.take_focus()

    async def ready_tab(self, tab_id: str):
        """The tab's widget, built and mounted."""
        widget = self.open_tab(tab_id)
        pending = self._mounting.pop(tab_id, None)
        if pending is not None:
            await pending
        return widget

    async def action_owner_menu(self) -> None:
        if self.defer_until_built("owner_menu"):
            return
        self.query_one("#chart-tabs", TabbedContent).active = "communications"
        tab = await self.ready_tab("communications")
        tab.open_menu()

    def action_back(self) -> None:
        self.app.pop_screen()
