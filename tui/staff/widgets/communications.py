"""CommunicationsTab: the "Client Portal" section with the Chart Owner box and its actions."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, DataTable, Static

import datetime as dt

from models import clock
from models.chart_owner import (
    Action,
    activate_access,
    change_ownership,
    invitation_history,
    owner_candidates,
    resend_invite,
    revoke_access,
    unlock_owner_login,
    valid_days,
)
from models.errors import DomainError
from models.staff_views import delivery_labels, invitation_outcome, mail_warning
from models.tables import Client
from models.text import InvalidInput
from tui.shared.runtime import plain

from ..formatting import relationship, when, when_short
from .chart_owner import ChartOwnerBox
from .common import ChartChanged


class CommunicationsTab(VerticalScroll):
    def __init__(self, client: Client, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client

    def compose(self) -> ComposeResult:
        with Collapsible(title="Client Portal", collapsed=False, id="portal-section"):
            yield ChartOwnerBox(self.client, id="owner-box")
            yield Static("", id="mail-warning", classes="warning")
            yield Static("Invitation history", classes="section-heading")
            table = DataTable(id="invite-history", cursor_type="row", zebra_stripes=True)
            table.add_column("Sent", key="sent")
            table.add_column("By", key="by")
            table.add_column("To", key="to")
            table.add_column("Expires", key="expires")
            table.add_column("Outcome", key="outcome")
            table.add_column("Email", key="email")
            yield table

    def on_mount(self) -> None:
        self.reload(self.client, owner_box=False)

    @property
    def box(self) -> ChartOwnerBox:
        return self.query_one("#owner-box", ChartOwnerBox)

    def reload(self, client: Client, *, owner_box: bool = True) -> None:
        """Re-read the owner state and the invitation history."""
        self.client = client
        if owner_box:
            self.box.show(client)
        warning = self.query_one("#mail-warning", Static)
        words = mail_warning()
        warning.update(plain(words))
        warning.set_class(bool(words), "shown")
        history = invitation_history(client)
        deliveries = delivery_labels([inv.id for inv in history])
        table = self.query_one("#invite-history", DataTable)
        table.clear()
        for inv in history:
            sender = inv.sent_by.full_name if inv.sent_by_id and inv.sent_by else "system"
            table.add_row(
                when_short(inv.sent_at),
                plain(sender),
                plain(inv.email),
                when_short(inv.expires_at),
                invitation_outcome(inv),
                plain(deliveries.get(inv.id, "")),
                key=str(inv.id),
            )
        if not history:
            table.add_row("No invitations yet", "", "", "", "", "")

    def on_chart_owner_box_changed(self, event: ChartOwnerBox.Changed) -> None:
        event.stop()
        self.reload(self.client, owner_box=False)

    # --- the ⋮ menu ----------------------------------------------------------

    def on_chart_owner_box_menu_requested(self, event: ChartOwnerBox.MenuRequested) -> None:
        event.stop()
        self.open_menu()

    def open_menu(self) -> None:
        from ..screens.modals import OwnerActionsMenu

        self.query_one("#portal-section", Collapsible).collapsed = False
        state = self.box.show(self.client)  # fresh: another workstation may have acted
        self.app.push_screen(OwnerActionsMenu(state.actions), self.action_chosen)

    def action_chosen(self, action: Action | None) -> None:
        if action is None:
            return
        handlers = {
            Action.ACTIVATE: self.ask_activate,
            Action.RESEND: self.ask_resend,
            Action.CHANGE_OWNER: self.ask_change_owner,
            Action.REVOKE: self.ask_revoke,
            Action.UNLOCK: self.ask_unlock,
        }
        handlers[action]()

    def _confirm(self, title: str, body: str, label: str, then, *, danger: bool = False) -> None:
        from ..screens.modals import ConfirmActionScreen

        def done(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmActionScreen(title, body, label, danger=danger), done)

    def ask_resend(self) -> None:
        access = self.box.state.access if self.box.state else None
        if access is None:
            return
        days = valid_days()
        until = when(clock.now() + dt.timedelta(days=days))
        body = (
            f"A new invitation email goes to {access.owner_name} at {access.email}.\n\n"
            f"The previous code stops working at once. The new code lasts {days} days, until {until}."
        )
        self._confirm("Resend Invite", body, "Resend Invite", lambda: self.perform(
            lambda: resend_invite(self.app.actor, self.client),
            f"Invitation resent to {access.email}. It expires in {days} days.",
        ))

    def ask_unlock(self) -> None:
        access = self.box.state.access if self.box.state else None
        if access is None:
            return
        body = (
            f"{access.owner_name} ({access.email}) can sign in to the portal again at once.\n\n"
            "Their login was locked after too many wrong passwords. If they did not type them, "
            "suggest they choose a new password."
        )
        self._confirm("Unlock Portal Login", body, "Unlock", lambda: self.perform(
            lambda: unlock_owner_login(self.app.actor, self.client),
            f"{access.owner_name} can sign in to the portal again.",
        ))

    def ask_revoke(self) -> None:
        access = self.box.state.access if self.box.state else None
        if access is None:
            return
        body = (
            f"{access.owner_name} ({access.email}) loses portal access to this chart at once.\n\n"
            "Any unused invitation code stops working and open portal sessions on this chart end. "
            "You can activate access again later."
        )
        self._confirm("Revoke Access", body, "Revoke Access", lambda: self.perform(
            lambda: revoke_access(self.app.actor, self.client),
            f"Portal access revoked for {access.owner_name}.",
        ), danger=True)

    def _choose(self, title: str, then, *, current=None) -> None:
        from ..screens.modals import ChooseOwnerScreen

        def chosen(choice) -> None:
            if choice is not None:
                then(*choice)

        self.app.push_screen(ChooseOwnerScreen(title, owner_candidates(self.client), current=current), chosen)

    def _name_of(self, contact_id: int | None) -> tuple[str, str]:
        for cand in owner_candidates(self.client):
            if cand.contact_id == contact_id:
                return cand.name, relationship(cand.relationship)
        return "", ""

    def ask_activate(self) -> None:
        def chosen(contact_id: int | None, email: str) -> None:
            name, rel = self._name_of(contact_id)
            body = (
                f"{name} ({rel}) becomes the chart owner. An email goes to {email} with a code to set up "
                f"their portal account; the code lasts {valid_days()} days.\n\n"
                "If they already have a portal account, they get access to this chart at once instead."
            )
            self._confirm("Activate Client Portal Access", body, "Activate Access", lambda: self.perform(
                lambda: activate_access(self.app.actor, self.client, contact_id=contact_id, email=email),
                f"Portal access activated for {name}; email queued to {email}.",
            ))

        self._choose("Activate Client Portal Access", chosen)

    def ask_change_owner(self) -> None:
        access = self.box.state.access if self.box.state else None
        if access is None:
            return
        current = next(
            (c for c in owner_candidates(self.client) if c.contact_id == access.contact_id),
            None,
        )

        def chosen(contact_id: int | None, email: str) -> None:
            name, rel = self._name_of(contact_id)
            body = (
                f"{access.owner_name} loses portal access to this chart, and any earlier invitation code "
                f"stops working.\n\n{name} ({rel}) becomes the chart owner: an invitation goes to {email} "
                f"(lasting {valid_days()} days), or access at once if they already have a portal account."
            )
            self._confirm("Change Ownership", body, "Change Ownership", lambda: self.perform(
                lambda: change_ownership(self.app.actor, self.client, contact_id=contact_id, email=email),
                f"{name} is now the chart owner; email queued to {email}.",
            ))

        self._choose("Change Ownership", chosen, current=current)

    def perform(self, call, success: str) -> None:
        """Run one domain action, say how it went, and redraw at once."""
        try:
            call()
        except (DomainError, InvalidInput) as exc:
            self.app.notify(plain(exc.message).plain, title="Not done", severity="error", markup=False)
        else:
            self.app.notify(plain(success).plain, title="Client Portal", markup=False)
        self.reload(self.client)
        self.post_message(ChartChanged("owner"))
