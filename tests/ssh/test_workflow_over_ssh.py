"""The workflow we follow, end to end across SSH sessions with the real apps:

staff resends Jordan Avery's expired invitation -> the mailbox shows the
email -> `register+CODE` registers -> the kiosk logs in to the dashboard,
lands on the PHQ-9 the practice sent, and answers it one item at a time.
"""
from __future__ import annotations

import re

import pytest

from models.audit import Actor
from models.config import Settings
from models.forms.assignments import send_forms
from models.forms.fields import practice_today
from models.forms.library import sync_builtin_forms
from models.forms.responses import response_for_staff
from models.mail.deliver import deliver_all
from models.mail.local_server import LocalMailServer, ensure_maildir, local_smtp_settings
from models.seed import STAFF_PASSWORD, seed_demo
from models.setup import open_portal
from models.tables import Client, FormResponse
from models.two_factor import demo_code
from tests.pg import sqlite_and_postgresql
from tui.ssh import DoorLimits, start_server

from .termclient import Term, connect, run

pytestmark = pytest.mark.ssh
SEED_STAFF = Actor("staff", "frontdesk", "test")

ENTER, TAB, DOWN, F3, CTRL_O, CTRL_S = "\r", "\t", "\x1b[B", "\x1bOR", "\x0f", "\x13"
CLIENT_PASSWORD = "sunlit meadow paper kite"


async def _session(port: int, user: str, cols: int = 100, rows: int = 36) -> Term:
    return await Term.open(await connect(port, user), cols, rows)


TYPIST_GAP = 0.05  # seconds between keys


async def _type(term: Term, *keys: str) -> None:
    """Keys one at a time at a typist's pace. Textual hands each key to the
    focused widget as it arrives, so in one burst a key can reach the widget
    that had the focus before an earlier key moved it (Tab is handled at
    once, tui/shared/focus_keys.py; Down then Enter on the client list is not)."""
    import asyncio

    for key in keys:
        term.type(key)
        await asyncio.sleep(TYPIST_GAP)


# The door and every app it starts, on SQLite and on PostgreSQL.
database_url = sqlite_and_postgresql("portal_ssh_test")


def test_resend_mail_register_and_log_in_over_ssh(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", demo=True, database_url=database_url)
    open_portal(settings)
    ensure_maildir(settings.maildir)
    seed_demo()  # at the real time: the apps in their own processes read the system clock

    async def body():
        door = await start_server(settings, limits=DoorLimits.from_settings(settings), host="127.0.0.1", port=0)
        try:
            with LocalMailServer(settings.maildir) as mail:
                # 1. Staff: find Jordan Avery, Communications, the Expired tag, ⋮ -> Resend Invite.
                staff = await _session(door.port, "staff")
                await staff.wait_for("Staff sign in", 20)
                await _type(staff, *"frontdesk", TAB, *STAFF_PASSWORD, ENTER)
                await staff.wait_for("Two-factor sign-in", 20)  # staff over SSH: a code comes next
                await _type(staff, *demo_code("frontdesk"), ENTER)
                await staff.wait_for("Search", 20)
                await _type(staff, *"avery")
                await staff.wait_for(r"Avery, Jordan")
                await _type(staff, DOWN, ENTER)
                await staff.wait_for(r"Chart #\d")  # the chart header, not the list's column title
                await _type(staff, F3)
                await staff.wait_for(r"Chart Owner\s+Expired")
                await _type(staff, CTRL_O)
                await staff.wait_for("Resend Invite")
                await _type(staff, DOWN, ENTER)
                await staff.wait_for("previous code stops working")
                await _type(staff, TAB, ENTER)  # confirmations open on Cancel
                await staff.wait_for(r"Invited · expires in 7 days")

                # The outbox goes out through the local mail server.
                report = deliver_all(local_smtp_settings(settings, mail.port))
                assert report.sent == 1, report

                # 2. Mailbox: the invitation is there, with the code.
                mailbox = await _session(door.port, "mailbox", 100, 60)  # the whole email, ssh line and all
                await mailbox.wait_for("A new invitation", 20)
                await _type(mailbox, ENTER)
                code = (await mailbox.wait_for(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")).group(1)
                await mailbox.wait_for(rf"register\+{code}@")

                # 3. register+CODE: the code is filled in; last name, DOB, password.
                client = await _session(door.port, f"register+{code}", 80, 24)
                await client.wait_for("Last name", 20)
                await _type(client, *"Avery", TAB, *"03/14/1991", TAB, *CLIENT_PASSWORD, TAB, *CLIENT_PASSWORD, ENTER)
                await client.wait_for("You're registered", 20)
                await _type(client, ENTER)

                # 4. Log in (email filled in) and see the dashboard: Forms first, a PHQ-9 due today.
                sync_builtin_forms()
                jordan = Client.get((Client.first_name == "Jordan") & (Client.last_name == "Avery"))
                (phq9,) = send_forms(SEED_STAFF, jordan.id, ["phq9"], due_on=practice_today()).assignment_ids
                await client.wait_for("Log in to your portal")
                await _type(client, *CLIENT_PASSWORD, ENTER)
                await client.wait_for(r"signed in as jordan\.avery@example\.com", 20)
                assert re.search(r"Documents\s+Appointments\s+Balance\s+Account\s+Forms", client.text())
                await client.wait_for(r"PHQ-9 Patient Health.*To do\s+Due today", 10)

                # 5. The PHQ-9, one item to a screen, answered with digits (item 9: "Not at all").
                await _type(client, ENTER)
                await client.wait_for("Question 1 of 9", 10)
                for n, key in enumerate("213111111", start=1):
                    await client.wait_for(f"Question {n} of 9")
                    await _type(client, key)
                await client.wait_for("Last question")
                await _type(client, "2")
                await client.wait_for("Review: PHQ-9")
                await client.wait_for(r"1\. Little interest")
                await _type(client, ENTER)  # the answers read, Submit has the focus
                await client.wait_for("Thank you!", 10)

                # The staff screen now shows the chart as Active on its own.
                await staff.wait_for(r"Chart Owner\s+Active", 10)

                response = FormResponse.get((FormResponse.assignment == phq9) & (FormResponse.status == "submitted"))
                doctor = Actor("staff", "drlee", "test")   # the chart's clinician sees the score
                result = response_for_staff(doctor, response.id).results
                assert [(s.value, s.band) for s in result.scores if s.id == "total"] == [(3, "Minimal")]
                assert response.signed_at is None and not result.flags
        finally:
            await door.close()

    run(body(), timeout=120)
