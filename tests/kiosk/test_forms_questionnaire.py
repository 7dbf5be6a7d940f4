"""A PHQ-9 at the kiosk: one item to a screen, digits, Back, review, submit."""
from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from models.tables import FormAlert, FormResponse
from tui.kiosk.dashboard import DashboardScreen
from tui.kiosk.forms.question import QuestionScreen
from tui.kiosk.forms.review import ReviewScreen
from tui.kiosk.forms.thank_you import ThankYouScreen

from ..bursts import burst
from .forms_helpers import (
    chart_with_forms,
    choices_text,
    kiosk,
    open_form_row,
    sign_in_to_forms,
    staff_view,
)
from .helpers import settle


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_phq9_by_digits_with_back_review_and_submit(portal):
    client, email, (assignment,) = chart_with_forms("phq9")
    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in_to_forms(pilot, email)
        dash = app.screen
        assert isinstance(dash, DashboardScreen)
        assert dash.query_one("#tabs", TabbedContent).active == "forms"  # forms due: Forms first
        assert "Forms (1)" in str(dash.query_one("#tabs", TabbedContent).get_tab("forms").label)
        table = dash.query_one("#forms-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)][:2] == ["PHQ-9 Patient Health Questionnaire", "To do"]

        await open_form_row(pilot, "PHQ-9")
        assert isinstance(app.screen, QuestionScreen)
        assert text(app, "#question-number") == "Question 1 of 9"
        assert "Over the last 2 weeks" in text(app, "#question-stem")
        assert "Little interest" in text(app, "#question-item")

        await pilot.press("2", "1", "1")          # items 1-3: Several days, Not at all, Not at all
        await settle(pilot)
        assert text(app, "#question-number") == "Question 4 of 9"
        await pilot.press("backspace")            # Back: item 3 with its answer shown
        assert text(app, "#question-number") == "Question 3 of 9"
        assert choices_text(app, "#question-choices").splitlines()[0] == "1  (•) Not at all"
        await pilot.press("4")                    # change item 3 to Nearly every day
        await pilot.click("#question-choices", offset=(8, 1))  # a click: item 4 "Not at all"
        assert text(app, "#question-number") == "Question 5 of 9"
        for key in "11112":                       # items 5-9; item 9 "Several days"
            await pilot.press(key)
        await settle(pilot)
        assert text(app, "#question-number") == "Last question"
        assert "how difficult" in text(app, "#question-item").lower()
        await pilot.press("down", "enter")        # arrows and Enter: Somewhat difficult
        await settle(pilot)

        assert isinstance(app.screen, ReviewScreen)
        lines = app.screen.lines
        assert [l.shown for l in lines[:3]] == ["1 · Several days", "0 · Not at all", "3 · Nearly every day"]
        assert lines[-1].shown == "Somewhat difficult"
        assert app.screen.query_one("#submit").has_focus  # all answered: Enter would submit
        await pilot.click("#review-lines", offset=(4, 1))  # the first line: change it
        await settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert text(app, "#question-number") == "Question 1 of 9"
        await pilot.press("3")                    # now Nearly every day; on to item 2
        # the rest are answered: Next through to the review
        for _ in range(9):
            await pilot.press("right")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.lines[0].shown == "2 · More than half the days"
        assert app.screen.query_one("#submit").has_focus
        burst(app, "\r", "\r")                    # a double Enter must not submit twice
        await settle(pilot)

        assert isinstance(app.screen, ThankYouScreen)
        assert "PHQ-9" in text(app, "#thanks-text")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one("#forms-table", DataTable)
        assert str(table.get_row_at(0)[1]) == "Done"
        assert str(app.screen.query_one("#tabs", TabbedContent).get_tab("forms").label) == "Forms"

    assert FormResponse.select().where(FormResponse.status == "submitted").count() == 1
    view = staff_view(assignment)
    total = next(s for s in view.results.scores if s.id == "total")
    assert (total.value, total.band) == (2 + 0 + 3 + 0 + 0 + 0 + 0 + 0 + 1, "Mild")  # key n is the n-th answer
    assert [f.id for f in view.results.flags] == ["item9"]
    assert FormAlert.select().where(FormAlert.client == client.id).count() == 1


async def test_submit_pressed_before_the_review_is_read_is_not_lost(portal, monkeypatch):
    """Ctrl+S while the review's answers are still on their way submits once they show."""
    import threading

    from tui.kiosk.forms import review as review_module

    client, email, (assignment,) = chart_with_forms("gad7")
    gate = threading.Event()
    real_review = review_module.review

    def slow_review(*args):
        gate.wait(10)   # a slow database: the review is drawn before its answers come
        return real_review(*args)

    app = kiosk(portal)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in_to_forms(pilot, email)
        await open_form_row(pilot, "GAD-7")
        for key in "1111111":
            await pilot.press(key)
        await settle(pilot)
        monkeypatch.setattr(review_module, "review", slow_review)
        await pilot.press("enter")               # the last question: Not difficult at all
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and not app.screen.lines
        await pilot.press("ctrl+s")
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, ThankYouScreen)
    assert FormResponse.select().where(
        (FormResponse.assignment == assignment) & (FormResponse.status == "submitted")).count() == 1
