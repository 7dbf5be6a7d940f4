"""OverviewTab: the client's details and related contacts (parents, guardians, case workers)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from models.charts import contacts_of, get_chart
from models.dates import readable
from models.tables import Client
from tui.shared.runtime import plain

from ..formatting import relationship
from .common import ChartChanged


class OverviewTab(VerticalScroll):
    BINDINGS = [
        Binding("e", "edit_chart", "Edit details", id="overview.edit_chart"),
        Binding("a", "add_contact", "Add contact", id="overview.add_contact"),
        Binding("c", "edit_contact", "Edit contact", id="overview.edit_contact"),
    ]

    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.contacts = []

    def compose(self) -> ComposeResult:
        yield Static("", id="demographics")
        with Horizontal(classes="tab-actions"):
            yield Button("Edit details", id="edit-chart", compact=True)
        yield Static("Related contacts", classes="section-heading")
        table = DataTable(id="contacts", cursor_type="row", zebra_stripes=True)
        table.add_column("Name", key="name")
        table.add_column("Relationship", key="relationship")
        table.add_column("Email", key="email")
        table.add_column("Phone", key="phone")
        yield table
        with Horizontal(classes="tab-actions"):
            yield Button("Add contact", id="add-contact", compact=True)
            yield Button("Edit contact", id="edit-contact", compact=True)

    def on_mount(self) -> None:
        self.reload(self.client)

    def reload(self, client: Client) -> None:
        self.client = client
        c = client
        lines = [
            f"Name           {c.first_name} {c.last_name}",
            f"Date of birth  {readable(c.date_of_birth)}",
            f"Chart number   {c.chart_number}",
            f"Email          {c.email or '—'}",
            f"Phone          {c.phone or '—'}",
        ]
        self.query_one("#demographics", Static).update(plain("\n".join(lines)))
        self.contacts = contacts_of(client)
        table = self.query_one("#contacts", DataTable)
        table.clear()
        for contact in self.contacts:
            table.add_row(
                plain(contact.full_name),
                relationship(contact.relationship),
                plain(contact.email or "—"),
                plain(contact.phone or "—"),
                key=str(contact.id),
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "edit-chart": self.action_edit_chart,
            "add-contact": self.action_add_contact,
            "edit-contact": self.action_edit_contact,
        }
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "contacts":
            event.stop()
            self.action_edit_contact()

    def _saved(self, what: str):
        def done(saved) -> None:
            if saved is not None:
                self.reload(get_chart(self.client.id))
                self.app.notify(what, title="Saved")
                self.post_message(ChartChanged(what))

        return done

    def action_edit_chart(self) -> None:
        from ..screens.modals import EditChartScreen

        self.app.push_screen(EditChartScreen(self.client), self._saved("Client details saved."))

    def action_add_contact(self) -> None:
        from ..screens.modals import ContactFormScreen

        self.app.push_screen(ContactFormScreen(self.client), self._saved("Related contact added."))

    def action_edit_contact(self) -> None:
        from ..screens.modals import ContactFormScreen

        table = self.query_one("#contacts", DataTable)
        if not self.contacts or table.cursor_row is None or table.cursor_row >= len(self.contacts):
            self.app.notify("Choose a contact in the list first.", severity="warning")
            return
        contact = self.contacts[table.cursor_row]
        self.app.push_screen(ContactFormScreen(self.client, contact), self._saved("Related contact saved."))
