"""Submitting a form, once: the review page (no signature) and the signature step share it.

The submit runs in a worker; while it runs the button is off and a second
Enter does nothing (and the domain makes one response of two submits
anyway). The screen dismisses with ("submitted", response id), or
("stopped", refusal) when the chart is no longer the client's.
"""
from __future__ import annotations

from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import Button

from models.errors import DomainError, NotAllowed
from models.forms.responses import Signature, submit
from models.records import ClientViewer
from models.text import InvalidInput
from tui.shared.workers import db_worker

from ..base import KioskScreen, Note

SUBMITTING = "Sending your answers… please wait."


class Submits(KioskScreen):
    SUBMIT_BUTTON = "submit"
    SUBMIT_NOTE = "submit-note"

    class Submitted(Message):
        def __init__(self, response_id: int | None, error: Exception | None = None) -> None:
            super().__init__()
            self.response_id = response_id
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.submitting = False

    def submit_form(self, viewer: ClientViewer, assignment_id: int, signature: Signature | None) -> None:
        if self.submitting:
            return
        self.submitting = True
        self.query_one(f"#{self.SUBMIT_BUTTON}", Button).disabled = True
        self.query_one(f"#{self.SUBMIT_NOTE}", Note).say(SUBMITTING)
        self.submit_worker(viewer, assignment_id, signature)

    @db_worker("form-submit")
    def submit_worker(self, viewer: ClientViewer, assignment_id: int, signature: Signature | None) -> None:
        try:
            self.post_message(self.Submitted(submit(viewer, assignment_id, signature)))
        except (DomainError, InvalidInput) as exc:
            self.post_message(self.Submitted(None, exc))

    @on(Submitted)
    def _submitted(self, event: Submitted) -> None:
        if event.response_id is not None:
            self.dismiss(("submitted", event.response_id))
            return
        self.submitting = False
        self.query_one(f"#{self.SUBMIT_BUTTON}", Button).disabled = False
        error: Any = event.error
        if isinstance(error, NotAllowed):
            self.dismiss(("stopped", error))
            return
        self.query_one(f"#{self.SUBMIT_NOTE}", Note).say(getattr(error, "message", str(error)))
        self.refused(error)

    def refused(self, error: Exception) -> None:
        """A refusal the client can put right (a missing answer, the signature)."""

    def on_worker_state_changed(self, event) -> None:
        # A failure that is not a refusal: the button comes back (the app says what happened).
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR and self.is_mounted and self.submitting:
            self.submitting = False
            self.query_one(f"#{self.SUBMIT_BUTTON}", Button).disabled = False
            self.query_one(f"#{self.SUBMIT_NOTE}", Note).say("")
