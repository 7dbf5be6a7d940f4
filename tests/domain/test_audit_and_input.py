"""The audit chain, and what people type into names, emails and dates."""
import datetime as dt

import pytest

from models import audit
from models.charts import create_chart, search_charts
from models.dates import parse_dob
from models.tables import AuditEvent
from models.text import InvalidInput

from .helpers import GOOD_PASSWORD, STAFF, invited_chart, make_staff


@pytest.fixture(autouse=True)
def _staff(portal):
    make_staff()  # the admin STAFF names makes the charts here (models/roles.py)


def _some_events():
    client, code = invited_chart()
    from models.registration import register

    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    return client


def test_chain_verifies(portal):
    _some_events()
    result = audit.verify_chain()
    assert result.ok and result.checked == AuditEvent.select().count() > 3


def test_edited_row_is_found(portal):
    _some_events()
    AuditEvent.update(outcome="ok-ish").where(AuditEvent.id == 2).execute()
    result = audit.verify_chain()
    assert not result.ok and result.row_id == 2 and "changed" in result.problem


def test_deleted_row_is_found(portal):
    _some_events()
    AuditEvent.delete().where(AuditEvent.id == 3).execute()
    result = audit.verify_chain()
    assert not result.ok and result.row_id == 3 and "missing" in result.problem


def test_reordered_rows_are_found(portal):
    _some_events()
    a, b = AuditEvent.get_by_id(2), AuditEvent.get_by_id(3)
    AuditEvent.update(action=b.action, detail=b.detail, hash=b.hash, prev_hash=b.prev_hash).where(AuditEvent.id == 2).execute()
    AuditEvent.update(action=a.action, detail=a.detail, hash=a.hash, prev_hash=a.prev_hash).where(AuditEvent.id == 3).execute()
    assert not audit.verify_chain().ok


def test_audit_never_holds_secrets(portal):
    client, code = invited_chart()
    from models.registration import register

    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD)
    text = " ".join(f"{e.actor} {e.action} {e.detail} {e.source} {e.outcome}" for e in AuditEvent.select())
    for secret in (code, code.replace("-", ""), GOOD_PASSWORD, "2001-04-13", "04/13/2001"):
        assert secret not in text


@pytest.mark.parametrize(
    "first, last",
    [("", "Rivera"), ("   ", "Rivera"), ("A" * 10_000, "Rivera"), ("\x1b[2J", "Rivera"), ("Jamie", "\u202e\u200b"), ("Jamie", "\r\n")],
)
def test_bad_names_are_refused_with_a_reason(portal, first, last):
    with pytest.raises(InvalidInput) as err:
        create_chart(STAFF, first_name=first, last_name=last, date_of_birth="04/13/2001")
    assert err.value.message and err.value.field in ("first_name", "last_name")


def test_markup_names_are_stored_unchanged(portal):
    client = create_chart(STAFF, first_name="[bold]Jo[/bold]", last_name="O'Neil <b>", date_of_birth="04/13/2001")
    assert client.first_name == "[bold]Jo[/bold]" and client.last_name == "O'Neil <b>"


@pytest.mark.parametrize("email", ["plain", "a@b", "a b@example.com", "x@example.com\r\nBcc: evil@example.com", "a" * 300 + "@example.com"])
def test_bad_emails_are_refused(portal, email):
    with pytest.raises(InvalidInput):
        create_chart(STAFF, first_name="A", last_name="B", date_of_birth="04/13/2001", email=email)


@pytest.mark.parametrize("typed", ["13/04/2001", "02/30/2001", "3/4/69", "04/13/01", "2030-01-01", "1850-01-01", "yesterday", "", "2001-4-13x",
     "13042001", "0413200", "041320011", "04-13-01", "2001.04.13", "０４１３２００１"])
def test_bad_dates_of_birth_are_refused(portal, typed):
    with pytest.raises(InvalidInput):
        parse_dob(typed)


def test_good_dates_in_both_forms(portal):
    assert parse_dob(" 04/13/2001 ") == parse_dob("2001-04-13") == dt.date(2001, 4, 13)


@pytest.mark.parametrize("typed", ["04132001", "04-13-2001", "04.13.2001", "4/13/2001", "4-13-2001"])
def test_month_day_year_without_slashes(portal, typed):
    assert parse_dob(typed) == dt.date(2001, 4, 13)


def test_search_by_name_chart_number_and_dob(portal):
    a = create_chart(STAFF, first_name="Jamie", last_name="Rivera", date_of_birth="04/13/2001")
    create_chart(STAFF, first_name="Sam", last_name="Riviera", date_of_birth="05/05/1995")
    assert [c.id for c in search_charts("jamie").rows] == [a.id]
    assert [c.first_name for c in search_charts("riv").rows] == ["Jamie", "Sam"]
    assert [c.id for c in search_charts("rivera, jamie").rows] == [a.id]
    assert [c.id for c in search_charts("Jamie Rivera").rows] == [a.id]
    assert [c.id for c in search_charts(a.chart_number).rows] == [a.id]
    assert [c.id for c in search_charts("04/13/2001").rows] == [a.id]
    assert search_charts("[bold]%_\x1b").rows == []


@pytest.mark.parametrize(
    "typed, words",
    [
        ("13/45/2001", "There is no month 13"),
        ("00/10/2001", "There is no month 0"),
        ("04/31/1990", "April has no day 31"),
        ("02/30/2001", "February has no day 30"),
        ("02/29/2001", "2001 is not a leap year"),
        ("2001-13-01", "There is no month 13 (YYYY-MM-DD"),
        ("2001-02-31", "February has no day 31"),
        ("yesterday", "Enter the date of birth as MM/DD/YYYY"),
    ],
)
def test_a_date_that_does_not_exist_says_which_part(portal, typed, words):
    """13/45/2001 was refused with "use MM/DD/YYYY", which it was."""
    with pytest.raises(InvalidInput) as err:
        parse_dob(typed)
    assert words in err.value.message
