"""The signed-in client's dashboard: documents, appointments, balance, account and forms.

Every domain call runs in a database worker and answers with a Message the
screen handles on the UI thread. Each answer names the chart it is about, so
an answer that arrives after a switch of person is dropped, never shown.
"""
from __future__ import annotations

from typing import Any, Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.lazy import Lazy
from textual.message import Message
from textual.widgets import Button, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from models.auth import change_password
from models.errors import DomainError, NotAllowed
from models.forms.client_views import CompletedForm, FormsList, completed_form, forms_list
from models.kiosk_views import ChartChoice, account_summary, chart_choices, parse_preferred, recent_activity
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
from tui.shared.workers import db_worker

from .base import KioskScreen
from .forms.forms_pane import FormsPane, FormsTable
from .panes import AccountPane, AppointmentsPane, BalancePane, DocumentsPane

NOT_AVAILABLE = "That is not available."
REQUEST_SENT = "Your request was sent. The practice's answer will show below."
REQUEST_CANCELLED = "The request was cancelled."
PASSWORD_CHANGED = "Your password was changed. We also sent you an email about it."


def load_pane(viewer: ClientViewer, pane: str) -> Any:
    """In a worker: one pane's data for the viewer's chart (each view is audited)."""
    if pane == "documents":
        return client_documents(viewer)
    if pane == "appointments":
        return client_requests(viewer)
    if pane == "balance":
        return client_statement(viewer)
    if pane == "forms":
        return forms_list(viewer)
    return account_summary(viewer.account_id), recent_activity(viewer.account_id)


def new_password(viewer: ClientViewer, current: str, new: str, confirm: str) -> None:
    change_password(viewer.account_id, current, new, confirm, viewer.source)


def send_request(viewer: ClientViewer, mode: str, date: str, time: str, reason: str) -> None:
    request_appointment(viewer, mode=mode, preferred_at=parse_preferred(date, time), reason=reason)


class DashboardScreen(KioskScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("ctrl+l", "logout", "Log out", id="dashboard.logout"),
        Binding("f2", "switch_person", "Switch person", id="dashboard.switch"),
        Binding("f3", "show_tab('documents')", "Documents", id="dashboard.documents"),
        Binding("f4", "show_tab('appointments')", "Appointments", id="dashboard.appointments"),
        Binding("f5", "show_tab('balance')", "Balance", id="dashboard.balance"),
        Binding("f6", "show_tab('account')", "Account", id="dashboard.account"),
        Binding("f7", "show_tab('forms')", "Forms", id="dashboard.forms"),
    ]

    class Charts(Message):
        """Whose charts the account has (for the who-line and Switch person)."""

        def __init__(self, choices: list[ChartChoice]) -> None:
            super().__init__()
            self.choices = choices

    class Loaded(Message):
        def __init__(self, chart_id: int, pane: str, data: Any) -> None:
            super().__init__()
            self.chart_id = chart_id
            self.pane = pane
            self.data = data

    class Done(Message):
        """An action's answer: `error` is a refusal meant for the client, else None."""

        def __init__(self, chart_id: int, action: str, result: Any = None, error: Exception | None = None) -> None:
            super().__init__()
            self.chart_id = chart_id
            self.action = action
            self.result = result
            self.error = error

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
        self.choices: list[ChartChoice] = []
        self.landed = False  # a client with forms waiting lands on Forms, once
        self.form_opened = False  # a form's screen is over this one (the list is reloaded after)

    def compose(self) -> ComposeResult:
        yield self.banner("Client portal")
        with Horizontal(id="who"):
            yield Static("", id="who-line")
            yield Button("Switch person", id="switch", compact=True, classes="hidden")
            yield Button("Log out", id="logout", compact=True, variant="error")
        with TabbedContent(initial="documents", id="tabs"):
            with TabPane("Documents", id="documents"):
                yield DocumentsPane(id="documents-pane")
            # The hidden panes mount just after the first frame (Lazy), so the
            # documents list shows sooner.
            with TabPane("Appointments", id="appointments"):
                yield Lazy(AppointmentsPane(self.kiosk.practice.time_zone, id="appointments-pane"))
            with TabPane("Balance", id="balance"):
                yield Lazy(BalancePane(id="balance-pane"))
            with TabPane("Account", id="account"):
                yield Lazy(AccountPane(id="account-pane"))
            with TabPane("Forms", id="forms"):
                yield FormsPane(id="forms-pane")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        # Header buttons stay out of the Tab order: a client tabbing through a
        # list must not land on Log out and press Enter by accident. Keys
        # (Ctrl+L, F2) and the mouse still reach them.
        for button in self.query("#who Button"):
            button.can_focus = False
        self.show_who()
        self.load_charts()  # the first tab loads itself when TabbedContent activates it
        self.load("forms")  # the count on the tab, and where the client lands (land())

    def on_screen_resume(self) -> None:
        if self.form_opened:
            self.form_opened = False
            self.load("forms")  # back from a form: its new state, and the count

    # --- who is looking, at which chart ---------------------------------------------

    def viewer(self) -> ClientViewer | None:
        session = self.kiosk.session
        if session is None or session.chart_id is None:
            return None
        return ClientViewer(session.account_id, session.chart_id, self.kiosk.source)

    def load_charts(self) -> None:
        session = self.kiosk.session
        if session is not None:
            self.charts_worker(session.account_id)

    @db_worker("dashboard-charts")
    def charts_worker(self, account_id: int) -> None:
        self.post_message(self.Charts(chart_choices(account_id)))

    @on(Charts)
    def charts_loaded(self, event: Charts) -> None:
        self.choices = event.choices
        self.several_charts = len(event.choices) > 1
        self.show_who()

    def show_who(self) -> None:
        session = self.kiosk.session
        if session is None:
            return
        current = next((c for c in self.choices if c.chart_id == session.chart_id), None)
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
        """Fetch one pane's data for the current chart, in a worker."""
        viewer = self.viewer()
        if viewer is not None:
            self.load_worker(viewer, pane)

    @db_worker("dashboard-load", exclusive=False)
    def load_worker(self, viewer: ClientViewer, pane: str) -> None:
        try:
            data = load_pane(viewer, pane)
        except NotAllowed:
            data = None
        self.post_message(self.Loaded(viewer.chart_id, pane, data))

    def current(self, chart_id: int) -> bool:
        """Is this answer about the chart on screen now?"""
        session = self.kiosk.session
        return session is not None and session.chart_id == chart_id

    @on(Loaded)
    def loaded(self, event: Loaded) -> None:
        if not self.current(event.chart_id):
            return
        if event.data is None:
            self.not_available(event.pane)
            if event.pane == "forms":
                self.land(waiting=0)
        elif event.pane == "documents":
            self.query_one(DocumentsPane).show(event.data)
        elif event.pane == "appointments":
            self.query_one(AppointmentsPane).show(event.data)
        elif event.pane == "balance":
            self.query_one(BalancePane).show(event.data)
        elif event.pane == "account":
            self.query_one(AccountPane).show(*event.data)
        elif event.pane == "forms":
            self.show_forms(event.data)

    # --- forms ------------------------------------------------------------------------

    def show_forms(self, forms: FormsList) -> None:
        self.query_one(FormsPane).show(forms)
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.get_tab("forms").label = f"Forms ({forms.waiting})" if forms.waiting else "Forms"
        self.land(forms.waiting)

    def land(self, waiting: int) -> None:
        """The first focus, once the forms list says where: Forms if some are
        waiting, else the documents list. Not earlier: a focus given at mount
        reaches TabbedContent as a message (the pane holding the focused widget
        becomes active), which under load came after this and put the client
        back on Documents."""
        if self.landed:
            return
        self.landed = True
        if waiting:
            self.query_one(FormsTable).focus_when_shown()
            self.query_one("#tabs", TabbedContent).active = "forms"
        else:
            self.query_one("#documents-table").focus()

    def on_forms_pane_open(self, event: FormsPane.Open) -> None:
        event.stop()
        viewer = self.viewer()
        if viewer is None:
            return
        # The form's screen is pushed at once, so keys typed from now on reach
        # it; the draft is opened meanwhile, while the screen is composed.
        row = event.row
        kw: dict[str, Any] = dict(assignment_id=row.assignment_id, viewer=viewer, title=row.title, opened_by_caller=True)
        if row.kind == "questionnaire":
            screen = self.kiosk.make_screen("questionnaire", typed_ahead=event.typed_ahead, **kw)
        else:
            screen = self.kiosk.make_screen("form_page", **kw)
        self.form_opened = True
        self.kiosk.push_screen(screen)
        self.open_form_worker(screen, viewer, row.assignment_id)

    @db_worker("dashboard-open-form", exclusive=False)
    def open_form_worker(self, screen: Any, viewer: ClientViewer, assignment_id: int) -> None:
        from .forms.filling import opened

        screen.post_message(opened(viewer, assignment_id))

    def on_forms_pane_read(self, event: FormsPane.Read) -> None:
        """A completed form, read-only: read (and audited) first, then shown, as a document is."""
        event.stop()
        if event.row.response_id is not None:
            self.act("read_form", completed_form, event.row.response_id)

    def done_read_form(self, form: CompletedForm | None, error: Exception | None) -> None:
        if error is not None or form is None:
            self.query_one(FormsPane).say(NOT_AVAILABLE)
            return
        self.query_one(FormsPane).say("")
        self.kiosk.open("form_completed", completed=form)

    def not_available(self, pane: str) -> None:
        if pane == "documents":
            self.query_one(DocumentsPane).say(NOT_AVAILABLE)
        elif pane == "appointments":
            self.query_one(AppointmentsPane).say(error=NOT_AVAILABLE)
        elif pane == "balance":
            self.query_one(BalancePane).say(NOT_AVAILABLE)
        elif pane == "forms":
            self.query_one(FormsPane).say(NOT_AVAILABLE)

    def reload_all(self) -> None:
        self.load(self.query_one("#tabs", TabbedContent).active)

    # --- actions: one worker, the answer handled by its name ---------------------------

    def act(self, action: str, call: Callable[..., Any], *args: Any) -> None:
        """Run `call(viewer, *args)` in a worker; `done_<action>` gets the answer."""
        viewer = self.viewer()
        if viewer is not None:
            self.action_worker(viewer, action, call, *args)

    @db_worker("dashboard-action", exclusive=False)
    def action_worker(self, viewer: ClientViewer, action: str, call: Callable[..., Any], *args: Any) -> None:
        try:
            result = call(viewer, *args)
        except (DomainError, InvalidInput) as exc:
            self.post_message(self.Done(viewer.chart_id, action, error=exc))
        else:
            self.post_message(self.Done(viewer.chart_id, action, result))

    @on(Done)
    def done(self, event: Done) -> None:
        if self.current(event.chart_id):
            getattr(self, f"done_{event.action}")(event.result, event.error)

    # --- documents ------------------------------------------------------------------

    def on_documents_pane_open(self, event: DocumentsPane.Open) -> None:
        event.stop()
        self.open_document(event.document_id)

    def open_document(self, document_id: int) -> None:
        self.act("open", open_document, document_id)

    def done_open(self, doc: Any, error: Exception | None) -> None:
        if error is not None:
            self.query_one(DocumentsPane).say(NOT_AVAILABLE)
            return
        self.kiosk.open("document", callback=lambda _: self.load("documents"), document=doc)

    # --- appointments ----------------------------------------------------------------

    def on_appointments_pane_send(self, event: AppointmentsPane.Send) -> None:
        event.stop()
        if event.mode is None:
            self.query_one(AppointmentsPane).say(error="Choose how you'd like to meet: in person, phone or video.")
            return
        self.act("send", send_request, event.mode, event.date, event.time, event.reason)

    def done_send(self, _: Any, error: Exception | None) -> None:
        pane = self.query_one(AppointmentsPane)
        if error is not None:
            pane.say(error=NOT_AVAILABLE if isinstance(error, NotAllowed) else getattr(error, "message", NOT_AVAILABLE))
            return
        pane.clear_form()
        pane.say(notice=REQUEST_SENT)
        self.load("appointments")

    def on_appointments_pane_cancel(self, event: AppointmentsPane.Cancel) -> None:
        event.stop()
        pane = self.query_one(AppointmentsPane)
        request_id = event.request_id
        if request_id is None:
            pane.say(error="Choose a request in the list first.")
            return
        from .confirm import KioskConfirmScreen

        line = pane.requests.get(str(request_id))
        what = f"{line.mode}, {line.when}" if line is not None else "The selected request"
        question = KioskConfirmScreen(
            "Cancel this appointment request?",
            f"{what}. The practice sees that you cancelled it; to ask again, send a new request.",
            "Yes, cancel it",
            "Keep it",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.act("cancel", cancel_request, request_id)
            else:
                pane.say(notice="Nothing changed: the request stays.")

        self.app.push_screen(question, answered)

    def done_cancel(self, _: Any, error: Exception | None) -> None:
        pane = self.query_one(AppointmentsPane)
        if error is not None:
            pane.say(error=getattr(error, "message", NOT_AVAILABLE))
            return
        pane.say(notice=REQUEST_CANCELLED)
        self.load("appointments")

    # --- account ----------------------------------------------------------------------

    def on_account_pane_change_password(self, event: AccountPane.ChangePassword) -> None:
        event.stop()
        pane = self.query_one(AccountPane)
        if self.kiosk.session is None:
            return
        if not event.current or not event.new:
            pane.say(error="Type your current password, then the new one twice.")
            return
        pane.say()
        pane.set_busy(True)
        self.act("password", new_password, event.current, event.new, event.confirm)

    def done_password(self, _: Any, error: Exception | None) -> None:
        pane = self.query_one(AccountPane)
        pane.set_busy(False)
        if error is not None:
            pane.say(error=getattr(error, "message", ""))
            field = getattr(error, "field", "")
            if field == "current":
                pane.clear("current-password")
            elif field == "new":
                pane.clear("new-password", "confirm-password")
            return
        pane.clear()
        pane.say(notice=PASSWORD_CHANGED)
        self.load("account")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A failure that is not a refusal: the password form leaves its busy
        # state (the app says what happened).
        if event.state is WorkerState.ERROR and self.is_mounted:
            for pane in self.query(AccountPane):
                pane.set_busy(False)
        # (Textual runs KioskScreen's handler too, which tells the app.)

    # --- switching person, logging out -------------------------------------------------

    @on(Button.Pressed, "#logout")
    def action_logout(self) -> None:
        self.kiosk.log_out()

    @on(Button.Pressed, "#switch")
    def action_switch_person(self) -> None:
        if self.several_charts:
            self.kiosk.open("choose_chart", callback=self.switched)

    def switched(self, chart_id: int | None) -> None:
        if chart_id is not None:
            for pane in (DocumentsPane, AppointmentsPane, BalancePane, AccountPane, FormsPane):
                self.query_one(pane).blank()  # nothing of the other chart stays on screen
            self.show_who()
            self.reload_all()
            if self.query_one("#tabs", TabbedContent).active != "forms":
                self.load("forms")  # the count on the tab is the new person's
