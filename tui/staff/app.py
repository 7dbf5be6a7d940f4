"""StaffApp: sign in, find a chart, work its portal access.

The app holds who is signed in and where from; every staff action passes
`app.actor` to the domain so it lands in the audit trail. The session row
is polled every few seconds, in a worker: ended elsewhere (lockout,
sign-out, an administrator) means back to the sign-in screen. A worker that
fails is shown in one place (WorkerErrors).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from models.config import STAFF_SESSION_POLL_SECONDS
from tui.shared.key_hints import KeysAsPrinted
from tui.shared.focus_keys import FOCUS_KEYS
from tui.shared.runtime import session_source
from tui.shared.warm_up import after_first_frame
from tui.shared.workers import WorkerErrors, db_worker

from .screens.login import StaffLoginScreen

# The sign-in screen is all that shows at start; the rest (the client list
# with its tables, the domain's login and audit code) is imported in a thread
# once the sign-in is on screen (tui/shared/warm_up.py), so neither the first
# frame nor the first sign-in waits for it.
LATER_MODULES = (
    "models.auth",
    "tui.staff.screens.clients",
    "tui.staff.screens.chart_room",
    "tui.staff.screens.modals",
)

if TYPE_CHECKING:
    from models.audit import Actor
    from models.auth import LoginResult
    from models.staff_views import StaffView

    from .files import FileImport


class StaffApp(KeysAsPrinted, WorkerErrors, App):
    TITLE = "Client Portal · Staff"
    # The sign-in screen is the default screen, whose own CSS_PATH Textual does
    # not read, so the app loads it.
    CSS_PATH = ["app.tcss", "screens/login.tcss"]
    SESSION_POLL_SECONDS = STAFF_SESSION_POLL_SECONDS

    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="staff.help", key_display="F1"),
        Binding("ctrl+q", "quit", "Quit", id="staff.quit", priority=True),
        Binding("f9", "staff_users", "Staff", id="staff.users"),
        *FOCUS_KEYS,
    ]

    class SignedIn(Message):
        """A sign-in succeeded and the staff member's name is read."""

        def __init__(self, result: LoginResult, staff: StaffView) -> None:
            super().__init__()
            self.result = result
            self.staff = staff

    class SessionEnded(Message):
        """The session poll found the session ended elsewhere."""

        def __init__(self, session_id: int, reason: str) -> None:
            super().__init__()
            self.session_id = session_id
            self.reason = reason

    def __init__(
        self,
        *,
        source: str | None = None,
        session: LoginResult | None = None,
        open_chart: int | None = None,
        file_import: FileImport | None = None,
    ) -> None:
        """`file_import`: where the Documents tab may load files from. None (the
        default, and always through a door) means it opens no file at all;
        only `portal staff` at the workstation passes one (tui.staff.files)."""
        super().__init__()
        self.source = source or session_source("workstation")
        self.session_id: int | None = None
        self.staff: StaffView | None = None
        self._start_session = session
        self._start_chart = open_chart
        self.file_import = file_import

    # --- who is signed in -------------------------------------------------

    @property
    def actor(self) -> Actor:
        if self.staff is None:
            raise RuntimeError("No one is signed in.")
        from models.audit import Actor

        return Actor("staff", self.staff.username, self.source)

    def get_default_screen(self) -> StaffLoginScreen:
        return StaffLoginScreen()

    def on_mount(self) -> None:
        after_first_frame(self, Path(__file__).parent, LATER_MODULES)
        self.set_interval(self.SESSION_POLL_SECONDS, self.check_session, name="session-poll")
        if self._start_session is not None:
            self.read_staff(self._start_session)

    @db_worker("staff-signed-in")
    def read_staff(self, result: LoginResult) -> None:
        """The name of who signed in (a sign-in given at start, e.g. by `portal staff --open`)."""
        from models.staff_views import staff_user

        self.post_message(self.SignedIn(result, staff_user(result.staff_id)))

    @on(SignedIn)
    def _on_signed_in(self, event: SignedIn) -> None:
        self.signed_in(event.result, event.staff)
        if self._start_chart is not None:
            from .screens.chart_room import ChartRoomScreen

            chart, self._start_chart = self._start_chart, None
            self.push_screen(ChartRoomScreen(chart))

    def signed_in(self, result: LoginResult, staff: StaffView) -> None:
        """Called with a successful LoginResult and the staff member it names."""
        from .screens.clients import ClientListScreen

        self.session_id = result.session_id
        self.staff = staff
        self.sub_title = staff.full_name
        self.refresh_bindings()  # an admin's keys (F9 Staff) show
        if result.must_change_password:
            from .screens.new_password import NewPasswordScreen

            def chosen(saved: bool | None) -> None:
                if saved:
                    self.push_screen(ClientListScreen())
                else:
                    self.action_sign_out()

            self.push_screen(NewPasswordScreen(staff.id), chosen)
            return
        self.push_screen(ClientListScreen())

    def check_session(self) -> None:
        """Every few seconds: ask a worker whether the session still stands."""
        if self.session_id is not None:
            self.poll_session(self.session_id)

    @db_worker("session-poll")
    def poll_session(self, session_id: int) -> None:
        from models.auth import session_status

        status = session_status(session_id)
        if not status.alive:
            self.post_message(self.SessionEnded(session_id, status.reason))

    @on(SessionEnded)
    def _on_session_ended(self, event: SessionEnded) -> None:
        """Back to sign-in when the session row says it ended."""
        if event.session_id != self.session_id:
            return  # an answer about a session that is already over here
        reason = {
            "lockout": "Your account was locked, so you were signed out.",
            "deactivated": "Your account was deactivated, so you were signed out.",
            "role_changed": "An administrator changed your role. Sign in again to continue.",
            "logout": "You were signed out.",
        }.get(event.reason, "Your session ended. Please sign in again.")
        self.return_to_login(reason)

    def return_to_login(self, message: str = "") -> None:
        self.session_id = None
        self.staff = None
        self.sub_title = ""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        login = self.screen_stack[0]
        if isinstance(login, StaffLoginScreen):
            login.reset(message)

    # --- actions ------------------------------------------------------------

    def action_sign_out(self) -> None:
        if self.session_id is not None:
            self.end_session(self.session_id)
        self.return_to_login("You signed out.")

    @db_worker("sign-out", exclusive=False)
    def end_session(self, session_id: int) -> None:
        from models.auth import end_session

        end_session(session_id, "logout")

    def may(self, permission: str) -> bool:
        """Whether the signed-in role may use `permission` at all (models/roles.py
        decides per chart): what the screens offer, and Help describes."""
        return self.staff is not None and self.staff.may(permission)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "staff_users":   # admins only (models/staff_accounts.py refuses anyone else)
            return self.may("staff_admin")
        return True

    def action_staff_users(self) -> None:
        from .screens.staff_users import StaffUsersScreen

        if not isinstance(self.screen, StaffUsersScreen):
            self.push_screen(StaffUsersScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        under = self.screen
        keys = [
            (binding.key_display or self.get_key_display(binding), binding.description)
            for _, binding, enabled, _tip in under.active_bindings.values()
            # Also the portal's own keys the footer leaves out (F2-F7 are in the tab titles);
            # Textual's widgets' hidden keys (they have no id) stay out.
            if enabled and binding.description and not binding.system and (binding.show or binding.id)
        ]
        self.push_screen(HelpScreen(keys, self.staff))
