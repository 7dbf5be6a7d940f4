"""The kiosk's state and rules, apart from its screens.

`KioskBase` holds the visit (session, idle timer, session poll, lock-down)
and the one way screens move: `go(name, **kw)` looks the screen up in
`SCREEN_TYPES`, which the assembled app (tui/kiosk/app.py) fills in. So
screens import this module, the app imports the screens, and no screen
imports another.

Every database call runs in a worker (tui/shared/workers.py); the practice's
name, phone and zone are read once, before the event loop runs.
"""
from __future__ import annotations

import asyncio
import math
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from models import clock
from models.config import KIOSK_SESSION_POLL_SECONDS, Settings
from models.practice import PracticeView, practice_view
from tui.shared.focus_keys import FOCUS_KEYS
from tui.shared.runtime import session_source
from tui.shared.warm_up import after_first_frame
from tui.shared.workers import WorkerErrors, db_worker

if TYPE_CHECKING:
    from models.auth import SessionStatus

    from .idle import IdleWarningScreen

IDLE_MESSAGE = "For your privacy you were signed out because the kiosk was not used for a while."
ENDED_MESSAGE = "Your session has ended. Please log in again, or ask the front desk if you need help."
LOGGED_OUT = "You are signed out. Thank you!"

# Keys that would leave, suspend or open a way out in an ordinary Textual app.
BLOCKED_KEYS = {
    "ctrl+c": "interrupt",
    "ctrl+q": "quit",
    "ctrl+z": "suspend",
    "ctrl+p": "palette",
    "ctrl+backslash": "sigquit",
}
ACTIVITY_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


def _auth():
    """models.auth, imported when first needed: nobody is signed in at start,
    and the Welcome screen should not wait for it (and argon2) to load."""
    from models import auth

    return auth


@dataclass
class KioskSession:
    """The signed-in client at this kiosk."""

    session_id: int
    account_id: int
    email: str
    chart_id: int | None = None


class KioskBase(WorkerErrors, App, inherit_bindings=False):
    # The first visit's mode is the one the app starts in, so the first
    # frame is the Welcome screen itself rather than a blank default screen
    # switched away from at once.
    DEFAULT_MODE = "visit-1"
    TITLE = "Client Portal"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        *(Binding(key, "stay", show=False, priority=True, id=f"kiosk.block.{name}") for key, name in BLOCKED_KEYS.items()),
        *FOCUS_KEYS,
    ]
    # name -> screen class; the assembled app fills this in (see the module docstring).
    SCREEN_TYPES: dict[str, Callable[..., Screen[Any]]] = {}
    # What a visit's next screens import, imported once the first frame is out
    # (tui/shared/warm_up.py); the assembled app names them.
    LATER_MODULES: tuple[str, ...] = ()

    class SessionChecked(Message):
        """A poll's answer: `status` is None when the database could not say."""

        def __init__(self, session_id: int, status: "SessionStatus | None") -> None:
            super().__init__()
            self.session_id = session_id
            self.status = status

    def __init__(
        self,
        code: str | None = None,
        *,
        settings: Settings | None = None,
        tick: float = 1.0,
        poll: float = KIOSK_SESSION_POLL_SECONDS,
        source: str | None = None,
        handle_hangup: bool = False,
        practice: PracticeView | None = None,
    ) -> None:
        super().__init__()
        if settings is None:
            from models import setup

            try:
                settings = setup.settings()
            except RuntimeError:
                settings = None
        # Read here, before the event loop runs (every screen's banner shows
        # the name, and the first frame must have it), then again in a worker
        # as each visit ends, so a renamed practice shows from the next visit.
        self.practice = practice or practice_view()
        self.idle_seconds = settings.kiosk_idle_seconds if settings else 120
        self.warning_seconds = settings.kiosk_warning_seconds if settings else 30
        self.source = source or session_source("kiosk")
        self.start_code = (code or "").strip()[:64] or None
        self.session: KioskSession | None = None
        self.last_activity = clock.now()
        self._tick_seconds = tick
        self._poll_seconds = poll
        self._visit = 1
        self.add_mode(self.DEFAULT_MODE, lambda: self.make_screen("welcome"))
        self._warning: IdleWarningScreen | None = None
        self._resetting = False
        self._handle_hangup = handle_hangup

    # --- moving between screens ---------------------------------------------------

    def make_screen(self, name: str, **kw: Any) -> Screen[Any]:
        return self.SCREEN_TYPES[name](**kw)

    def go(self, name: str, **kw: Any) -> None:
        """Replace the current screen with the screen called `name`."""
        self.switch_screen(self.make_screen(name, **kw))

    def open(self, name: str, callback: Callable[[Any], Any] | None = None, **kw: Any) -> None:
        """Push the screen called `name` over the current one."""
        self.push_screen(self.make_screen(name, **kw), callback=callback)

    # --- lock-down ------------------------------------------------------------

    def action_stay(self) -> None:
        """The no-op behind every blocked key."""

    async def action_quit(self) -> None:  # a markup link or stray binding must not quit
        return None

    def action_suspend_process(self) -> None:
        return None

    def action_command_palette(self) -> None:
        return None

    # --- start and visits -------------------------------------------------------

    async def on_mount(self) -> None:
        after_first_frame(self, Path(__file__).parent, self.LATER_MODULES)  # forms/ stylesheets too
        if self.start_code:
            await self.push_screen(self.make_screen("register", code=self.start_code))
        self.set_interval(self._tick_seconds, self.tick_idle, name="kiosk-idle")
        self.set_interval(self._poll_seconds, self.check_session, name="kiosk-session")
        if self._handle_hangup:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(signum, self.call_later, self.hang_up)

    @db_worker("kiosk-end-session", exclusive=False)
    def end_session_worker(self, session_id: int, reason: str) -> bool:
        """Ends the session in the database; False (logged by the caller) if it could not."""
        try:
            _auth().end_session(session_id, reason)
        except Exception:  # the screen is cleared even if the database is unwell
            return False
        return True

    @db_worker("kiosk-cleanup", exclusive=False)
    def in_db(self, call: Callable[..., Any], *args: Any) -> None:
        """Run a domain call that no screen waits for (a clean-up) off the loop."""
        call(*args)

    async def end_session(self, session_id: int, reason: str) -> None:
        """End a session off the loop, and wait for it without blocking the loop."""
        worker = self.end_session_worker(session_id, reason)
        try:
            ended = await worker.wait()
        except Exception:
            ended = False
        if not ended:
            self.log.error("could not end the session")

    @db_worker("kiosk-practice")
    def practice_worker(self) -> PracticeView | None:
        try:
            return practice_view()
        except Exception:  # keep the one we have: a visit must end even if the database is unwell
            return None

    async def _refresh_practice(self) -> None:
        try:
            fresh = await self.practice_worker().wait()
        except Exception:
            fresh = None
        if fresh is None:
            self.log.error("could not read the practice")
        else:
            self.practice = fresh

    async def keep_drafts(self) -> None:
        """Before a visit ends: every open form saves what was typed but not yet given."""
        for screen in list(self.screen_stack):
            keep = getattr(screen, "keep_draft", None)
            if keep is not None:
                try:
                    await keep()
                except Exception:  # the visit ends even if the database is unwell
                    self.log.error("could not keep a draft")

    async def hang_up(self) -> None:
        """The terminal went away (SSH disconnect, tty hang-up): end the session, then stop."""
        await self.keep_drafts()
        session, self.session = self.session, None
        if session is not None:
            await self.end_session(session.session_id, "disconnected")
        self.exit()

    def delay_update(self, delay: float = 0.05) -> None:
        """Mode switches hold painting briefly to mask the change; the first
        visit has nothing on screen to mask, so it paints at once."""
        if self._visit <= 1:
            return
        super().delay_update(delay)

    async def _new_visit(self, message: str) -> None:
        old = self.current_mode
        self._visit += 1
        mode = f"visit-{self._visit}"
        self.add_mode(mode, lambda: self.make_screen("welcome", message=message))
        self._warning = None
        await self.switch_mode(mode)
        await self.remove_mode(old)
        self.last_activity = clock.now()

    async def reset_to_welcome(self, message: str = LOGGED_OUT, *, end_reason: str = "logout") -> None:
        """End the session (if any), drop every screen, show a fresh Welcome."""
        if self._resetting:
            return
        self._resetting = True
        try:
            await self.keep_drafts()
            session, self.session = self.session, None
            if session is not None:
                await self.end_session(session.session_id, end_reason)
            await self._refresh_practice()
            await self._new_visit(message)
        finally:
            self._resetting = False

    def log_out(self, message: str = LOGGED_OUT) -> None:
        """For screens: end the visit once the current handler has returned."""
        self.call_later(self.reset_to_welcome, message)

    def sign_in(self, session: KioskSession) -> None:
        self.session = session
        self.last_activity = clock.now()

    # --- idle -------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY_EVENTS) and not getattr(event, "is_forwarded", False):
            self.last_activity = clock.now()
            if self._warning is not None and isinstance(event, events.Key):
                self.hide_idle_warning()
                return  # the key that wakes the kiosk does nothing else
            # a click reaches the warning itself, which closes it
        await super().on_event(event)

    def _idle_applies(self) -> bool:
        """Idle matters once someone has started something (signed in or left Welcome)."""
        return self.session is not None or len(self.screen_stack) > 1

    @property
    def idle_warning(self) -> IdleWarningScreen | None:
        return self._warning

    def on_idle_warning_screen_keep_going(self) -> None:
        self.hide_idle_warning()

    def hide_idle_warning(self) -> None:
        warning, self._warning = self._warning, None
        if warning is not None and warning.is_attached and self.screen is warning:
            warning.dismiss()

    async def tick_idle(self) -> None:
        if self._resetting:
            return
        if not self._idle_applies():
            self.hide_idle_warning()
            return
        idle = (clock.now() - self.last_activity).total_seconds()
        left = self.idle_seconds - idle
        if left <= 0:
            await self.reset_to_welcome(IDLE_MESSAGE, end_reason="idle")
        elif left <= self.warning_seconds:
            seconds = math.ceil(left)
            if self._warning is None:
                self._warning = self.make_screen("idle", seconds_left=seconds)  # type: ignore[assignment]
                await self.push_screen(self._warning)
            else:
                self._warning.seconds_left = seconds
        elif self._warning is not None:
            self.hide_idle_warning()

    # --- the session, checked every few seconds (in a worker) -----------------------

    def check_session(self) -> None:
        """A revoke, lockout or log-out elsewhere ends this session here too."""
        if self.session is None or self._resetting:
            return
        self.session_poll(self.session.session_id)

    @db_worker("kiosk-session")
    def session_poll(self, session_id: int) -> None:
        try:
            status = _auth().session_status(session_id)
        except Exception:
            status = None
        self.post_message(self.SessionChecked(session_id, status))

    @on(SessionChecked)
    async def session_checked(self, event: SessionChecked) -> None:
        if event.status is None:
            self.log.error("could not check the session")
            return
        session = self.session
        if session is None or session.session_id != event.session_id or self._resetting:
            return  # an answer about a visit that has ended meanwhile
        if not event.status.alive:
            await self.reset_to_welcome(ENDED_MESSAGE, end_reason=event.status.reason or "ended")
