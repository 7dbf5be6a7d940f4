"""Property tests through the screens: nasty input in the staff new-chart form
and the kiosk registration and login forms never crashes an app, never loses
what was typed on a refusal, and is never rendered as markup or escapes."""
from __future__ import annotations

import asyncio
import os

from hypothesis import HealthCheck, given, settings, strategies as st
from textual.widgets import Input

from models.tables import Client
from tests.hardening.test_bad_input import NASTY

# Each example drives a whole app: a few in `make test`, many in `make soak`.
FORMS = settings(max_examples=60 if os.environ.get("PORTAL_SOAK") else 4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
_RAW = st.one_of(NASTY, st.text(max_size=60), st.builds(lambda a, b: a + b, st.text(max_size=20), NASTY))
# What a person can put in a field: keys and pastes, never bare control bytes
# (the domain-level property tests feed those straight in).
TYPED = _RAW.map(lambda s: "".join(ch for ch in s if ch >= " " and not "\x7f" <= ch <= "\x9f"))
ESCAPES = ("\x1b", "\x07", "\x9b")


def _no_escapes(app) -> None:
    """What is drawn (the SVG export of the screen) carries no raw escape or bell."""
    shown = app.export_screenshot()
    assert not any(ch in shown for ch in ESCAPES)


def test_staff_new_chart_form(portal):
    from tests.staff.helpers import signed_in
    from tui.staff.app import StaffApp
    from tui.staff.screens.new_chart import NewChartScreen

    login = signed_in()

    @FORMS
    @given(first=TYPED, last=TYPED, dob=TYPED, email=TYPED, phone=TYPED)
    def run(first, last, dob, email, phone):
        async def scenario():
            app = StaffApp(session=login)
            async with app.run_test(size=(100, 36)) as pilot:
                await app.workers.wait_for_complete()  # the staff member is read in a worker
                await pilot.pause()
                await pilot.press("ctrl+n")
                await pilot.pause()
                form = app.screen
                assert isinstance(form, NewChartScreen)
                typed = {"first_name": first, "last_name": last, "date_of_birth": dob, "email": email, "phone": phone}
                for field, value in typed.items():
                    form.query_one(f"#{field}", Input).value = value
                shown = {field: form.query_one(f"#{field}", Input).value for field in typed}
                before = Client.select().count()
                await pilot.press("ctrl+s")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.is_running
                _no_escapes(app)
                if Client.select().count() == before:  # refused: every field still holds what was typed
                    for field in typed:
                        assert form.query_one(f"#{field}", Input).value == shown[field]

        asyncio.run(scenario())

    run()


def test_kiosk_registration_and_login_forms(portal):
    from tests.kiosk.helpers import kiosk
    from tui.kiosk.login import LoginScreen
    from tui.kiosk.register import RegisterScreen

    @FORMS
    @given(code=TYPED, email=TYPED, password=TYPED)
    def run(code, email, password):
        async def scenario():
            app = kiosk(portal)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.click("#register")
                await pilot.pause()
                assert isinstance(app.screen, RegisterScreen)
                app.screen.query_one("#code", Input).value = code[:40]
                await pilot.click("#check-code")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.is_running
                _no_escapes(app)
            app = kiosk(portal)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.click("#login")
                await pilot.pause()
                assert isinstance(app.screen, LoginScreen)
                app.screen.query_one("#email", Input).value = email[:254]
                app.screen.query_one("#password", Input).value = password[:256]
                app.screen.query_one("#password", Input).focus()
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert app.is_running and isinstance(app.screen, LoginScreen)
                assert app.screen.query_one("#email", Input).value == email[:254]
                _no_escapes(app)

        asyncio.run(scenario())

    run()


def test_a_paste_with_escape_sequences_is_kept_as_plain_text(portal):
    from textual import events

    from tests.kiosk.helpers import kiosk

    async def scenario():
        app = kiosk(portal)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click("#login")
            await pilot.pause()
            field = app.screen.query_one("#email", Input)
            field.focus()
            field.post_message(events.Paste("jo\x1b[2J\x1b]52;c;ZXZpbA==\x07@example.com\u202e"))
            await pilot.pause()
            assert field.value == "jo@example.com"  # each sequence goes whole, nothing like "[2J" is left
            _no_escapes(app)

    asyncio.run(scenario())
