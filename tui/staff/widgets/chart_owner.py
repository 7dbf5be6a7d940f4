"""ChartOwnerBox: who owns the chart's portal access, the state tag, the last
invitation; for an active owner, their login's last sign-in and lock.

Its state is one reactive, `view`: a frozen OwnerView (the owner state, the
sender's name and the invitation email's delivery, read together in a
worker). The watcher draws it; nothing here queries the database.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Static

from models.chart_owner import OwnerStatus
from models.config import OWNER_BOX_REFRESH_SECONDS
from models.staff_views import NO_EMAIL, OwnerView, owner_view
from tui.shared.runtime import plain
from tui.shared.workers import ForwardsWorkerErrors, db_worker

from ..formatting import STATE_CLASS, relationship, when


class ChartOwnerBox(ForwardsWorkerErrors, Vertical, can_focus=True):
    """Shows one chart's owner state; the ⋮ button asks for the actions menu.

    Down: `view` (set by the Communications tab, or by the box's own refresh
    every few seconds). Up: `Changed` when the refresh finds the state or the
    email's delivery changed on its own; `MenuRequested` when staff open the
    ⋮ menu (button, Enter or the screen's key).
    """

    DEFAULT_CSS = """
    ChartOwnerBox {
        height: auto;
        border: round $primary-muted;
        padding: 0 1;
    }

    ChartOwnerBox:focus-within, ChartOwnerBox:focus {
        border: round $primary;
    }

    #owner-title-row {
        height: 1;
    }

    #owner-heading {
        width: auto;
        text-style: bold;
        margin-right: 2;
    }

    #owner-tag {
        width: auto;
        text-style: bold;
    }

    #owner-tag.state-none {
        background: $panel;
        color: $text-muted;
    }

    #owner-tag.state-invited {
        background: $primary;
        color: $text;
    }

    #owner-tag.state-expired {
        background: $warning;
        color: $text;
    }

    #owner-tag.state-active {
        background: $success;
        color: $text;
    }

    #owner-menu {
        dock: right;
        width: 5;
        min-width: 5;
    }

    #owner-name {
        text-style: bold;
    }

    #owner-email {
        color: $text-muted;
    }

    #owner-delivery {
        color: $text-muted;
    }

    #owner-delivery.problem, #owner-advice.problem {
        color: $warning;
        text-style: bold;
    }

    ChartOwnerBox .blank {
        display: none;
    }
    """

    BINDINGS = [
        Binding("enter,space", "open_menu", "Owner actions", id="owner_box.menu", show=False),
    ]

    REFRESH_SECONDS = OWNER_BOX_REFRESH_SECONDS  # delivery state and expiry change without anyone touching the chart

    view: var[OwnerView | None] = var(None, init=False)

    class Changed(Message):
        """The state or the email's delivery state changed on its own."""

    class MenuRequested(Message):
        def __init__(self, box: "ChartOwnerBox") -> None:
            super().__init__()
            self.box = box

    class Refreshed(Message):
        """The refresh worker's fresh view; only the box handles it."""

        bubble = False

        def __init__(self, view: OwnerView) -> None:
            super().__init__()
            self.view = view

    def __init__(
        self, chart_id: int | None = None, *, read: bool = True, id: str | None = None, classes: str | None = None
    ) -> None:
        """`read=False`: the owner (the Communications tab) sets `view` itself."""
        super().__init__(id=id, classes=classes)
        self.chart_id = chart_id
        self._read_on_mount = read and chart_id is not None

    @property
    def delivery(self) -> str:
        return self.view.delivery if self.view is not None else ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="owner-title-row"):
            yield Static("Chart Owner", id="owner-heading")
            yield Static("", id="owner-tag", classes="tag")
            yield Button("⋮", id="owner-menu", tooltip="Portal access actions (Ctrl+O)", compact=True)
        yield Static("", id="owner-name")
        yield Static("", id="owner-email")
        yield Static("", id="owner-invite")
        yield Static("", id="owner-delivery")
        yield Static("", id="owner-advice")

    def on_mount(self) -> None:
        if self.view is not None:
            self.watch_view(self.view)  # set before the box was mounted
        elif self._read_on_mount and self.chart_id is not None:
            self.read_view(self.chart_id)
        self.set_interval(self.REFRESH_SECONDS, self.refresh_state, name="owner-refresh")

    def refresh_state(self) -> None:
        """Re-read in a worker; the tab hears when something changed (e.g. the email went out)."""
        if self.chart_id is not None and self.view is not None:
            self.read_view(self.chart_id)

    @db_worker("owner-box")
    def read_view(self, chart_id: int) -> None:
        self.post_message(self.Refreshed(owner_view(self.app.actor, chart_id)))  # type: ignore[attr-defined]

    @on(Refreshed)
    def _refreshed(self, event: Refreshed) -> None:
        event.stop()
        before = self.view
        self.view = event.view
        if before is not None and (before.tag, before.delivery) != (event.view.tag, event.view.delivery):
            self.post_message(self.Changed())

    @staticmethod
    def _line(widget: Static, text: str) -> None:
        """Plain text in one line of the box; an empty line takes no room."""
        widget.update(plain(text))
        widget.set_class(not text, "blank")

    def watch_view(self, view: OwnerView | None) -> None:
        if view is None or not self.is_mounted:
            return
        email = view.mail or NO_EMAIL
        # An invitation whose email will never arrive is not "Invited, expires
        # in 5 days": the tag and the lines below say so, and what to do.
        mail_failed = email.failed and view.status is not OwnerStatus.ACTIVE
        tag = self.query_one("#owner-tag", Static)
        shown = "Invited · email failed" if mail_failed and view.status is OwnerStatus.INVITED else view.tag
        tag.update(plain(f" {shown} "))
        for status, css_class in STATE_CLASS.items():
            tag.set_class(status is (OwnerStatus.EXPIRED if mail_failed else view.status), css_class)
        name = self.query_one("#owner-name", Static)
        address = self.query_one("#owner-email", Static)
        invite = self.query_one("#owner-invite", Static)
        delivery = self.query_one("#owner-delivery", Static)
        advice = self.query_one("#owner-advice", Static)
        delivery.set_class(mail_failed, "problem")
        self._line(advice, "")
        inv = view.invitation
        if not view.has_owner:
            self._line(name, "No one has portal access to this chart.")
            self._line(address, "Use ⋮ › Activate Client Portal Access to invite the client or a related contact.")
            self._line(invite, "")
            self._line(delivery, "")
            return
        self._line(name, f"{view.owner_name} ({relationship(view.relationship)})")
        self._line(address, view.email)
        if view.status is OwnerStatus.ACTIVE:
            since = when(view.granted_at, view.zone) if view.granted_at else ""
            last = f"Last signed in {when(view.last_sign_in, view.zone)}." if view.last_sign_in else "Never signed in."
            self._line(invite, (f"Portal account active since {since}." if since else "Portal account active.") + f"\n{last}")
            self._line(delivery, "")
            if view.login_locked_until is not None:
                self._line(
                    advice,
                    f"Portal login locked until {when(view.login_locked_until, view.zone)} after too many wrong "
                    "passwords. ⋮ › Unlock Portal Login lifts it.",
                )
            advice.set_class(view.login_locked_until is not None, "problem")
            return
        if inv is None:
            self._line(invite, "No invitation has been sent.")
            self._line(delivery, "")
            return
        sender = inv.sender or "the system"
        verb = "expired" if view.status is OwnerStatus.EXPIRED and inv.locked_at is None else "expires"
        lines = f"Invitation sent {when(inv.sent_at, view.zone)} by {sender}"
        if not mail_failed:  # a code no one was sent: its expiry is beside the point
            lines += f"\n{verb.capitalize()} {when(inv.expires_at, view.zone)}"
        if inv.locked_at is not None:
            lines += f"\nLocked {when(inv.locked_at, view.zone)} after too many wrong name/DOB entries; resend to unlock."
        self._line(invite, lines)
        if mail_failed:
            self._line(delivery, email.headline)
            self._line(advice, email.advice)
        else:
            self._line(delivery, f"Invitation email: {view.delivery}" if view.delivery else "Invitation email: not queued")

    @on(Button.Pressed, "#owner-menu")
    def _menu_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_open_menu()

    def action_open_menu(self) -> None:
        self.post_message(self.MenuRequested(self))
