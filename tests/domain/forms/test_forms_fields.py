"""Each answer is checked as it is given, with a reason the client can read."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models.forms.definitions import parse_definition
from models.forms.fields import clean_answer, display_answer, missing
from models.forms.library import BUILTIN_DIR
from models.text import InvalidInput

KINDS = parse_definition({
    "key": "kinds", "title": "Every kind",
    "fields": [
        {"id": "nickname", "kind": "short_text", "label": "Nickname", "max_length": 20},
        {"id": "story", "kind": "long_text", "label": "Anything else", "required": False, "max_length": 50},
        {"id": "visit", "kind": "date", "label": "Last visit", "range": "past"},
        {"id": "until", "kind": "date", "label": "Ends on", "range": "future"},
        {"id": "hours", "kind": "number", "label": "Hours of sleep", "min": 0, "max": 24},
        {"id": "colour", "kind": "single_choice", "label": "Colour",
         "options": [{"value": "red", "label": "Red"}, {"value": "blue", "label": "Blue"}]},
        {"id": "days", "kind": "multiple_choice", "label": "Days", "max_choices": 2,
         "options": [{"value": "mon", "label": "Monday"}, {"value": "tue", "label": "Tuesday"}, {"value": "wed", "label": "Wednesday"}]},
        {"id": "ok", "kind": "yes_no", "label": "Is this fine"},
        {"id": "mood", "kind": "item_group", "label": "How often", "scale": [{"value": 0, "label": "Never"}, {"value": 1, "label": "Often"}],
         "items": [{"id": "mood_1", "label": "Sad"}]},
        {"id": "note", "kind": "info", "label": "Note", "text": "Read me."},
        {"id": "signature", "kind": "signature", "label": "Signature", "text": "I agree to this."},
    ],
})
Q = {q.id: q for q in KINDS.questions}


def refused(question_id: str, value) -> str:
    with pytest.raises(InvalidInput) as caught:
        clean_answer(Q[question_id], value)
    assert caught.value.field == question_id
    return caught.value.message


def test_text_is_stored_under_the_text_rule(clock):
    assert clean_answer(Q["nickname"], "  Jo\x1b[31m\u200b Jo\r\n") == "Jo Jo"
    assert clean_answer(Q["story"], "line one\r\nline two\x07") == "line one\nline two"
    assert "at most 20 characters" in refused("nickname", "x" * 21)
    assert refused("nickname", "\x1b[2J\u200b") == "Nickname has only invisible or control characters; type it again."
    assert clean_answer(Q["nickname"], "   ") is None  # empty clears; required is checked at submit


def test_dates(portal, clock):
    today = clock.now().date()
    assert today == dt.date(2026, 11, 20)
    assert clean_answer(Q["visit"], "04/13/2026") == "2026-04-13"
    assert clean_answer(Q["visit"], "2026-01-02") == "2026-01-02"
    assert clean_answer(Q["visit"], "01022026") == "2026-01-02"
    assert refused("visit", "13/01/2026") == "Last visit: there is no month 13 (MM/DD/YYYY, the month first)."
    assert "day does not exist" in refused("visit", "02/30/2026")
    assert refused("visit", "next week").startswith("Last visit: enter a date as MM/DD/YYYY")
    assert refused("visit", (today + dt.timedelta(days=1)).strftime("%m/%d/%Y")) == "Last visit cannot be in the future."
    assert refused("until", (today - dt.timedelta(days=1)).strftime("%m/%d/%Y")) == "Ends on cannot be in the past."


def test_numbers_choices_and_yes_no():
    assert clean_answer(Q["hours"], " 7 ") == 7 and clean_answer(Q["hours"], 0) == 0
    assert refused("hours", "25") == "Hours of sleep: enter a number from 0 to 24."
    assert refused("hours", "seven") == "Hours of sleep: enter a whole number from 0 to 24."
    assert refused("hours", True) == "Hours of sleep: enter a whole number."
    assert clean_answer(Q["colour"], "blue") == "blue"
    assert refused("colour", "green") == "Colour: choose one of the answers listed."
    assert clean_answer(Q["days"], ["wed", "mon"]) == ["mon", "wed"]  # the form's order
    assert refused("days", ["mon", "tue", "wed"]) == "Days: choose at most 2."
    assert refused("days", ["fri"]) == "Days: choose one of the answers listed."
    assert clean_answer(Q["ok"], "Yes") is True and clean_answer(Q["ok"], False) is False
    assert refused("ok", "maybe") == "Is this fine: answer yes or no."
    assert clean_answer(Q["mood_1"], "1") == 1
    assert refused("mood_1", 2) == "Choose one of the answers (0 to 1)."


def test_required_questions_are_named_at_submit():
    assert [q.id for q in missing(KINDS, {"nickname": "Jo"})] == ["visit", "until", "hours", "colour", "days", "ok", "mood_1"]
    assert display_answer(Q["mood_1"], 1) == "1 · Often"
    assert display_answer(Q["days"], ["mon", "wed"]) == "Monday, Wednesday"
    assert display_answer(Q["visit"], "2026-01-02") == "01/02/2026"
    assert display_answer(Q["story"], None) == "(no answer)"


def test_demographic_answers_are_checked_as_the_chart_checks_them(clock):
    demo = parse_definition(json.loads((BUILTIN_DIR / "demographics.json").read_text()))
    email, phone, dob = demo.question("email"), demo.question("phone"), demo.question("date_of_birth")
    assert clean_answer(email, "Jamie@Example.COM") == "Jamie@example.com"
    with pytest.raises(InvalidInput, match="does not look like an email"):
        clean_answer(email, "jamie at example")
    with pytest.raises(InvalidInput, match="Phone: a phone number needs digits"):
        clean_answer(phone, "call me")
    with pytest.raises(InvalidInput, match="no month 13"):
        clean_answer(dob, "13/45/2001")
    assert clean_answer(dob, "04/13/2001") == "2001-04-13"
