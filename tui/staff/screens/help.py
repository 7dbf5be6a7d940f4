"""HelpScreen (F1 or ?): what the staff app does and the keys of the screen underneath."""
from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from models.staff_views import StaffView
from tui.shared.dimmed_modal import DimmedModal


def _may(permission: str) -> Callable[[StaffView | None], bool]:
    return lambda staff: staff is None or staff.may(permission)


def _always(staff: StaffView | None) -> bool:
    return True


# The guide in parts, each shown to whom it applies (models/roles.py):
# Help describes only what the signed-in role can do.
GUIDE: tuple[tuple[Callable[[StaffView | None], bool], str], ...] = (
    (_always, """\
Client list
  Type a name anywhere to search by last name, "first last", chart
  number or date of birth (MM/DD/YYYY); Enter opens the chart when it
  is the only match. F2 all charts, F3 invited, F4 expired invitations
  (the work queues). PgDn/PgUp turn pages. F5 work queue, F6 forms.
"""),
    (_may("new_chart"), """\
  Ctrl+N makes a new chart.
"""),
    (lambda staff: staff is not None and staff.own_charts_only, """\
  You find and open only the charts you are the clinician of.
"""),
    (_always, """\
Chart room
  The F-keys switch tabs (each tab's title shows its key); Esc goes
  back to the client list.
"""),
    (_may("assign_clinician"), """\
  Overview › Change clinician (L) chooses who sees the chart's
  clinical results.
"""),
    (_may("portal_access"), """\
  Communications › Client Portal shows the Chart Owner box; Ctrl+O
  (or the ⋮ button) opens its actions: Activate Client Portal Access,
  Resend Invite, Change Ownership, Revoke Access, Unlock Portal Login.
  Each asks you to confirm first (it opens on Cancel: Tab, then Enter
  to go ahead) and is recorded in the Activity tab.
"""),
    (_may("audit"), """\
Audit trail (F7 on the client list: administrators, and clinicians
  for their own charts)
  What happened, newest first, in words. Narrow it by chart, staff user,
  kind of action and days (MM/DD/YYYY); PgDn/PgUp turn pages; Ctrl+R
  clears the filters.
"""),
    (_always, """\
Invitations
  A code lasts 7 days. Resend, Change Ownership and Revoke make every
  earlier code stop working at once.
"""),
    (_always, """\
Everywhere
  Tab / Shift+Tab move between fields. Ctrl+L signs out, Ctrl+Q quits.
  F1 or ? shows this help; Esc closes it.
"""),
)


def guide(staff: StaffView | None) -> str:
    """The guide's parts for the signed-in staff member's role."""
    return "".join(text for applies, text in GUIDE if applies(staff))


class HelpScreen(DimmedModal[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,question_mark,q", "close", "Close help", id="help.close")]

    def __init__(self, keys: list[tuple[str, str]], staff: StaffView | None = None) -> None:
        super().__init__()
        self.keys = keys
        self.guide = guide(staff)

    def _keys(self) -> Text:
        text = Text()
        seen = set()
        for key, description in self.keys:
            if description in seen:
                continue
            seen.add(description)
            text.append(f"{key:>8}  ", style="bold")
            text.append(f"{description}\n")
        return text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Help", id="help-title")
            yield Static(self.guide, id="help-guide", markup=False)
            yield Static("Keys on this screen", classes="section-heading")
            yield Static(self._keys(), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
