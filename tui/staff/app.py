"""StaffApp: sign in, find a chart, work its portal access.

The app holds who is signed in and where from; every staff action passes
`app.actor` to the domain so it lands in the audit trail. The session row
is polled every few seconds: ended elsewhere (lockout, sign-out, an
administrator) means back to the sign-in screen.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from models.config import STAFF_SESSION_POLL_SECONDS
from tui.textual_patches.first_frame import WholeFirstFrame
from tui.shared.focus_keys import FOCUS_KEYS
from tui.shared.runtime import session_source

from .screens.login import StaffLoginScreen

# The sign-in screen is all that shows at start; the rest (the client list
# with its tables, the domain's login and audit code) is imported when first
# used, so the first frame does not wait for it.
if TYPE_CHECKING:
    from models.audit import Actor
    from models.auth import LoginResult

    from .files import FileImport


class StaffApp(WholeFirstFrame, App):
    TITLE = "Client Portal · Staff"
    # The sign-in screen is the default screen, whose own CSS_PATH Textual does
    # not read, so the app loads it.
    CSS_PATH = ["app.tcss", "screens/login.tcss"]
    SESSION_POLL_SECONDS = STAFF_SESSION_POLL_SECONDS

    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="staff.help", key_display="F1"),
        Binding("ctrl+q", "quit", "Quit", id="staff.quit", priority=True),
        *FOCUS_KEYS,
    ]

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
        self.staff = None
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
        self.set_interval(self.SESSION_POLL_SECONDS, self.check_session, name="session-poll")
        if self._start_session is not None:
            self.signed_in(self._start_session)
            if self._start_chart is not None:
                from .screens.chart_room import ChartRoomScreen

                self.push_screen(ChartRoomScreen(self._start_chart))

    def signed_in(self, result: LoginResult) -> None:
        """Called by the sign-in screen with a successful LoginResult."""
        from models.staff_views import staff_user

        from .screens.clients import ClientListScreen

        self.session_id = result.session_id
        self.staff = staff_user(result.staff_id)
        self.sub_title = self.staff.full_name
        self.push_screen(ClientListScreen())

    def check_session(self) -> None:
        """Back to sign-in when the session row says it ended."""
        if self.session_id is None:
            return
        from models.auth import session_status

        status = session_status(self.session_id)
        if not status.alive:
            reason = {
                "lockout": "Your account was locked, so you were signed out.",
                "logout": "You were signed out.",
            }.get(status.reason, "Your session ended. Please sign in again.")
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
            from models.auth import end_session

            end_session(self.session_id, "logout")
        self.return_to_login("You signed out.")

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        under = self.screen
        keys = [
            (binding.key_display or self.get_key_display(binding), binding.description)
            for _, binding, enabled, _tip in under.active_bindings.values()
            if enabled and binding.show and binding.description and not binding.system
        ]
        self.push_screen(HelpScreen(keys))
