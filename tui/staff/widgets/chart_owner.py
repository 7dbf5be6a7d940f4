"""ChartOwnerBox: who owns the chart's portal access, the state tag, the last invitation."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from models.config import OWNER_BOX_REFRESH_SECONDS
from models.chart_owner import OwnerState, OwnerStatus, owner_state
from models.staff_views import NO_EMAIL, InvitationEmail, invitation_email
from models.tables import Client
from tui.shared.runtime import plain

from ..formatting import STATE_CLASS, relationship, when


class ChartOwnerBox(Vertical, can_focus=True):
    """Shows one chart's owner state; the ⋮ button asks for the actions menu.

    Down: `show(client)` re-reads the state. Up: `MenuRequested` when staff
    open the ⋮ menu (button, Enter or the screen's key).
    """

    BINDINGS = [
        Binding("enter,space", "open_menu", "Owner actions", id="owner_box.menu", show=False),
    ]

    REFRESH_SECONDS = OWNER_BOX_REFRESH_SECONDS  # delivery state and expiry change without anyone touching the chart

    class Changed(Message):
        """The state or the email's delivery state changed on its own."""

    class MenuRequested(Message):
        def __init__(self, box: "ChartOwnerBox") -> None:
            super().__init__()
            self.box = box

    def __init__(self, client: Client | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.client = client
        self.state: OwnerState | None = None
        self.email: InvitationEmail = NO_EMAIL
        self.delivery: str = ""

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
        if self.client is not None:
            self.show(self.client)
        self.set_interval(self.REFRESH_SECONDS, self.refresh_state, name="owner-refresh")

    def refresh_state(self) -> None:
        """Re-read; tell the tab when something changed (e.g. the email went out)."""
        if self.client is None or self.state is None:
            return
        before = (self.state.tag, self.delivery)
        self.show(self.client)
        if (self.state.tag, self.delivery) != before:
            self.post_message(self.Changed())

    def show(self, client: Client) -> OwnerState:
        """Read the chart's owner state and redraw."""
        self.client = client
        state = owner_state(client)
        inv = state.invitation
        self.email = invitation_email(inv.id) if inv is not None else NO_EMAIL
        self.delivery = self.email.label if self.email.status else ""
        self.state = state
        self._draw(state)
        return state

    @staticmethod
    def _line(widget: Static, text: str) -> None:
        """Plain text in one line of the box; an empty line takes no room."""
        widget.update(plain(text))
        widget.set_class(not text, "blank")

    def _draw(self, state: OwnerState) -> None:
        # An invitation whose email will never arrive is not "Invited, expires
        # in 5 days": the tag and the lines below say so, and what to do.
        mail_failed = self.email.failed and state.status is not OwnerStatus.ACTIVE
        tag = self.query_one("#owner-tag", Static)
        shown = "Invited · email failed" if mail_failed and state.status is OwnerStatus.INVITED else state.tag
        tag.update(plain(f" {shown} "))
        for status, css_class in STATE_CLASS.items():
            tag.set_class(status is (OwnerStatus.EXPIRED if mail_failed else state.status), css_class)
        name = self.query_one("#owner-name", Static)
        email = self.query_one("#owner-email", Static)
        invite = self.query_one("#owner-invite", Static)
        delivery = self.query_one("#owner-delivery", Static)
        advice = self.query_one("#owner-advice", Static)
        delivery.set_class(mail_failed, "problem")
        self._line(advice, "")
        access, inv = state.access, state.invitation
        if access is None:
            self._line(name, "No one has portal access to this chart.")
            self._line(email, "Use ⋮ › Activate Client Portal Access to invite the client or a related contact.")
            self._line(invite, "")
            self._line(delivery, "")
            return
        self._line(name, f"{access.owner_name} ({relationship(access.relationship)})")
        self._line(email, access.email)
        if state.status is OwnerStatus.ACTIVE:
            since = when(access.granted_at) if access.granted_at else ""
            self._line(invite, f"Portal account active since {since}." if since else "Portal account active.")
            self._line(delivery, "")
            if state.login_locked_until is not None:
                self._line(
                    advice,
                    f"Portal login locked until {when(state.login_locked_until)} after too many wrong "
                    "passwords. ⋮ › Unlock Portal Login lifts it.",
                )
            advice.set_class(state.login_locked_until is not None, "problem")
            return
        if inv is None:
            self._line(invite, "No invitation has been sent.")
            self._line(delivery, "")
            return
        sender = inv.sent_by.full_name if inv.sent_by_id and inv.sent_by else "the system"
        verb = "expired" if state.status is OwnerStatus.EXPIRED and inv.locked_at is None else "expires"
        lines = f"Invitation sent {when(inv.sent_at)} by {sender}"
        if not mail_failed:  # a code no one was sent: its expiry is beside the point
            lines += f"\n{verb.capitalize()} {when(inv.expires_at)}"
        if inv.locked_at is not None:
            lines += f"\nLocked {when(inv.locked_at)} after too many wrong name/DOB entries; resend to unlock."
        self._line(invite, lines)
        if mail_failed:
            self._line(delivery, self.email.headline)
            self._line(advice, self.email.advice)
        else:
            self._line(delivery, f"Invitation email: {self.delivery}" if self.delivery else "Invitation email: not queued")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "owner-menu":
            event.stop()
            self.action_open_menu()

    def action_open_menu(self) -> None:
        self.post_message(self.MenuRequested(self))
