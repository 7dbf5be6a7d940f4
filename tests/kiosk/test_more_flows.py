"""Forgot password, changing the password, cancelling a request, busy state, plain text."""
from __future__ import annotations

import datetime as dt
import threading

from textual.widgets import Button, ContentSwitcher, DataTable, TabbedContent

from models import auth
from models.auth import RESET_BAD_CODE
from models.practice import update_practice
from models.records import ClientViewer, request_appointment
from models.tables import AppointmentRequest, OutboxMessage, PortalAccount
from tests.bursts import burst
from tui.kiosk import login as login_screen
from tui.kiosk.confirm import KioskConfirmScreen
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.forgot_password import DONE, SENT, ForgotPasswordScreen
from tui.kiosk.login import LoginScreen

from .helpers import PASSWORD, fill, kiosk, last_code, log_in, note, registered_chart, settle, share

NEW_PASSWORD = "purple monkey dishwasher lamp"


async def test_forgot_password_gives_one_answer_then_resets_with_the_emailed_code(portal):
    client, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#forgot")
        await pilot.pause()
        assert isinstance(app.screen, ForgotPasswordScreen)
        answers = []
        for last_name in ("Nobody", "Rivera"):  # a wrong and a right match look the same
            fill(app, reset_email=email, reset_last_name=last_name, reset_dob="04/13/2001")
            # Enter in the last field: a button ignores clicks for 0.2 s after a press.
            app.screen.query_one("#reset-dob").focus()
            await pilot.press("enter")
            await settle(pilot)
            answers.append(note(app, "sent"))
            await pilot.press("escape")
            await pilot.pause()
        assert answers == [SENT, SENT]
        assert OutboxMessage.select().where(OutboxMessage.kind == "password_reset").count() == 1
        await pilot.click("#have-code")
        await pilot.pause()
        assert app.screen.query_one("#steps", ContentSwitcher).current == "step-reset"

        fill(app, reset_code="ABCD-EFGH-JKMN-PQRS", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
        await pilot.click("#set-password")
        await settle(pilot)
        assert note(app, "reset-error") == RESET_BAD_CODE

        fill(app, reset_code=last_code("password_reset"), new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
        await pilot.click("#set-password")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#email").value == email
        assert note(app, "notice") == DONE
        await log_in(pilot, email, NEW_PASSWORD)
        assert isinstance(app.screen, DashboardScreen)


async def test_login_shows_a_busy_state_and_one_generic_failure(portal, monkeypatch):
    client, email = registered_chart()
    release = threading.Event()

    def slow_login(*args, **kwargs):
        release.wait(5)
        return auth.client_login(*args, **kwargs)

    monkeypatch.setattr(login_screen, "client_login", slow_login)
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#login")
        await pilot.pause()
        fill(app, email="nobody@example.com", password="whatever it is")
        await pilot.click("#login")
        await pilot.pause()
        assert app.screen.query_one("#login", Button).disabled
        assert "please wait" in note(app, "busy")
        release.set()
        await settle(pilot)
        unknown = note(app, "error")
        assert not app.screen.query_one("#login", Button).disabled
        assert app.screen.query_one("#email").value == "nobody@example.com"
        assert app.screen.query_one("#password").value == ""

        fill(app, email=email, password="not the password at all")
        await pilot.click("#login")
        await settle(pilot)
        assert note(app, "error") == unknown == auth.LOGIN_FAILED


async def test_change_password_and_cancel_a_request_from_the_dashboard(portal, clock):
    client, email = registered_chart()
    account = PortalAccount.get(PortalAccount.email == email)
    request_appointment(
        ClientViewer(account.id, client.id), mode="phone", preferred_at=clock.now() + dt.timedelta(days=2), reason="Check-in"
    )
    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await log_in(pilot, email)
        tabs = app.screen.query_one(TabbedContent)

        tabs.active = "appointments"
        await settle(pilot)
        assert "Check-in" in str(app.screen.query_one("#request-detail").render())
        await pilot.click("#cancel-request")
        await settle(pilot)
        assert isinstance(app.screen, KioskConfirmScreen)  # asked first, on "Keep it"
        assert "Phone" in str(app.screen.query_one("#confirm-detail").render())
        await pilot.press("enter")
        await settle(pilot)
        assert AppointmentRequest.get().status == "pending"
        assert "Nothing changed" in note(app, "appointment-notice")
        await pilot.click("#cancel-request")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert AppointmentRequest.get().status == "cancelled"
        assert str(app.screen.query_one("#requests-table", DataTable).get_row_at(0)[2]) == "Cancelled"
        assert app.screen.query_one("#cancel-request", Button).disabled

        tabs.active = "account"
        await settle(pilot)
        fill(app, current_password="not my password!!", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
        await pilot.click("#change-password")
        await settle(pilot)
        assert "current password" in note(app, "password-error")
        assert app.screen.query_one("#current-password").value == ""
        assert app.screen.query_one("#new-password").value == NEW_PASSWORD

        fill(app, current_password=PASSWORD)
        await pilot.click("#change-password")
        await settle(pilot)
        assert "was changed" in note(app, "password-notice")
        assert auth.client_login(email, NEW_PASSWORD).ok
        activity = app.screen.query_one("#activity-table", DataTable)
        assert "Changed password" in [str(activity.get_row_at(i)[1]) for i in range(activity.row_count)]


async def test_stored_text_is_shown_as_plain_text(portal):
    update_practice(name="[bold red]Clinic[/] \x1b[2J")
    client, email = registered_chart()
    share(client, "[link=app.quit]Click me[/link]", "[reverse]body[/reverse]")
    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        banner = str(app.screen.query_one(".banner").render())
        assert "[bold red]Clinic[/]" in banner and "\x1b" not in banner
        await log_in(pilot, email)
        table = app.screen.query_one("#documents-table", DataTable)
        assert str(table.get_row_at(0)[0]) == "[link=app.quit]Click me[/link]"
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.screen.query_one("#doc-text").render()) == "[reverse]body[/reverse]"


async def test_a_burst_of_keys_with_tab_logs_in(portal):
    """A password manager types "email<Tab>password<Enter>" in one burst."""
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#login")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        burst(app, email, "\t", PASSWORD, "\r")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen), note(app, "error")
