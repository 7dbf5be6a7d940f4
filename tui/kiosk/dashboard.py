"""The signed-in client's dashboard: documents, appointments, balance and account."""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.widgets import Button, Static, TabbedContent, TabPane

from models.auth import AuthError, change_password
from models.errors import DomainError, NotAllowed
from models.kiosk_views import account_summary, chart_choices, parse_preferred, practice_zone, recent_activity
from models.records import (
    ClientViewer,
    cancel_request,
    client_documents,
    client_requests,
    client_statement,
    open_document,
    request_appointment,
)
from models.text import InvalidInput
from tui.shared.runtime import plain

from .base import SOMETHING_WRONG, Banner, KioskScreen, in_thread
from .panes import AccountPane, AppointmentsPane, BalancePane, DocumentsPane

NOT_AVAILABLE = "That is not available."


class DashboardScreen(KioskScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+l", "logout", "Log out", id="dashboard.logout"),
        Binding("f2", "switch_person", "Switch person", id="dashboard.switch"),
        Binding("f3", "show_tab('documents')", "Documents", id="dashboard.documents"),
        Binding("f4", "show_tab('appointments')", "Appointments", id="dashboard.appointments"),
        Binding("f5", "show_tab('balance')", "Balance", id="dashboard.balance"),
        Binding("f6", "show_tab('account')", "Account", id="dashboard.account"),
    ]

    def action_show_tab(self, tab: str) -> None:
        """Keyboard-only clients switch panes with F3-F6 (shown in the footer)."""
        self.query_one("#tabs", TabbedContent).active = tab
        pane = self.query_one(f"#{tab}", TabPane)

        def focus_first() -> None:
            # The pane's first control, not its scrolling container.
            first = next((w for w in pane.query("RadioSet, Input, DataTable, Button") if w.focusable), None)
            if first is not None:
                first.focus()

        self.call_after_refresh(focus_first)

    def __init__(self) -> None:
        super().__init__()
        self.several_charts = False

    def compose(self) -> ComposeResult:
        yield Banner("Client portal")
        with Horizontal(id="who"):
            yield Static("", id="who-line")
            yield Button("Switch person", id="switch", compact=True)
            yield Button("Log out", id="logout", compact=True, variant="error")
        with TabbedContent(initial="documents", id="tabs"):
            with TabPane("Documents", id="documents"):
                yield DocumentsPane(id="documents-pane")
            # The hidden panes mount just after the first frame (Lazy), so the
            # documents list shows sooner.
            with TabPane("Appointments", id="appointments"):
                yield Lazy(AppointmentsPane(practice_zone().key, id="appointments-pane"))
            with TabPane("Balance", id="balance"):
                yield Lazy(BalancePane(id="balance-pane"))
            with TabPane("Account", id="account"):
                yield Lazy(AccountPane(id="account-pane"))
        yield from self.compose_footer()

    def on_mount(self) -> None:
        # Header buttons stay out of the Tab order: a client tabbing through a
        # list must not land on Log out and press Enter by accident. Keys
        # (Ctrl+L, F2) and the mouse still reach them.
        for button in self.query("#who Button"):
            button.can_focus = False
        self.show_who()  # the first tab loads itself when TabbedContent activates it
        self.query_one("#documents-table").focus()

    # --- who is looking, at which chart ---------------------------------------------

    def viewer(self) -> ClientViewer | None:
        session = self.kiosk.session
        if session is None or session.chart_id is None:
            return None
        return ClientViewer(session.account_id, session.chart_id, self.kiosk.source)

    def show_who(self) -> None:
        session = self.kiosk.session
        if session is None:
            return
        choices = chart_choices(session.account_id)
        self.several_charts = len(choices) > 1
        current = next((c for c in choices if c.chart_id == session.chart_id), None)
        line = Text()
        if current is not None:
            line.append_text(plain(current.name, "bold"))
            line.append("  ·  ")
        line.append("signed in as ")
        line.append_text(plain(session.email))
        self.query_one("#who-line", Static).update(line)
        self.query_one("#switch", Button).set_class(not self.several_charts, "hidden")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_person":
            return self.several_charts
        return True

    # --- loading panes --------------------------------------------------------------

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        if event.pane.id:
            self.load(event.pane.id)

    def load(self, pane: str) -> None:
        """Fetch one pane's data for the current chart (each view is audited)."""
        viewer = self.viewer()
        if viewer is None:
            return
        try:
            if pane == "documents":
                self.query_one(DocumentsPane).show(client_documents(viewer))
            elif pane == "appointments":
                self.query_one(AppointmentsPane).show(client_requests(viewer))
            elif pane == "balance":
                self.query_one(BalancePane).show(client_statement(viewer))
            elif pane == "account":
                self.query_one(AccountPane).show(account_summary(viewer.account_id), recent_activity(viewer.account_id))
        except NotAllowed:
            self.not_available(pane)

    def not_available(self, pane: str) -> None:
        if pane == "documents":
            self.query_one(DocumentsPane).say(NOT_AVAILABLE)
        elif pane == "appointments":
            self.query_one(AppointmentsPane).say(error=NOT_AVAILABLE)
        elif pane == "balance":
            self.query_one(BalancePane).say(NOT_AVAILABLE)

    def reload_all(self) -> None:
        self.load(self.query_one("#tabs", TabbedContent).active)

    # --- documents ------------------------------------------------------------------

    def on_documents_pane_open(self, event: DocumentsPane.Open) -> None:
        event.stop()
        self.open_document(event.document_id)

    def open_document(self, document_id: int) -> None:
        from .document import DocumentScreen

        viewer = self.viewer()
        if viewer is None:
            return
        try:
            doc = open_document(viewer, document_id)
        except NotAllowed:
            self.query_one(DocumentsPane).say(NOT_AVAILABLE)
            return
        self.app.push_screen(DocumentScreen(doc), callback=lambda _: self.load("documents"))

    # --- appointments ----------------------------------------------------------------

    def on_appointments_pane_send(self, event: AppointmentsPane.Send) -> None:
        event.stop()
        pane = self.query_one(AppointmentsPane)
        viewer = self.viewer()
        if viewer is None:
            return
        if event.mode is None:
            pane.say(error="Choose how you'd like to meet: in person, phone or video.")
            return
        try:
            when = parse_preferred(event.date, event.time)
            request_appointment(viewer, mode=event.mode, preferred_at=when, reason=event.reason)
        except InvalidInput as exc:
            pane.say(error=exc.message)
            return
        except NotAllowed:
            pane.say(error=NOT_AVAILABLE)
            return
        pane.clear_form()
        pane.say(notice="Your request was sent. The practice's answer will show below.")
        self.load("appointments")

    def on_appointments_pane_cancel(self, event: AppointmentsPane.Cancel) -> None:
        event.stop()
        pane = self.query_one(AppointmentsPane)
        viewer = self.viewer()
        if viewer is None:
            return
        if event.request_id is None:
            pane.say(error="Choose a request in the list first.")
            return
        try:
            cancel_request(viewer, event.request_id)
        except DomainError as exc:
            pane.say(error=exc.message)
            return
        pane.say(notice="The request was cancelled.")
        self.load("appointments")

    # --- account ----------------------------------------------------------------------

    def on_account_pane_change_password(self, event: AccountPane.ChangePassword) -> None:
        event.stop()
        session = self.kiosk.session
        pane = self.query_one(AccountPane)
        if session is None:
            return
        if not event.current or not event.new:
            pane.say(error="Type your current password, then the new one twice.")
            return
        pane.say()
        pane.set_busy(True)
        self.password_worker(session.account_id, event.current, event.new, event.confirm)

    @work(thread=True, exclusive=True, group="password", exit_on_error=False)
    def password_worker(self, account_id: int, current: str, new: str, confirm: str) -> None:
        try:
            in_thread(change_password, account_id, current, new, confirm, self.kiosk.source)
        except AuthError as exc:
            self.deliver(self.password_refused, exc)
        except Exception:
            self.deliver(self.password_refused, AuthError(SOMETHING_WRONG))
        else:
            self.deliver(self.password_changed)

    def password_refused(self, exc: AuthError) -> None:
        pane = self.query_one(AccountPane)
        pane.set_busy(False)
        pane.say(error=exc.message)
        if exc.field == "current":
            pane.clear("current-password")
        elif exc.field == "new":
            pane.clear("new-password", "confirm-password")

    def password_changed(self) -> None:
        pane = self.query_one(AccountPane)
        pane.set_busy(False)
        pane.clear()
        pane.say(notice="Your password was changed. We also sent you an email about it.")
        self.load("account")

    # --- switching person, logging out -------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "logout":
            event.stop()
            self.action_logout()
        elif event.button.id == "switch":
            event.stop()
            self.action_switch_person()

    def action_logout(self) -> None:
        self.kiosk.log_out()

    def action_switch_person(self) -> None:
        from .choose_chart import ChooseChartScreen

        if self.several_charts:
            self.app.push_screen(ChooseChartScreen(), callback=self.switched)

    def switched(self, chart_id: int | None) -> None:
        if chart_id is not None:
            for pane in (DocumentsPane, AppointmentsPane, BalancePane, AccountPane):
                self.query_one(pane).blank()  # nothing of the other chart stays on screen
            self.show_who()
            self.reload_all()
