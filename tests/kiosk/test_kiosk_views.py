"""models.kiosk_views: times in the practice's zone, typed dates and times, activity in words."""
from __future__ import annotations

import datetime as dt

import pytest

from models.kiosk_views import (
    account_summary,
    chart_choices,
    dob_preview,
    format_day,
    format_when,
    parse_local_time,
    parse_preferred,
    recent_activity,
)
from models.auth import client_login
from models.practice import update_practice
from models.text import InvalidInput

from .helpers import PASSWORD, registered_chart


def test_times_show_in_the_practice_zone(portal):
    update_practice(time_zone="America/New_York")
    assert format_when(dt.datetime(2026, 11, 20, 15, 0)) == "Fri Nov 20, 2026, 10:00 AM EST"
    assert format_when(dt.datetime(2026, 7, 1, 16, 30)) == "Wed Jul 1, 2026, 12:30 PM EDT"
    assert format_day(dt.datetime(2026, 11, 21, 2, 0)) == "Nov 20, 2026"  # still the 20th in New York
    assert format_day(dt.date(2026, 1, 5)) == "Jan 5, 2026"


def test_a_typed_preferred_time_is_read_in_the_practice_zone(portal):
    update_practice(time_zone="America/New_York")
    assert parse_preferred("11/25/2026", "2:30 PM") == dt.datetime(2026, 11, 25, 19, 30)
    assert parse_preferred("2026-07-01", "14:30") == dt.datetime(2026, 7, 1, 18, 30)
    update_practice(time_zone="Not/AZone")
    assert parse_preferred("11/25/2026", "9am") == dt.datetime(2026, 11, 25, 9, 0)


@pytest.mark.parametrize("typed, expected", [("2:30 pm", (14, 30)), ("12 AM", (0, 0)), ("12:15pm", (12, 15)), ("9 a.m.", (9, 0)), ("23:59", (23, 59))])
def test_times_people_type(typed, expected):
    assert (parse_local_time(typed).hour, parse_local_time(typed).minute) == expected


@pytest.mark.parametrize("typed", ["", "14", "13 pm", "25:00", "2:61 pm", "noonish"])
def test_times_that_are_refused(typed):
    with pytest.raises(InvalidInput):
        parse_local_time(typed)


def test_bad_dates_are_refused(portal):
    for typed in ("13/25/2026", "11/25/26", "tomorrow"):
        with pytest.raises(InvalidInput):
            parse_preferred(typed, "2:00 PM")


def test_dob_preview_only_for_a_complete_valid_date(clock):
    assert dob_preview("04/13/2001") == "April 13, 2001"
    assert dob_preview("2001-04-13") == "April 13, 2001"
    assert dob_preview("04/13/20") == ""
    assert dob_preview("04/13/2099") == ""


def test_account_views(portal):
    client, email = registered_chart()
    assert client_login(email, "wrong password here!!", "kiosk").ok is False
    result = client_login(email, PASSWORD, "ssh:10.0.0.5")
    [choice] = chart_choices(result.account_id)
    assert (choice.chart_id, choice.name, choice.born) == (client.id, "Jamie Rivera", "April 13, 2001")
    assert account_summary(result.account_id).email == email
    lines = recent_activity(result.account_id)
    assert [line.what for line in lines[:3]] == ["Signed in", "Signed in (failed)", "Registered for the portal"]
    assert lines[0].where == "ssh:10.0.0.5"
