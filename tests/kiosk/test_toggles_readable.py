"""A radio button's state reads without colour (issue 16, defect 12)."""
from __future__ import annotations

from textual.widgets import RadioButton

from .helpers import kiosk, log_in, registered_chart, settle


async def test_the_chosen_radio_button_is_the_only_one_marked(portal):
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await pilot.press("f4")
        await settle(pilot)
        buttons = list(app.screen.query("#mode RadioButton").results(RadioButton))
        assert all("●" not in b.render().plain for b in buttons)  # none chosen yet
        await pilot.press("right", "right", "enter")  # choose the second
        await pilot.pause()
        chosen = [b for b in buttons if "●" in b.render().plain]
        assert chosen == [b for b in buttons if b.value] and len(chosen) == 1


async def test_a_check_box_is_marked_only_when_on():
    from textual.app import App

    from tui.shared.toggles import Checkbox

    class One(App):
        def compose(self):
            yield Checkbox("Send an invitation", id="invite")

    app = One()
    async with app.run_test(size=(40, 5)) as pilot:
        box = app.query_one(Checkbox)
        assert "X" not in box.render().plain
        await pilot.click(Checkbox)
        assert box.value and "X" in box.render().plain
