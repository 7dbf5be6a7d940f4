"""Builders for the kiosk's forms tests: a registered owner with forms sent."""
from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable

from models.audit import SYSTEM
from models.forms.assignments import send_forms, send_package
from models.forms.library import sync_builtin_forms
from models.forms.responses import response_for_staff
from models.tables import FormResponse

from tui.kiosk.app import KioskApp

from .helpers import STAFF, log_in, registered_chart, settle


def kiosk(portal) -> KioskApp:
    """The kiosk for the forms tests: the idle clock ticks fast; the session
    poll (tested elsewhere) stays out of the way of these long paths, where
    a poll overtaken by the next one under load would end `settle` early."""
    return KioskApp(settings=portal, tick=0.1, poll=60, source="kiosk")


def chart_with_forms(*keys: str, package: str = "", **kw):
    """A registered owner's chart with forms sent: (client, email, assignment ids)."""
    client, email = registered_chart(**kw)
    sync_builtin_forms()
    if package:
        sent = send_package(STAFF, client.id, package)
    else:
        sent = send_forms(STAFF, client.id, list(keys))
    return client, email, list(sent.assignment_ids)


async def open_form_row(pilot: Pilot, title: str) -> None:
    """On the dashboard's Forms pane, open the first form whose title starts with `title`."""
    await settle(pilot)  # the pane's list arrives from a worker and then takes the focus
    table = pilot.app.screen.query_one("#forms-table", DataTable)
    rows = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
    assert table.has_focus  # on landing, and back from a form
    table.move_cursor(row=next(n for n, r in enumerate(rows) if r.startswith(title)))
    await pilot.press("enter")
    await settle(pilot)


async def sign_in_to_forms(pilot: Pilot, email: str) -> None:
    await log_in(pilot, email)
    await settle(pilot)


def staff_view(assignment_id: int):
    response = FormResponse.get((FormResponse.assignment == assignment_id) & (FormResponse.status == "submitted"))
    return response_for_staff(SYSTEM, response.id)  # what the practice sees (clinical results: roles aside)


def choices_text(app, selector: str) -> str:
    """The lines of a Choices list as the client reads them ("(•) Yes", "[ ] I agree")."""
    choices = app.screen.query_one(selector)
    return "\n".join(str(choices.get_option_at_index(n).prompt) for n in range(choices.option_count))
