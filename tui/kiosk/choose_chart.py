"""An account with several charts (a parent of several children) picks whose portal to open."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.auth import select_chart
from models.errors import NotAllowed
from models.kiosk_views import chart_choices
from tui.shared.runtime import plain

from .base import Banner, KioskScreen, Note


class ChooseChartScreen(KioskScreen):
    """After log-in (`initial`), or from the dashboard to switch person (dismisses with the chart id)."""

    CSS_PATH = "choose_chart.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="choose.back"),
        Binding("ctrl+l", "logout", "Log out", id="choose.logout"),
    ]

    def __init__(self, *, initial: bool = False) -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield Banner("Choose a person")
        with Vertical(id="choose-box"):
            yield Static("Whose portal do you want to open?", classes="title")
            yield Static("Use the arrow keys and Enter, or click a name.", classes="hint")
            yield OptionList(id="charts")
            yield Note(id="choose-error")
        yield from self.compose_footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel" and self.initial:
            return False
        return True

    def on_mount(self) -> None:
        session = self.kiosk.session
        options = self.query_one("#charts", OptionList)
        if session is None:
            return
        for choice in chart_choices(session.account_id):
            prompt = plain(choice.name, "bold")
            prompt.append(Text(f"   born {choice.born}"))
            options.add_option(Option(prompt, id=str(choice.chart_id)))
            if choice.chart_id == session.chart_id:
                options.highlighted = options.option_count - 1
        if options.highlighted is None and options.option_count:
            options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        session = self.kiosk.session
        if session is None or event.option.id is None:
            return
        chart_id = int(event.option.id)
        try:
            select_chart(session.session_id, chart_id)
        except NotAllowed as exc:
            self.query_one("#choose-error", Note).say(exc.message)
            return
        session.chart_id = chart_id
        if self.initial:
            from .dashboard import DashboardScreen

            self.app.switch_screen(DashboardScreen())
        else:
            self.dismiss(chart_id)

    def action_cancel(self) -> None:
        if not self.initial:
            self.dismiss(None)

    def action_logout(self) -> None:
        self.kiosk.log_out()
