"""ChooseClinicianScreen: who is the chart's clinician (models/roles.py: they,
and administrators, see its clinical results; a clinician finds only their
own charts)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from models.staff_views import ClinicianChoice
from tui.shared.dimmed_modal import DimmedModal
from tui.shared.runtime import plain

from ..widgets.overview import clinician_words

NONE = "none"  # the option for "no clinician"


class ChooseClinicianScreen(DimmedModal[ClinicianChoice | str | None]):
    """A picker of the active clinicians (administrators after them) and "No
    clinician"; dismisses with the choice, NONE, or None when cancelled."""

    CSS_PATH = "modals.tcss"
    DEFAULT_CSS = """
    ChooseClinicianScreen { align: center middle; }
    ChooseClinicianScreen #clinicians { height: auto; max-height: 12; margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose_clinician.cancel")]

    def __init__(self, chart_name: str, choices: tuple[ClinicianChoice, ...], current: ClinicianChoice | None) -> None:
        super().__init__()
        self.chart_name = chart_name
        self.choices = choices
        self.current = current

    def _prompt(self, choice: ClinicianChoice | None) -> str:
        words = clinician_words(choice) if choice else "No clinician"
        now = self.current.staff_id if self.current else None
        return words + (" (now)" if (choice.staff_id if choice else None) == now else "")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(f"Clinician of {self.chart_name}"), id="dialog-title")
            yield Static("The chart's clinician sees its clinical results, and finds the chart in their list.",
                         classes="dialog-hint")
            yield OptionList(
                *(Option(plain(self._prompt(c)), id=str(c.staff_id)) for c in self.choices),
                Option(self._prompt(None), id=NONE),
                id="clinicians",
            )
            with Horizontal(classes="dialog-actions"):
                yield Button("Choose", id="confirm", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#clinicians", OptionList)
        now = str(self.current.staff_id) if self.current else NONE
        options.highlighted = next((i for i, o in enumerate(options.options) if o.id == now), 0)
        options.focus()

    def _chosen(self, option_id: str | None) -> ClinicianChoice | str | None:
        if option_id == NONE:
            return NONE
        return next((c for c in self.choices if str(c.staff_id) == option_id), None)

    @on(OptionList.OptionSelected, "#clinicians")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._chosen(event.option.id))

    @on(Button.Pressed, "#confirm")
    def _confirmed(self) -> None:
        option = self.query_one("#clinicians", OptionList).highlighted_option
        if option is not None:
            self.dismiss(self._chosen(option.id))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
