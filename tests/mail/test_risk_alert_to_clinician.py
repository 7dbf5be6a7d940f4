"""A risk alert's email goes to the chart's clinician when they have an email
on file, else to the practice's address, through a real SMTP server, and
names nothing clinical: no client, no chart, no form, no answer, no score."""
from __future__ import annotations

from models.audit import SYSTEM
from models.auth import add_staff_user
from models.forms.responses import submit
from models.mail.deliver import deliver_all
from models.mail.render import html_part, text_part
from models.roles import assign_clinician
from models.staff_accounts import deactivate, set_email
from tests.domain.forms.helpers import answer_all, owner_with_library, phq9, send
from tests.domain.helpers import STAFF

from .conftest import read_maildir

ALERT_SUBJECT = "A portal response needs review by a clinician"
CLINICAL = ("Jamie", "Rivera", "PHQ", "item", "Item", "self-harm", "dead", "score", "Score", "severe", "2 of 3")


def _risky_phq9(client, viewer) -> None:
    [assignment] = send(client.id, "phq9")
    answer_all(viewer, assignment, phq9([1] * 8 + [2]))   # item 9 above 0: a risk flag
    submit(viewer, assignment)


def _delivered(mail_server, mail_settings, count: int) -> list:
    """The risk alerts the server has received (the invitation and forms emails aside)."""
    deliver_all(mail_settings)
    alerts = [m for m in read_maildir(mail_server.maildir) if str(m["Subject"]) == ALERT_SUBJECT]
    assert len(alerts) == count
    return alerts


def _says_nothing_clinical(msg, client) -> None:
    for text in (str(msg["Subject"]), text_part(msg), html_part(msg)):
        for word in (*CLINICAL, client.chart_number):
            assert word not in text, (word, text)


def test_the_alert_email_goes_to_the_charts_clinician_else_to_the_practice(practice, mail_server, mail_settings, clock):
    client, viewer = owner_with_library()
    lee = add_staff_user("drlee", "Dr. Robin Lee", "clinician", "a long staff passphrase here",
                         email="robin.lee@riverside.example")
    add_staff_user("drkim", "Dr. Alex Kim", "clinician", "a long staff passphrase here", email="alex.kim@riverside.example")
    assign_clinician(STAFF, client.id, lee.id)

    _risky_phq9(client, viewer)
    [first] = _delivered(mail_server, mail_settings, 1)
    [to] = first["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Dr. Robin Lee", "robin.lee@riverside.example")
    assert first["X-RcptTo"] == "robin.lee@riverside.example"     # only the chart's clinician, not Dr. Kim
    assert "Hello Dr. Robin Lee," in text_part(first) and "needs review\nby a clinician" in text_part(first)
    _says_nothing_clinical(first, client)

    # No email on file: the practice's address, as before there were clinicians.
    set_email(SYSTEM, lee.id, "")
    clock.advance(minutes=10)
    _risky_phq9(client, viewer)
    second = _delivered(mail_server, mail_settings, 2)[-1]
    assert second["X-RcptTo"] == "frontdesk@riverside.example"
    _says_nothing_clinical(second, client)

    # A clinician no longer with the practice is not written to, whatever is on file.
    set_email(SYSTEM, lee.id, "robin.lee@riverside.example")
    deactivate(SYSTEM, lee.id)
    clock.advance(minutes=10)
    _risky_phq9(client, viewer)
    third = _delivered(mail_server, mail_settings, 3)[-1]
    assert third["X-RcptTo"] == "frontdesk@riverside.example"
