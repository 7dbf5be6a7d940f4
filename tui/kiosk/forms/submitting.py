"""Submitting a form, once: the review page (no signature) and the signature step share it.

It is the kiosk's form scaffold (KioskForm): the submit runs in a worker,
and while it runs the buttons are off, so a second Enter does nothing (the
domain makes one response of two submits anyway). The screen dismisses with
("submitted", response id), or ("stopped", refusal) when the chart is no
longer the client's.
"""
from __future__ import annotations

from models.errors import NotAllowed
from models.forms.responses import Signature, submit
from models.records import ClientViewer

from ..base import KioskForm, Note


class Submits(KioskForm):
    BUSY_TEXT = "Sending your answers… please wait."
    STEPS = {"submit": ("submit-note", ("submit", "back"))}

    def submit_form(self, viewer: ClientViewer, assignment_id: int, signature: Signature | None) -> None:
        if not self.busy:
            self.send("submit", submit, viewer, assignment_id, signature)

    def answered_submit(self, response_id: int) -> None:
        self.dismiss(("submitted", response_id))

    def refused_submit(self, error: Exception) -> None:
        if isinstance(error, NotAllowed):
            self.dismiss(("stopped", error))
            return
        self.query_one("#submit-note", Note).say(getattr(error, "message", str(error)))
        self.refused(error)

    def refused(self, error: Exception) -> None:
        """A refusal the client can put right (a missing answer, the signature)."""
