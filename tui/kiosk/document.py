"""A shared document, read in a scrollable viewer."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from models.kiosk_views import DocumentText
from tui.shared.runtime import plain

from .base import KioskScreen


class DocumentScreen(KioskScreen):
    CSS_PATH = "document.tcss"
    BINDINGS = [Binding("escape", "close", "Back to documents", id="document.back")]

    def __init__(self, document: DocumentText) -> None:
        super().__init__()
        self.document = document

    def compose(self) -> ComposeResult:
        yield self.banner("Document")
        yield Static(plain(self.document.title, "bold"), id="doc-title")
        yield Static(f"Shared {self.document.shared}. Use the arrow keys or Page Up/Down to read.", classes="hint", id="doc-shared")
        with VerticalScroll(id="doc-body"):
            yield Static(plain(self.document.body), id="doc-text")
        with Horizontal(classes="buttons"):
            yield Button("Back to documents", id="close", variant="primary")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#doc-body").focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
