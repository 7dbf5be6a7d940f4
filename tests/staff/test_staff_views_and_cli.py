"""models.staff_views and `portal staff add` (loading files to share: test_file_import.py)."""
from __future__ import annotations


import pytest

from models.chart_owner import resend_invite, revoke_access
from models.staff_views import _fallback_labels, client_list_page, delivery_labels, invitation_outcome
from models.tables import Invitation, OutboxMessage, StaffUser
from tests.query_counter import count_queries

from .helpers import STAFF, invite, make_chart, make_staff


def test_client_list_page_costs_the_same_queries_whatever_the_page_size(portal, clock):
    make_staff()
    for i in range(30):
        client = make_chart(first=f"Kim{i:02d}", last="Lee")
        if i % 3 == 0:
            invite(client)
    with count_queries() as counted:
        page = client_list_page(STAFF, "lee", page=0, page_size=10)
    assert len(page.rows) == 10 and page.has_more
    with count_queries() as bigger:
        client_list_page(STAFF, "lee", page=0, page_size=25)
    assert counted.count == bigger.count <= 6  # batched: never a query per row
    assert [r.client.first_name for r in page.rows][:2] == ["Kim00", "Kim01"]
    assert page.rows[0].state.tag == "Invited · expires in 7 days"
    last = client_list_page(STAFF, "lee", page=2, page_size=10)
    assert len(last.rows) == 10 and not last.has_more


def test_invitation_outcomes_and_delivery_words(portal, clock):
    make_staff()
    client = make_chart()
    invite(client)
    first = Invitation.select().order_by(Invitation.id).first()
    assert invitation_outcome(first) == "Pending"
    clock.advance(days=8)
    assert invitation_outcome(first) == "Expired"
    resend_invite(STAFF, client)
    first = Invitation.get_by_id(first.id)
    assert invitation_outcome(first) == "Replaced"
    revoke_access(STAFF, client)
    second = Invitation.select().order_by(Invitation.id.desc()).first()
    assert invitation_outcome(second) == "Revoked"

    labels = delivery_labels([first.id, second.id])
    assert labels[first.id].startswith("Queued")
    msg = OutboxMessage.get(OutboxMessage.invitation == second.id)
    msg.status, msg.last_error = "failed", "550 mailbox unavailable"
    msg.save()
    assert delivery_labels([second.id])[second.id] == "Failed — 550 mailbox unavailable"
    assert delivery_labels([]) == {}
    # The fallback (no models.mail.state) words queued and failed mail the same way.
    assert _fallback_labels([first.id, second.id]) == delivery_labels([first.id, second.id])


def test_portal_staff_add_prompts_without_echo(portal, monkeypatch, capsys):
    from tui import cli

    monkeypatch.setenv("PORTAL_DATA_DIR", str(portal.data_dir))
    answers = iter(["dana", "Dana Scully", "clinician"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    secrets = iter(["the truth is out there somewhere", "the truth is out there somewhere"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert cli.main(["staff", "add"]) == 0
    staff = StaffUser.get(StaffUser.username == "dana")
    assert (staff.full_name, staff.role) == ("Dana Scully", "clinician")
    assert "Added Dana Scully" in capsys.readouterr().out

    secrets = iter(["the truth is out there somewhere", "a different passphrase entirely"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert cli.main(["staff", "add", "--username", "fox", "--full-name", "Fox Mulder", "--role", "admin"]) == 1
    assert "differ" in capsys.readouterr().err

    secrets = iter(["the truth is out there somewhere"] * 2)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert cli.main(["staff", "add", "--username", "walter", "--full-name", "Walter Skinner", "--role", "clinician",
                     "--email", "skinner@FBI.example"]) == 0
    assert StaffUser.get(StaffUser.username == "walter").email == "skinner@fbi.example"
    capsys.readouterr()

    secrets = iter(["short", "short"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(secrets))
    assert cli.main(["staff", "add", "--username", "fox", "--full-name", "Fox Mulder", "--role", "admin"]) == 1
    assert "Password:" in capsys.readouterr().err
    assert not StaffUser.select().where(StaffUser.username == "fox").exists()


def test_portal_staff_help(capsys):
    from tui import cli

    with pytest.raises(SystemExit):
        cli.main(["staff", "--help"])
    assert "add" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["staff", "add", "--help"])
    assert "--role" in capsys.readouterr().out
