"""Builders and Pilot helpers for the kiosk tests."""
from __future__ import annotations

import json

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from models.chart_owner import activate_access
from models.audit import Actor
from models.charts import add_contact, create_chart
from models.records import add_ledger_entry, share_document
from models.registration import register
from models.tables import OutboxMessage
from tui.kiosk.app import KioskApp

STAFF = Actor("staff", "frontdesk", "workstation")
PASSWORD = "correct horse battery staple"


def make_chart(first="Jamie", last="Rivera", dob="04/13/2001", email="jamie@example.com"):
    ensure_staff()  # charts are made by the front desk or an admin (models/roles.py)
    return create_chart(STAFF, first_name=first, last_name=last, date_of_birth=dob, email=email)


def last_code(kind: str = "invitation") -> str:
    msg = OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc()).first()
    return json.loads(msg.context)["code"]


def ensure_staff() -> None:
    """The front-desk user STAFF names (portal access is the front desk's: models/roles.py)."""
    from models.auth import add_staff_user
    from models.tables import StaffUser

    if not StaffUser.select().where(StaffUser.username == STAFF.ref).exists():
        add_staff_user(STAFF.ref, "Fran Desk", "front_desk", "a long staff passphrase here")


def invite(client, **kw) -> str:
    ensure_staff()
    activate_access(STAFF, client, **kw)
    return last_code()


def registered_chart(first="Jamie", last="Rivera", dob="04/13/2001", email="jamie@example.com"):
    """A chart whose owner has registered; returns (client, email)."""
    client = make_chart(first, last, dob, email)
    code = invite(client)
    done = register(code, last, dob, PASSWORD, PASSWORD, source="test")
    return client, done.email


def guardian(client, email="pat.parent@example.com"):
    return add_contact(STAFF, client, first_name="Pat", last_name="Parent", relationship="parent", email=email)


def share(client, title="Welcome letter", body="Hello and welcome.\nSee you soon."):
    return share_document(STAFF, client, title, body)


def charge(client, amount="150.00", description="Intake session", kind="charge"):
    return add_ledger_entry(STAFF, client, kind=kind, amount=amount, description=description)


def kiosk(portal, **kw) -> KioskApp:
    return KioskApp(settings=portal, tick=0.1, poll=0.1, source="kiosk", **kw)


def fill(app: KioskApp, **values: str) -> None:
    """Set inputs on the active screen by id (underscores become dashes)."""
    for name, value in values.items():
        app.screen.query_one(f"#{name.replace('_', '-')}", Input).value = value


def note(app: KioskApp, note_id: str) -> str:
    return str(app.screen.query_one(f"#{note_id}").render())


async def settle(pilot: Pilot) -> None:
    """Let workers finish and the screen they lead to appear.

    A worker may be started by a message still queued, and its answer may
    start another (a log-out ends the session, then reads the practice):
    wait until a pause finds none left running.
    """
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # a newer session poll replaced a slow one (an exclusive group): wait on
            pass
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            break
    await pilot.pause()


async def log_in(pilot: Pilot, email: str, password: str = PASSWORD) -> None:
    from tui.kiosk.login import LoginScreen

    app = pilot.app
    if not isinstance(app.screen, LoginScreen):
        await pilot.click("#login")
        await pilot.pause()
    fill(app, email=email, password=password)
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(pilot)
