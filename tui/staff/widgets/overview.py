"""OverviewTab: the client's details, their clinician, and related contacts
(parents, guardians, case workers).

The front desk and administrators choose the chart's clinician here
(models/roles.py refuses anyone else; for them there is no such key).
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from models.audit import Actor
from models.dates import readable
from models.errors import DomainError
from models.roles import assign_clinician
from models.staff_views import ClinicianChoice, OverviewView, clinician_choices, overview_view
from tui.shared.workers import db_worker
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
        # Not in the footer (it keeps Quit and Help whole at 80 columns): its button
        # says it, and Help lists it.
        Binding("l", "clinician", "Change clinician", id="overview.clinician", show=False),
    ]

    view: OverviewView | None

    def compose(self) -> ComposeResult:
        yield Static("", id="demographics")
        with Horizontal(classes="tab-actions"):
            yield Button("Edit details", id="edit-chart", compact=True)
            if self.app.may("assign_clinician"):  # type: ignore[attr-defined]
                yield Button("Change clinician", id="change-clinician", compact=True)
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
        return overview_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, view: OverviewView) -> None:
        c = view.chart
        lines = [
            f"Name           {c.first_name} {c.last_name}",
            f"Date of birth  {readable(c.date_of_birth)}",
            f"Chart number   {c.chart_number}",
            f"Email          {c.email or '—'}",
            f"Phone          {c.phone or '—'}",
            f"Clinician      {clinician_words(view.clinician)}",
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

    @on(Button.Pressed, "#change-clinician")
    def _clinician_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_clinician()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clinician":  # the front desk's and admins' (models/roles.py refuses others)
            return self.app.may("assign_clinician")  # type: ignore[attr-defined]
        return True

    # --- the chart's clinician ------------------------------------------------

    @db_worker("clinician-choices", exclusive=False)
    def read_choices(self) -> tuple[ClinicianChoice, ...]:
        return clinician_choices()

    @work(group="flow", exclusive=True)
    async def action_clinician(self) -> None:
        """Choose, confirm when someone stops being the clinician, then save."""
        from ..screens.clinician import NONE, ChooseClinicianScreen
        from ..screens.modals import ConfirmActionScreen

        view = self.view
        choices = await self._answer(self.read_choices()) if view is not None else None
        if view is None or choices is None:
            return
        chosen = await self.app.push_screen_wait(ChooseClinicianScreen(view.chart.full_name, choices, view.clinician))
        if chosen is None:
            return
        new = None if chosen == NONE else chosen
        old = view.clinician
        if (new.staff_id if new else None) == (old.staff_id if old else None):
            self.app.notify("Nothing changed.", title="Clinician", markup=False)
            return
        if old is not None:
            body = clinician_change_words(old, new)
            if not await self.app.push_screen_wait(ConfirmActionScreen("Change clinician", body, "Change clinician")):
                return
        done = f"{new.name} is now the clinician of {view.chart.full_name}." if new else f"{view.chart.full_name} has no clinician now."
        self.assign(self.app.actor, new.staff_id if new else None, done)  # type: ignore[attr-defined]

    @db_worker("clinician-assign")
    def assign(self, actor: Actor, staff_id: int | None, done: str) -> None:
        try:
            assign_clinician(actor, self.chart_id, staff_id)
        except DomainError as exc:
            self.post_message(self.Done(exc.message, False))
            return
        self.post_view(overview_view(actor, self.chart_id))
        self.post_message(self.Done(done, True))

    @on(ChartTab.Done)
    def _clinician_set(self, event: ChartTab.Done) -> None:
        self.said(event, "Clinician")
        if event.ok:
            self.post_message(ChartChanged("clinician", self))

    # --- details and contacts ----------------------------------------------------

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


def clinician_words(choice: ClinicianChoice | None) -> str:
    """'Dr. Lee', 'Ada Admin (administrator)', or 'None chosen'."""
    if choice is None:
        return "None chosen"
    return f"{choice.name} (administrator)" if choice.role == "admin" else choice.name


def clinician_change_words(old: ClinicianChoice, new: ClinicianChoice | None) -> str:
    """What a change of clinician does, said before it is done."""
    if old.role == "admin":
        body = f"{old.name} stops being the clinician (as an administrator they still see every chart)."
    else:
        body = f"{old.name} stops being the clinician: the chart leaves their list, and they no longer see its clinical results."
    if new is None:
        return body + "\n\nUntil a clinician is chosen, its risk alerts are emailed to the practice's address."
    return body + f"\n\n{clinician_words(new)} becomes the clinician: they see its clinical results, and its risk alerts go to them."
