"""HelpScreen (F1 or ?): what the staff app does and the keys of the screen underneath."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GUIDE = """\
Client list   Type to search by last name, "first last", chart number or
              date of birth (MM/DD/YYYY). Enter opens the chart.
              F2 all charts, F3 invited, F4 expired invitations (work queues).
              PgDn/PgUp (or n/p) page through results. Ctrl+N new chart.
Chart room    F2–F7 switch tabs; Esc goes back to the client list.
              Communications › Client Portal shows the Chart Owner box.
              Ctrl+O (or the ⋮ button) opens the owner actions:
                Activate Client Portal Access · Resend Invite ·
                Change Ownership · Revoke Access
              Each asks you to confirm and is recorded in the Activity tab.
Invitations   A code lasts 7 days. Resend, Change Ownership and Revoke make
              every earlier code stop working at once.
Everywhere    Tab / Shift+Tab move between fields. Ctrl+L signs out.
              Ctrl+Q quits. F1 or ? shows this help; Esc closes it.
"""


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close help", id="help.close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def _keys(self) -> Text:
        text = Text()
        seen = set()
        for _, binding, enabled, _tooltip in self.under.active_bindings.values():
            if not binding.description or binding.description in seen or binding.system:
                continue
            seen.add(binding.description)
            key = binding.key_display or self.app.get_key_display(binding)
            text.append(f"{key:>10}  ", style="bold")
            text.append(f"{binding.description}\n")
        return text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Help", id="help-title")
            yield Static(GUIDE, id="help-guide", markup=False)
            yield Static("Keys on this screen", classes="section-heading")
            yield Static(self._keys(), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
