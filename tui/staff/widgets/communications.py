"""CommunicationsTab: the "Client Portal" section with the Chart Owner box and its actions.

Each ⋮ action is one flow, written top to bottom in an async worker: read the
chart fresh (another workstation may have acted), ask, confirm, then run
the domain action in a thread worker, which also reads the tab's new view.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Collapsible, Static

from models import clock
from models.audit import Actor
from models.chart_owner import (
    Action,
    Candidate,
    activate_access,
    change_ownership,
    resend_invite,
    revoke_access,
    unlock_owner_login,
    valid_days,
)
from models.errors import DomainError
from models.staff_views import CommunicationsView, communications_view, has_portal_account
from models.text import InvalidInput
from models.timefmt import practice_zone
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from ..formatting import relationship, when, when_short
from .chart_owner import ChartOwnerBox
from .chart_tab import ChartTab
from .common import ChartChanged

ACTIONS = {
    Action.ACTIVATE: activate_access,
    Action.RESEND: resend_invite,
    Action.CHANGE_OWNER: change_ownership,
    Action.REVOKE: revoke_access,
    Action.UNLOCK: unlock_owner_login,
}


class CommunicationsTab(ChartTab):
    DEFAULT_CSS = """
    CommunicationsTab DataTable {
        height: auto;
        max-height: 12;
    }

    CommunicationsTab #mail-warning {
        color: $warning;
        display: none;
    }

    CommunicationsTab #mail-warning.shown {
        display: block;
    }
    """

    def compose(self) -> ComposeResult:
        with Collapsible(title="Client Portal", collapsed=False, id="portal-section"):
            yield ChartOwnerBox(self.chart_id, read=False, id="owner-box")
            yield Static("", id="mail-warning", classes="warning")
            yield Static("Invitation history", classes="section-heading")
            yield FittingTable(
                Column("Sent", "sent", whole=True),
                Column("By", "by", optional=True),  # the box above names who sent the latest
                Column("To", "to"),
                Column("Expires", "expires", whole=True),
                Column("Outcome", "outcome", whole=True),
                Column("Email", "email"),
                id="invite-history",
                cursor_type="row",
                zebra_stripes=True,
            )

    @property
    def box(self) -> ChartOwnerBox:
        return self.query_one("#owner-box", ChartOwnerBox)

    def read(self, chart_id: int) -> CommunicationsView:
        return communications_view(self.app.actor, chart_id)  # type: ignore[attr-defined]

    def draw(self, view: CommunicationsView) -> None:
        self.box.view = view.owner
        warning = self.query_one("#mail-warning", Static)
        warning.update(plain(view.mail_warning))
        warning.set_class(bool(view.mail_warning), "shown")
        rows = [
            (
                (
                    when_short(inv.sent_at, self.zone),
                    plain(inv.sender or "system"),
                    plain(inv.email),
                    when_short(inv.expires_at, self.zone),
                    inv.outcome,
                    plain(delivery),
                ),
                str(inv.id),
            )
            for inv, delivery in view.history
        ]
        self.query_one("#invite-history", FittingTable).set_rows(rows or [(("", "", "No invitations yet", "", "", ""), None)])

    @on(ChartOwnerBox.Changed)
    def _box_changed(self, event: ChartOwnerBox.Changed) -> None:
        event.stop()
        self.reload()

    # --- the ⋮ menu: one flow per action ----------------------------------------

    @on(ChartOwnerBox.MenuRequested)
    def _menu_requested(self, event: ChartOwnerBox.MenuRequested) -> None:
        event.stop()
        self.open_menu()

    @work(group="flow", exclusive=True)
    async def open_menu(self) -> None:
        from ..screens.modals import OwnerActionsMenu

        self.query_one("#portal-section", Collapsible).collapsed = False
        self._request += 1
        view = await self._answer(self.read_fresh(self._request, self.chart_id))
        if view is None:
            return
        action = await self.app.push_screen_wait(OwnerActionsMenu(view.owner.actions))
        if action is None:
            return
        flows = {
            Action.ACTIVATE: self._activate,
            Action.RESEND: self._resend,
            Action.CHANGE_OWNER: self._change_owner,
            Action.REVOKE: self._revoke,
            Action.UNLOCK: self._unlock,
        }
        await flows[action](view)

    @db_worker("owner-read")
    def read_fresh(self, request: int, chart_id: int) -> CommunicationsView:
        view = self.read(chart_id)
        self.post_message(self.Loaded(request, view, practice_zone()))  # the box and history redraw too
        return view

    async def _confirm(self, title: str, body: str, label: str, *, danger: bool = False) -> bool:
        from ..screens.modals import ConfirmActionScreen

        return bool(await self.app.push_screen_wait(ConfirmActionScreen(title, body, label, danger=danger)))

    async def _choose(self, title: str, view: CommunicationsView, *, current: Candidate | None = None):
        from ..screens.modals import ChooseOwnerScreen

        return await self.app.push_screen_wait(ChooseOwnerScreen(title, list(view.candidates), current=current))

    @db_worker("owner-read-account", exclusive=False)
    def read_has_account(self, email: str) -> bool:
        return has_portal_account(email)

    async def _what_they_get(self, name: str, email: str) -> tuple[str, str]:
        """What giving `name` the chart will do, said as it will happen, and the toast after it."""
        if await self._answer(self.read_has_account(email)):
            return (
                f"{name} already has a portal account ({email}): they get access to this chart at once, "
                "and an email tells them so. No new registration.",
                f"email queued to {email}: access granted",
            )
        return (
            f"An email goes to {email} with a code to set up their portal account; the code lasts {valid_days()} days.",
            f"invitation queued to {email}",
        )

    async def _perform(self, action: Action, success: str, **options: Any) -> None:
        await self._answer(self.run_action(self.app.actor, action, success, options))

    @db_worker("owner-action")
    def run_action(self, actor: Actor, action: Action, success: str, options: dict[str, Any]) -> None:
        """Run one domain action; the rules' refusal is said as words, like the success."""
        try:
            ACTIONS[action](actor, self.chart_id, **options)
        except (DomainError, InvalidInput) as exc:
            words, ok = exc.message, False
        else:
            words, ok = success, True
        self.post_view(communications_view(actor, self.chart_id))
        self.post_message(self.Done(words, ok))

    @on(ChartTab.Done)
    def _done(self, event: ChartTab.Done) -> None:
        self.said(event, "Client Portal")
        self.post_message(ChartChanged("owner", self))

    async def _resend(self, view: CommunicationsView) -> None:
        owner = view.owner
        if not owner.has_owner:
            return
        days = valid_days()
        until = when(clock.now() + dt.timedelta(days=days), self.zone)
        body = (
            f"A new invitation email goes to {owner.owner_name} at {owner.email}.\n\n"
            f"The previous code stops working at once. The new code lasts {days} days, until {until}."
        )
        if await self._confirm("Resend Invite", body, "Resend Invite"):
            await self._perform(Action.RESEND, f"Invitation resent to {owner.email}. It expires in {days} days.")

    async def _unlock(self, view: CommunicationsView) -> None:
        owner = view.owner
        if not owner.has_owner:
            return
        body = (
            f"{owner.owner_name} ({owner.email}) can sign in to the portal again at once.\n\n"
            "Their login was locked after too many wrong passwords. If they did not type them, "
            "suggest they choose a new password."
        )
        if await self._confirm("Unlock Portal Login", body, "Unlock"):
            await self._perform(Action.UNLOCK, f"{owner.owner_name} can sign in to the portal again.")

    async def _revoke(self, view: CommunicationsView) -> None:
        owner = view.owner
        if not owner.has_owner:
            return
        body = (
            f"{owner.owner_name} ({owner.email}) loses portal access to this chart at once.\n\n"
            "Any unused invitation code stops working and open portal sessions on this chart end. "
            "You can activate access again later."
        )
        if await self._confirm("Revoke Access", body, "Revoke Access", danger=True):
            await self._perform(Action.REVOKE, f"Portal access revoked for {owner.owner_name}.")

    @staticmethod
    def _name_of(view: CommunicationsView, contact_id: int | None) -> tuple[str, str]:
        for cand in view.candidates:
            if cand.contact_id == contact_id:
                return cand.name, relationship(cand.relationship)
        return "", ""

    async def _activate(self, view: CommunicationsView) -> None:
        choice = await self._choose("Activate Client Portal Access", view)
        if choice is None:
            return
        contact_id, email = choice
        name, rel = self._name_of(view, contact_id)
        what, toast = await self._what_they_get(name, email)
        body = f"{name} ({rel}) becomes the chart owner.\n\n{what}"
        if await self._confirm("Activate Client Portal Access", body, "Activate Access"):
            await self._perform(
                Action.ACTIVATE,
                f"Portal access activated for {name}; {toast}.",
                contact_id=contact_id,
                email=email,
            )

    async def _change_owner(self, view: CommunicationsView) -> None:
        owner = view.owner
        if not owner.has_owner:
            return
        current = next((c for c in view.candidates if c.contact_id == owner.contact_id), None)
        choice = await self._choose("Change Ownership", view, current=current)
        if choice is None:
            return
        contact_id, email = choice
        name, rel = self._name_of(view, contact_id)
        what, toast = await self._what_they_get(name, email)
        body = (
            f"{owner.owner_name} loses portal access to this chart, and any earlier invitation code "
            f"stops working.\n\n{name} ({rel}) becomes the chart owner. {what}"
        )
        if await self._confirm("Change Ownership", body, "Change Ownership"):
            await self._perform(
                Action.CHANGE_OWNER,
                f"{name} is now the chart owner; {toast}.",
                contact_id=contact_id,
                email=email,
            )
