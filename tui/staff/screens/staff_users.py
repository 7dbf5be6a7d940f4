"""StaffUsersScreen (admins, F9): the practice's staff accounts.

Each row says the role, whether the account is active, locked (until when),
waiting for a new password, or set up for two-factor sign-in, and the last
sign-in; the line under the table, the highlighted person's email on file
(where risk alerts on their charts go). Keys act on the highlighted person;
every change that takes something away asks first, and each is done by
models/staff_accounts.py, which refuses anyone but an admin (the screen only
hides what the domain would refuse) and keeps one admin.
"""
from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Header, Label, Select, Static

from models import clock
from models.audit import Actor
from models.staff_accounts import (
    ROLES, StaffLine, add_staff_account, change_role, deactivate, reactivate, reset_password, set_email, staff_list,
    unlock,
)
from models.timefmt import practice_zone
from models.two_factor import reset_enrollment
from tui.shared.dimmed_modal import DimmedModal
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.key_hints import KeyHints
from tui.shared.runtime import plain
from tui.shared.screen_base import PortalScreen
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import when_short
from .modals import ConfirmActionScreen, FormModal
from .temporary_password import TemporaryPasswordScreen

COLUMNS = (
    Column("Username", "username"),
    Column("Name", "name"),
    Column("Role", "role", whole=True),
    Column("State", "state", whole=True),
    Column("Last sign-in", "last", whole=True),
)


def state_words(line: StaffLine) -> str:
    now = clock.now()
    if not line.active:
        return "Deactivated"
    if line.locked(now):
        return f"Locked until {line.locked_until:%H:%M} UTC"
    words = "Active"
    if line.must_change_password:
        words += ", new password due"
    if line.two_factor:
        words += ", 2-step"
    return words


EMAIL_FIELD = ("email", "Email", "optional: name@example.com")


def email_words(line: StaffLine) -> str:
    """The line under the table: the highlighted person's email on file, and what it is for."""
    alerts = line.role in ("clinician", "admin")
    if line.email:
        return f"{line.full_name}: {line.email}" + (" (risk alerts on their charts come here)" if alerts else "")
    return f"{line.full_name}: no email on file" + (" (their charts' risk alerts go to the practice)" if alerts else "")


class AddStaffScreen(FormModal):
    DEFAULT_CSS = "AddStaffScreen { align: center middle; }"
    TITLE_TEXT = "Add a staff user"
    FIELDS = (("username", "Username", "letters, digits, . - _"), ("full_name", "Full name", ""), EMAIL_FIELD)

    def extra_fields(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Role", classes="field-label")
            yield Select([(name, key) for key, name in ROLES.items()], value="front_desk", allow_blank=False, id="role")
        yield Static("", id="role-error", classes="field-error")

    def extra_error_fields(self) -> tuple[str, ...]:
        return ("role",)

    def collect(self) -> dict[str, str]:
        return self.values() | {"role": str(self.query_one("#role", Select).value)}

    def save(self, actor: Actor, values: dict[str, str]) -> tuple[StaffLine, str]:
        return add_staff_account(actor, values["username"], values["full_name"], values["role"], values["email"])


class StaffEmailScreen(FormModal):
    """Put a staff user's email on file, change it, or clear it (an empty field)."""

    DEFAULT_CSS = "StaffEmailScreen { align: center middle; }"
    FIELDS = (EMAIL_FIELD,)

    def __init__(self, line: StaffLine) -> None:
        super().__init__()
        self.line = line
        self.TITLE_TEXT = f"Email of {line.full_name}"

    def initial(self) -> dict[str, str]:
        return {"email": self.line.email}

    def save(self, actor: Actor, values: dict[str, str]) -> StaffLine:
        return set_email(actor, self.line.staff_id, values["email"])


class ChooseRoleScreen(DimmedModal[str | None]):
    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose_role.cancel")]

    def __init__(self, line: StaffLine) -> None:
        super().__init__()
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(f"Role of {self.line.full_name}"), id="dialog-title")
            yield Select([(name, key) for key, name in ROLES.items()], value=self.line.role, allow_blank=False, id="role")
            yield Static("A new role takes effect at once: they are signed out and sign in again.",
                         classes="dialog-hint")
            with Horizontal(classes="dialog-actions"):
                yield Button("Change role", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#confirm")
    def _chosen(self) -> None:
        self.dismiss(str(self.query_one("#role", Select).value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class StaffUsersScreen(ForwardsWorkerErrors, PortalScreen):
    DEFAULT_CSS = """
    StaffUsersScreen #staff-title { text-style: bold; padding: 0 1; }
    StaffUsersScreen #staff-table { height: 1fr; }
    StaffUsersScreen #staff-email { padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="staff_users.back"),
        Binding("a", "add", "Add", id="staff_users.add"),
        Binding("r", "role", "Role", id="staff_users.role"),
        Binding("d", "deactivate", "On/off", id="staff_users.deactivate"),
        Binding("u", "unlock", "Unlock", id="staff_users.unlock"),
        Binding("p", "reset_password", "Password", id="staff_users.reset_password"),
        Binding("t", "reset_two_factor", "2-step", id="staff_users.reset_two_factor"),
        Binding("m", "email", "Email", id="staff_users.email"),
    ]

    class Loaded(Message):
        def __init__(self, lines: list[StaffLine], rows: list[tuple[str, ...]]) -> None:
            super().__init__()
            self.lines = lines
            self.rows = rows

    class Done(Message):
        def __init__(self, note: str) -> None:
            super().__init__()
            self.note = note

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[StaffLine] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Staff users", id="staff-title")
        yield FittingTable(*COLUMNS, id="staff-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="staff-email")
        yield KeyHints()

    def on_mount(self) -> None:
        self.load()

    @db_worker("staff-users")
    def load(self) -> None:
        lines = staff_list(self.app.actor)  # type: ignore[attr-defined]
        zone = practice_zone()   # read here, in the worker: drawing never queries
        rows = [(line.username, line.full_name, line.role_name, state_words(line),
                 when_short(line.last_login_at, zone) if line.last_login_at else "never") for line in lines]
        self.post_message(self.Loaded(lines, rows))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.lines = event.lines
        self.query_one(FittingTable).set_rows(   # keeps the cursor's row
            (tuple(plain(cell) for cell in row_text), str(line.staff_id)) for line, row_text in zip(self.lines, event.rows)
        )
        self._show_email()

    @on(DataTable.RowHighlighted, "#staff-table")
    def _show_email(self) -> None:
        line = self.current
        self.query_one("#staff-email", Static).update(plain(email_words(line)) if line else "")

    @property
    def current(self) -> StaffLine | None:
        row = self.query_one(FittingTable).cursor_row
        return self.lines[row] if 0 <= row < len(self.lines) else None

    @db_worker("staff-users-change", exclusive=False)
    def change(self, action: Any, note: str) -> None:
        action()
        self.post_message(self.Done(note))

    @on(Done)
    def _done(self, event: Done) -> None:
        self.app.notify(event.note, markup=False)
        self.load()

    async def _confirm(self, title: str, body: str, label: str, *, danger: bool = False) -> bool:
        return bool(await self.app.push_screen_wait(ConfirmActionScreen(title, body, label, danger=danger)))

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_add(self) -> None:
        made = await self.app.push_screen_wait(AddStaffScreen())
        if made:
            line, temporary = made
            await self.app.push_screen_wait(TemporaryPasswordScreen(f"{line.full_name} is added", line.full_name, temporary))
            self.load()

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_role(self) -> None:
        line, actor = self.current, self.app.actor  # type: ignore[attr-defined]
        if line is None:
            return
        role = await self.app.push_screen_wait(ChooseRoleScreen(line))
        if role and role != line.role:
            self.change(lambda: change_role(actor, line.staff_id, role), f"{line.full_name} is now {ROLES[role]} and was signed out of any open session.")

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_deactivate(self) -> None:
        line, actor = self.current, self.app.actor  # type: ignore[attr-defined]
        if line is None:
            return
        if not line.active:
            if await self._confirm("Reactivate", f"Let {line.full_name} sign in again?", "Reactivate"):
                self.change(lambda: reactivate(actor, line.staff_id), f"{line.full_name} can sign in again.")
            return
        if await self._confirm(
            "Deactivate", f"{line.full_name} can no longer sign in, and any session they have open ends now. "
            "Their name stays on what they did.", "Deactivate", danger=True,
        ):
            self.change(lambda: deactivate(actor, line.staff_id), f"{line.full_name} is deactivated.")

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_unlock(self) -> None:
        line, actor = self.current, self.app.actor  # type: ignore[attr-defined]
        if line is None or not line.locked(clock.now()):
            self.app.notify("Nobody is locked there." if line else "No staff user chosen.", markup=False)
            return
        if await self._confirm("Unlock", f"Lift the lock on {line.full_name}'s account now?", "Unlock"):
            self.change(lambda: unlock(actor, line.staff_id), f"{line.full_name}'s lock is lifted.")

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_reset_password(self) -> None:
        line, actor = self.current, self.app.actor  # type: ignore[attr-defined]
        if line is None:
            return
        if not await self._confirm(
            "New temporary password", f"{line.full_name}'s password stops working now; you get a temporary "
            "one to pass on, and they choose their own at the next sign-in.", "Reset password", danger=True,
        ):
            return
        self.reset(actor, line)

    @db_worker("staff-users-reset", exclusive=False)
    def reset(self, actor: Actor, line: StaffLine) -> None:
        temporary = reset_password(actor, line.staff_id)
        self.app.call_from_thread(self._show_temporary, line, temporary)

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def _show_temporary(self, line: StaffLine, temporary: str) -> None:
        await self.app.push_screen_wait(TemporaryPasswordScreen("New temporary password", line.full_name, temporary))
        self.load()

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_reset_two_factor(self) -> None:
        line, actor = self.current, self.app.actor  # type: ignore[attr-defined]
        if line is None or not line.two_factor:
            self.app.notify("No two-step set-up to reset there.", markup=False)
            return
        if await self._confirm(
            "Reset two-step sign-in", f"For a lost phone: {line.full_name} sets up an authenticator app again "
            "at the next sign-in from outside the office; their recovery codes stop working.", "Reset", danger=True,
        ):
            self.change(lambda: reset_enrollment(actor, line.staff_id), f"{line.full_name} sets up two-step sign-in again.")

    @work(group="flow", exclusive=True)  # a dialog flow: waits on the person
    async def action_email(self) -> None:
        line = self.current
        if line is None:
            return
        saved = await self.app.push_screen_wait(StaffEmailScreen(line))
        if saved is not None:
            self.app.notify(f"{line.full_name}'s email is {'saved' if saved.email else 'cleared'}.", markup=False)
            self.load()

    def action_back(self) -> None:
        self.dismiss()
