"""Every kiosk field is wide enough for what it takes (issue 16, defect 3).

"12/10/2026" showed as "2/10/2026" (read as February) and "10:00 AM" as
"0:00 AM": the text and the cursor after it need one cell more than the
text itself.
"""
from __future__ import annotations

from textual.widgets import Input

from .helpers import kiosk, log_in, registered_chart, settle


async def test_date_and_time_fields_show_the_whole_value_at_80x24(portal):
    _, email = registered_chart()
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, email)
        await pilot.press("f4")
        await settle(pilot)
        for field, value in (("preferred-date", "12/10/2026"), ("preferred-time", "10:00 AM")):
            box = app.screen.query_one(f"#{field}", Input)
            box.focus()
            box.value = value
            box.cursor_position = len(value)
            await pilot.pause()
            assert box.content_size.width > len(value), (field, box.content_size)
            assert box.region.right <= 80
