"""An account with several charts (a parent of several children) picks whose portal to open."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.auth import select_chart
from models.errors import NotAllowed
from models.kiosk_views import ChartChoice, chart_choices
from tui.shared.runtime import plain
from tui.shared.workers import db_worker

from .base import KioskScreen, Note


class ChooseChartScreen(KioskScreen):
    """After log-in (`initial`), or from the dashboard to switch person (dismisses with the chart id)."""

    CSS_PATH = "choose_chart.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="choose.back"),
        Binding("ctrl+l", "logout", "Log out", id="choose.logout"),
    ]

    class Charts(Message):
        def __init__(self, choices: list[ChartChoice]) -> None:
            super().__init__()
            self.choices = choices

    class Chosen(Message):
        """select_chart's answer: `refusal` is the message to show, if it was refused."""

        def __init__(self, chart_id: int, refusal: str = "") -> None:
            super().__init__()
            self.chart_id = chart_id
            self.refusal = refusal

    def __init__(self, *, initial: bool = False) -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield self.banner("Choose a person")
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
        self.query_one("#charts", OptionList).focus()
        if session is not None:
            self.charts_worker(session.account_id)

    @db_worker("choose-charts")
    def charts_worker(self, account_id: int) -> None:
        self.post_message(self.Charts(chart_choices(account_id)))

    @on(Charts)
    def show_charts(self, event: Charts) -> None:
        session = self.kiosk.session
        options = self.query_one("#charts", OptionList)
        if session is None:
            return
        for choice in event.choices:
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
        self.choose_worker(session.session_id, int(event.option.id))

    @db_worker("choose-select")
    def choose_worker(self, session_id: int, chart_id: int) -> None:
        try:
            select_chart(session_id, chart_id)
        except NotAllowed as exc:
            self.post_message(self.Chosen(chart_id, exc.message))
        else:
            self.post_message(self.Chosen(chart_id))

    @on(Chosen)
    def chosen(self, event: Chosen) -> None:
        session = self.kiosk.session
        if session is None:
            return
        if event.refusal:
            self.query_one("#choose-error", Note).say(event.refusal)
            return
        session.chart_id = event.chart_id
        if self.initial:
            self.kiosk.go("dashboard")
        else:
            self.dismiss(event.chart_id)

    def action_cancel(self) -> None:
        if not self.initial:
            self.dismiss(None)

    def action_logout(self) -> None:
        self.kiosk.log_out()
