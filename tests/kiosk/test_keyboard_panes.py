"""Keyboard-only clients reach every pane with the keys the footer shows."""
from __future__ import annotations

from textual.widgets import Button, DataTable, Input, RadioSet, TabbedContent

from tui.kiosk.dashboard import DashboardScreen

from .helpers import kiosk, log_in, registered_chart, settle


async def test_function_keys_switch_panes_and_tab_never_lands_on_log_out(portal):
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        assert isinstance(app.screen, DashboardScreen)
        tabs = app.screen.query_one("#tabs", TabbedContent)
        for key, pane in (("f4", "appointments"), ("f5", "balance"), ("f6", "account"), ("f3", "documents")):
            await pilot.press(key)
            await settle(pilot)
            assert tabs.active == pane
            assert isinstance(app.focused, (RadioSet, Input, DataTable, Button))
        for _ in range(12):
            await pilot.press("tab")
            assert app.focused is None or app.focused.id != "logout"
        shown = {b.binding.key for b in app.active_bindings.values() if b.binding.show}
        assert {"f3", "f4", "f5", "f6"} <= shown


async def test_request_an_appointment_with_the_keyboard_alone(portal):
    from models.tables import AppointmentRequest

    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("right", "right", "enter")  # the RadioSet: choose Video
        await pilot.press("tab", *"12/03/2026", "tab", *"10:00 am", "tab", *"Check-in", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        req = AppointmentRequest.get()
        assert (req.mode, req.reason) == ("video", "Check-in")
