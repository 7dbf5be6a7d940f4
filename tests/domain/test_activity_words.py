"""A chart's Activity reads as sentences, repeats folded, its owner's failed sign-ins and lockout shown (issue 16)."""
from __future__ import annotations

from models.auth import MAX_FAILURES, client_login
from models.records import ClientViewer, client_documents, share_document
from models.registration import register
from models.staff_views import activity_view, event_words
from models.tables import PortalAccount

from .helpers import GOOD_PASSWORD, STAFF, invited_chart


def test_activity_in_words_with_repeats_folded_and_failed_sign_ins(portal, clock):
    client, code = invited_chart()
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, "kiosk")
    account = PortalAccount.get()
    share_document(STAFF, client, "Sleep hygiene tips", "Keep a routine.")
    viewer = ClientViewer(account.id, client.id, source="kiosk")
    for _ in range(3):
        client_documents(viewer)
    for _ in range(MAX_FAILURES):
        client_login("jamie@example.com", "not the password", "ssh:203.0.113.9")
    client_login("jamie@example.com", GOOD_PASSWORD, "ssh:203.0.113.9")  # locked: refused too

    rows = activity_view(STAFF, client.id)
    words = [r.what for r in rows]
    assert words[:4] == [
        "Was refused portal sign-in: the login is locked",
        "Failed to sign in to the portal: wrong password",
        "Was locked out of the portal after too many wrong passwords",
        f"Failed to sign in to the portal: wrong password ({MAX_FAILURES - 1} times)",
    ]
    assert all(r.failed for r in rows[:4])
    assert "Looked at the shared documents (3 times)" in words
    assert "Shared a document" in words
    looked = rows[words.index("Looked at the shared documents (3 times)")]
    assert (looked.who, looked.source, looked.count, looked.failed) == ("Jamie Rivera", "kiosk", 3, False)
    assert rows[words.index("Shared a document")].who == "Fran Desk"
    assert not any("." in w.split(" ")[0] for w in words)  # no raw event names


def test_an_action_without_words_still_reads():
    assert event_words("form.recur.begin", "ok") == "Form recur begin"
    assert event_words("something_new", "refused") == "Something new (refused)"


def test_stop_sharing_a_document(portal, clock):
    import pytest

    from models.errors import NotAllowed, StateConflict
    from models.records import open_document, unshare_document
    from models.tables import AuditEvent, Document

    client, code = invited_chart()
    register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, "kiosk")
    viewer = ClientViewer(PortalAccount.get().id, client.id)
    doc = share_document(STAFF, client, "Wrong client's letter", "Not for Jamie.")
    assert unshare_document(STAFF, client, doc.id) == "Wrong client's letter"
    assert not Document.select().exists()
    assert client_documents(viewer) == []
    with pytest.raises(NotAllowed):
        open_document(viewer, doc.id)
    with pytest.raises(StateConflict):  # twice, or from two workstations at once
        unshare_document(STAFF, client, doc.id)
    assert AuditEvent.get(AuditEvent.action == "document.unshare").detail == f"document {doc.id}"
    assert "Stopped sharing a document" in [row.what for row in activity_view(STAFF, client.id)]
