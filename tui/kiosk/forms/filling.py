"""What the two ways of filling a form in share (a questionnaire's one item to
a screen, a form's one page): opening the draft, saving each answer as it
is given, the review, and stopping when the chart is no longer the client's.

Saves run one at a time, in the order given (a burst of digit keys answers
items 1, 2, 3 in that order, and a later answer to the same question is
never overwritten by an earlier one). The review waits for them. What is
not saved yet when the visit ends (an idle log-out, a hang-up) is saved
before the session ends (`keep_draft`, called by the app).
"""
from __future__ import annotations

from collections import deque
from typing import Any, Callable

from textual import on
from textual.message import Message

from models.errors import DomainError, NotAllowed
from models.forms.client_views import keep_answers
from models.forms.responses import FormSession, Saved, open_form, save_answer
from models.records import ClientViewer
from models.text import InvalidInput
from tui.shared.workers import db_worker

from ..base import KioskScreen

STOPPED = (
    "This form can no longer be filled in from this account, so you were signed out. "
    "What you answered is kept for the practice. Please ask the front desk."
)


def opened(viewer: ClientViewer, assignment_id: int) -> "FillingScreen.Opened":
    """In a worker: open (or resume) the draft; the answer for the screen."""
    try:
        return FillingScreen.Opened(open_form(viewer, assignment_id))
    except DomainError as exc:
        return FillingScreen.Opened(None, exc)


class FillingScreen(KioskScreen):
    """Subclasses draw the form (`show_session`), move to a question (`go_to`)
    and say what is typed but not given yet (`unsaved`).

    The draft is opened by `opened()` in a worker: the screen's own, or, with
    `opened_by_caller`, the caller's, started as the screen is pushed, so the
    database works while the screen is composed.
    """

    class Opened(Message):
        def __init__(self, session: FormSession | None, refusal: DomainError | None = None) -> None:
            super().__init__()
            self.session = session
            self.refusal = refusal

    class SaveAnswered(Message):
        def __init__(self, question_id: str, saved: Saved | None = None, reason: str = "",
                     refusal: DomainError | None = None) -> None:
            super().__init__()
            self.question_id = question_id
            self.saved = saved
            self.reason = reason            # the answer was not valid: why, for the client
            self.refusal = refusal          # the form was stopped (revoked owner, withdrawn form)

    def __init__(self, assignment_id: int, viewer: ClientViewer, *, opened_by_caller: bool = False) -> None:
        super().__init__()
        self.opened_by_caller = opened_by_caller
        self.assignment_id = assignment_id
        self.viewer = viewer
        self.session: FormSession | None = None
        self.answers: dict[str, Any] = {}
        self._queue: deque[tuple[str, Any]] = deque()
        self._saving = False
        self._then: list[Callable[[], None]] = []
        self._stopped = False

    # --- opening ------------------------------------------------------------------

    def on_mount(self) -> None:
        if not self.opened_by_caller:
            self.open_worker(self.viewer, self.assignment_id)

    @db_worker("form-open")
    def open_worker(self, viewer: ClientViewer, assignment_id: int) -> None:
        self.post_message(opened(viewer, assignment_id))

    @on(Opened)
    def _opened(self, event: Opened) -> None:
        if event.session is None:
            self.stop(event.refusal)
            return
        self.session = event.session
        self.answers = dict(event.session.answers)
        self.show_session(event.session)

    def show_session(self, session: FormSession) -> None:
        raise NotImplementedError

    def go_to(self, question_id: str) -> None:
        raise NotImplementedError

    def unsaved(self) -> list[tuple[str, Any]]:
        """Answers typed but not given yet (a field still being typed in)."""
        return []

    # --- saving, one at a time ------------------------------------------------------

    def save(self, question_id: str, value: Any) -> None:
        self._queue.append((question_id, value))
        # The worker starts once the screen has been drawn: the next item is
        # on the client's screen before the save competes with it for the CPU.
        self.call_after_refresh(self._next)

    def when_saved(self, then: Callable[[], None]) -> None:
        """Call `then` once every answer given so far is saved."""
        self._then.append(then)
        self._next()

    def _next(self) -> None:
        if self._saving or self._stopped:
            return
        if self._queue:
            question_id, value = self._queue.popleft()
            self._saving = True
            self.save_worker(self.viewer, self.assignment_id, question_id, value)
            return
        then, self._then = self._then, []
        for call in then:
            call()

    @db_worker("form-save", exclusive=False)
    def save_worker(self, viewer: ClientViewer, assignment_id: int, question_id: str, value: Any) -> None:
        try:
            saved = save_answer(viewer, assignment_id, question_id, value)
        except InvalidInput as exc:
            self.post_message(self.SaveAnswered(question_id, reason=exc.message))
        except DomainError as exc:
            self.post_message(self.SaveAnswered(question_id, refusal=exc))
        else:
            self.post_message(self.SaveAnswered(question_id, saved))

    @on(SaveAnswered)
    def _save_answered(self, event: SaveAnswered) -> None:
        self._saving = False
        if event.refusal is not None:
            self.stop(event.refusal)
            return
        if event.reason:
            self._then.clear()  # the review waits until the answer is put right
        self.answer_checked(event.question_id, event.saved, event.reason)
        self._next()

    def answer_checked(self, question_id: str, saved: Saved | None, reason: str) -> None:
        """An answer was saved (`saved`) or refused with `reason`."""

    def _left(self) -> tuple[tuple[str, Any], ...]:
        left = () if self._stopped else (*self._queue, *self.unsaved())
        self._queue.clear()
        return tuple(left)

    async def keep_draft(self) -> None:
        """The visit is ending (idle, log-out, hang-up): save what is left, and wait for it."""
        left = self._left()
        if left:
            await self.kiosk.in_db(keep_answers, self.viewer, self.assignment_id, left).wait()

    def on_unmount(self) -> None:
        left = self._left()  # closed some other way: saved by the app, which outlives the screen
        if left:
            self.kiosk.in_db(keep_answers, self.viewer, self.assignment_id, left)

    # --- stopping -------------------------------------------------------------------

    def stop(self, refusal: DomainError | None) -> None:
        """The domain refused the form: not the client's chart any more, or withdrawn."""
        if self._stopped:
            return
        self._stopped = True
        self._queue.clear()
        self._then.clear()
        if isinstance(refusal, NotAllowed):
            self.kiosk.log_out(STOPPED)
            return
        self.notify(refusal.message if refusal else STOPPED, title="Form closed", severity="warning", markup=False)
        self.dismiss(None)

    # --- review, sign, thank you ---------------------------------------------------------

    def action_review(self) -> None:
        if self.session is None or self._stopped:
            return
        self.when_saved(self._open_review)

    def _open_review(self) -> None:
        session = self.session
        if session is None or not self.is_live() or self.app.screen is not self:
            return
        self.kiosk.open("form_review", callback=self.reviewed, session=session, viewer=self.viewer)

    def reviewed(self, result: tuple[str, Any] | None) -> None:
        if result is None:
            return
        what, detail = result
        if what == "change":
            self.go_to(detail)
        elif what == "submitted" and self.session is not None:
            self._stopped = True  # nothing left to save
            self.kiosk.go("form_thanks", title=self.session.title)
        elif what == "stopped":
            self.stop(detail)

    def action_leave(self) -> None:
        """Back to the list: every answer given is saved (or being saved)."""
        for question_id, value in self.unsaved():
            self.save(question_id, value)
        self.dismiss(None)
