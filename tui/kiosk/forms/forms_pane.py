"""The dashboard's Forms pane: to do (due dates, overdue said in words), in
progress, completed. It shows what it is given and posts Open (fill a form
in) or Read (a completed one, read-only) up; the dashboard does the rest."""
from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from models.forms.client_views import FormRow, FormsList
from tui.shared.fitting_table import Column, FittingTable
from tui.shared.runtime import plain

from ..base import Note

STATES = {"to_do": "To do", "in_progress": "Started", "completed": "Done"}
# The title gives way to the status and the date (the form's own screen shows it whole):
# at 80 columns a form in progress and a completion date would push the date off the screen.
COLUMNS = (Column("Form", "form", min_width=16), Column("Status", "status", whole=True),
           Column("When", "when", whole=True))


class FormsTable(FittingTable):
    """Digits typed right after Enter, before the form's screen is up (a burst
    from a quick typist), are kept here and handed to that screen."""

    def __init__(self, **kwargs) -> None:
        super().__init__(*COLUMNS, cursor_type="row", zebra_stripes=True, **kwargs)
        self.typed_ahead: list[str] | None = None
        self._focus_when_shown = False

    def focus_when_shown(self) -> None:
        """Take the focus once on screen: a hidden table cannot, and the Hide
        of its first frame, handled late, would take it away again."""
        if self.display and self.is_mounted and self.region:
            self.focus()
        else:
            self._focus_when_shown = True

    def on_show(self) -> None:
        if self._focus_when_shown:
            self._focus_when_shown = False
            self.focus()

    def on_key(self, event: events.Key) -> None:
        # Enter's binding runs once the key has come back up to the app, after
        # this table has seen the keys typed behind it: start keeping them now.
        if event.key == "enter":
            self.typed_ahead = [] if self.row_count else None
        elif self.typed_ahead is not None and event.character and event.character.isdigit():
            event.stop()
            self.typed_ahead.append(event.character)


class FormsPane(VerticalScroll):
    DEFAULT_CSS = """
    FormsPane #forms-count {
        text-style: bold;
        margin: 1 0 0 0;
        height: auto;
    }
    """

    class Open(Message):
        def __init__(self, row: FormRow, typed_ahead: tuple[str, ...] = ()) -> None:
            super().__init__()
            self.row = row
            self.typed_ahead = typed_ahead

    class Read(Message):
        """A completed form chosen: to read it again as it was sent."""

        def __init__(self, row: FormRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: dict[str, FormRow] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="forms-count")
        yield Static("Choose a form and press Enter (or click) to fill it in, or to read one you completed. "
                     "Answers are saved as you go.", classes="hint")
        yield FormsTable(id="forms-table")
        yield Note("notice", id="forms-note")

    def show(self, forms: FormsList) -> None:
        self.rows = {}
        lines = []
        for row in (*forms.to_do, *forms.in_progress, *forms.completed):
            status = STATES.get(row.state, row.state)
            if row.progress:
                status = f"{status}: {row.progress}"
            when = Text(row.when, style="bold" if row.overdue else "")
            lines.append(((plain(" ".join((row.title or "").split())), status, when), str(row.assignment_id)))
            self.rows[str(row.assignment_id)] = row
        self.query_one("#forms-table", FormsTable).set_rows(lines)
        n = forms.waiting
        count = f"You have {n} form{'s' if n != 1 else ''} to complete." if n else "You have no forms to complete."
        self.query_one("#forms-count", Static).update(count)
        self.say("" if self.rows else "The practice has not sent you any forms.")

    def say(self, text: str) -> None:
        self.query_one("#forms-note", Note).say(text)

    def blank(self) -> None:
        self.rows = {}
        self.query_one("#forms-table", FormsTable).set_rows([])
        self.query_one("#forms-count", Static).update("")
        self.say("")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        table = self.query_one(FormsTable)
        typed_ahead, table.typed_ahead = tuple(table.typed_ahead or ()), None
        row = self.rows.get(event.row_key.value or "")
        if row is None:
            return
        if row.state == "completed":
            self.post_message(self.Read(row))
            return
        self.post_message(self.Open(row, typed_ahead))
