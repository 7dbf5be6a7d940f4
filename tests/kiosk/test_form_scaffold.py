"""The kiosk's one form scaffold (tui/kiosk/base.py: KioskForm): what happens
when its worker fails, and when its answer finds the screen gone."""
from __future__ import annotations

import threading

from textual.widgets import Button

from models import auth
from models.tables import LoginSession
from tui.kiosk import login as login_screen
from tui.kiosk.login import LoginScreen
from tui.kiosk.welcome import WelcomeScreen
from tui.shared.workers import SOMETHING_WRONG

from .helpers import PASSWORD, fill, kiosk, note, registered_chart, settle


async def test_a_failure_that_is_no_refusal_is_shown_once_and_the_form_is_free_again(portal, monkeypatch):
    def broken_login(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(login_screen, "client_login", broken_login)
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#login")
        await settle(pilot)
        fill(app, email="jamie@example.com", password=PASSWORD)
        await pilot.click("#login")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        # Worker.StateChanged does not bubble: the screen hands it to the app's WorkerErrors.
        assert [n.message for n in app._notifications] == [SOMETHING_WRONG]
        assert not app.screen.query_one("#login", Button).disabled
        assert note(app, "busy") == ""
        assert "database went away" not in note(app, "error")


async def test_a_login_that_finishes_after_the_kiosk_was_cleared_is_ended(portal, monkeypatch):
    _, email = registered_chart()
    started, release = threading.Event(), threading.Event()

    def slow_login(*args, **kwargs):
        started.set()
        release.wait(5)
        return auth.client_login(*args, **kwargs)

    monkeypatch.setattr(login_screen, "client_login", slow_login)
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#login")
        await settle(pilot)
        fill(app, email=email, password=PASSWORD)
        await pilot.click("#login")
        await pilot.pause()
        assert started.wait(5)
        await app.reset_to_welcome()  # idle or a log-out elsewhere clears the kiosk meanwhile
        release.set()
        await settle(pilot)
        await settle(pilot)  # the clean-up worker the late answer started
        assert isinstance(app.screen, WelcomeScreen) and app.session is None
    session = LoginSession.get(LoginSession.kind == "client")
    assert session.ended_at is not None and session.end_reason == "abandoned"


async def test_a_renamed_practice_shows_from_the_next_visit(portal):
    """The practice is read before the loop runs, then again (in a worker) as each visit ends."""
    from models.practice import update_practice

    update_practice(name="Harbor Light Counseling")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.click("#login")
        await settle(pilot)
        assert "Harbor Light Counseling" in str(app.screen.query_one(".banner").render())
        update_practice(name="Maple Street Counseling")
        await app.reset_to_welcome()
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert "Maple Street Counseling" in str(app.screen.query_one(".banner").render())
        assert "Maple Street Counseling" in str(app.screen.query_one("#practice-name").render())
