"""OverviewTab: the client's details and related contacts (parents, guardians, case workers)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from models.dates import readable
from models.staff_views import OverviewView, overview_view
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.runtime import plain

from ..formatting import relationship
from .chart_tab import ChartTab
from .common import ChartChanged


class OverviewTab(ChartTab):
    DEFAULT_CSS = """
    OverviewTab #demographics {
        margin-top: 1;
    }

    OverviewTab DataTable {
        height: auto;
        max-height: 12;
    }
    """
    BINDINGS = [
        Binding("e", "edit_chart", "Edit details", id="overview.edit_chart"),
        Binding("a", "add_contact", "Add contact", id="overview.add_contact"),
        Binding("c", "edit_contact", "Edit contact", id="overview.edit_contact"),
    ]

    view: OverviewView | None

    def compose(self) -> ComposeResult:
        yield Static("", id="demographics")
        with Horizontal(classes="tab-actions"):
            yield Button("Edit details", id="edit-chart", compact=True)
        yield Static("Related contacts", classes="section-heading")
        yield FittingTable(
            Column("Name", "name"),
            Column("Relationship", "relationship", whole=True),
            Column("Email", "email"),
            Column("Phone", "phone", whole=True),
            id="contacts",
            cursor_type="row",
            zebra_stripes=True,
        )
        with Horizontal(classes="tab-actions"):
            yield Button("Add contact", id="add-contact", compact=True)
            yield Button("Edit contact", id="edit-contact", compact=True)

    def read(self, chart_id: int) -> OverviewView:
        return overview_view(chart_id)

    def draw(self, view: OverviewView) -> None:
        c = view.chart
        lines = [
            f"Name           {c.first_name} {c.last_name}",
            f"Date of birth  {readable(c.date_of_birth)}",
            f"Chart number   {c.chart_number}",
            f"Email          {c.email or '—'}",
            f"Phone          {c.phone or '—'}",
        ]
        self.query_one("#demographics", Static).update(plain("\n".join(lines)))
        self.query_one("#contacts", FittingTable).set_rows(
            (
                (
                    plain(contact.full_name),
                    relationship(contact.relationship),
                    plain(contact.email or "—"),
                    plain(contact.phone or "—"),
                ),
                str(contact.id),
            )
            for contact in view.contacts
        )

    @on(Button.Pressed, "#edit-chart")
    def _edit_chart_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit_chart()

    @on(Button.Pressed, "#add-contact")
    def _add_contact_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_contact()

    @on(Button.Pressed, "#edit-contact")
    def _edit_contact_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit_contact()

    @on(DataTable.RowSelected, "#contacts")
    def _contact_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_contact()

    def _saved(self, what: str):
        def done(saved) -> None:
            if saved is not None:
                self.reload()
                self.app.notify(what, title="Saved")
                self.post_message(ChartChanged(what, self))

        return done

    def action_edit_chart(self) -> None:
        from ..screens.modals import EditChartScreen

        if self.view is not None:
            self.app.push_screen(EditChartScreen(self.view.chart), self._saved("Client details saved."))

    def action_add_contact(self) -> None:
        from ..screens.modals import ContactFormScreen

        self.app.push_screen(ContactFormScreen(self.chart_id), self._saved("Related contact added."))

    def action_edit_contact(self) -> None:
        from ..screens.modals import ContactFormScreen

        contacts = self.view.contacts if self.view is not None else ()
        table = self.query_one("#contacts", DataTable)
        if not contacts or table.cursor_row is None or table.cursor_row >= len(contacts):
            self.app.notify("Choose a contact in the list first.", severity="warning")
            return
        contact = contacts[table.cursor_row]
        self.app.push_screen(ContactFormScreen(self.chart_id, contact), self._saved("Related contact saved."))
