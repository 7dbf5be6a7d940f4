"""ChartRoomScreen: one client's chart, in tabs."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from models.charts import get_chart
from models.dates import readable
from tui.runtime import plain

from ..widgets.activity import ActivityTab
from ..widgets.appointments import AppointmentsTab
from ..widgets.billing import BillingTab
from ..widgets.common import ChartChanged
from ..widgets.communications import CommunicationsTab
from ..widgets.documents import DocumentsTab
from ..widgets.overview import OverviewTab

TABS = ("overview", "communications", "documents", "appointments", "billing", "activity")


class ChartRoomScreen(Screen):
    CSS_PATH = "chart_room.tcss"

    BINDINGS = [
        Binding("escape", "back", "Clients", id="chart.back"),
        Binding("ctrl+o", "owner_menu", "Owner ⋮", id="chart.owner_menu"),
        Binding("f2", "tab('overview')", "Overview", id="chart.tab_overview"),
        Binding("f3", "tab('communications')", "Comms", id="chart.tab_communications"),
        Binding("f4", "tab('documents')", "Docs", id="chart.tab_documents"),
        Binding("f5", "tab('appointments')", "Appts", id="chart.tab_appointments"),
        Binding("f6", "tab('billing')", "Billing", id="chart.tab_billing"),
        Binding("f7", "tab('activity')", "Activity", id="chart.tab_activity"),
    ]

    def __init__(self, chart_id: int, *, tab: str = "overview") -> None:
        super().__init__()
        self.chart_id = chart_id
        self.client = get_chart(chart_id)
        self.initial_tab = tab

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="chart-header")
        with TabbedContent(initial=self.initial_tab, id="chart-tabs"):
            with TabPane("Overview", id="overview"):
                yield OverviewTab(self.client, id="overview-tab")
            with TabPane("Communications", id="communications"):
                yield CommunicationsTab(self.client, id="communications-tab")
            with TabPane("Documents", id="documents"):
                yield DocumentsTab(self.client, id="documents-tab")
            with TabPane("Appointments", id="appointments"):
                yield AppointmentsTab(self.client, id="appointments-tab")
            with TabPane("Billing", id="billing"):
                yield BillingTab(self.client, id="billing-tab")
            with TabPane("Activity", id="activity"):
                yield ActivityTab(self.client, id="activity-tab")
        yield Footer()

    def on_mount(self) -> None:
        self.draw_header()

    def draw_header(self) -> None:
        c = self.client
        self.query_one("#chart-header", Static).update(
            plain(f"{c.first_name} {c.last_name}  ·  DOB {readable(c.date_of_birth)}  ·  Chart #{c.chart_number}")
        )

    def on_chart_changed(self, event: ChartChanged) -> None:
        """A tab changed the chart: redraw everything that shows it."""
        event.stop()
        self.client = get_chart(self.chart_id)
        self.draw_header()
        for tab_id in ("overview-tab", "communications-tab", "activity-tab"):
            self.query_one(f"#{tab_id}").reload(self.client)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "activity":
            self.query_one("#activity-tab", ActivityTab).reload(self.client)

    def action_tab(self, tab: str) -> None:
        self.query_one("#chart-tabs", TabbedContent).active = tab

    def action_owner_menu(self) -> None:
        self.action_tab("communications")
        self.query_one("#communications-tab", CommunicationsTab).open_menu()

    def action_back(self) -> None:
        self.app.pop_screen()
