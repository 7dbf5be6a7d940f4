"""The invitation carries the SSH door's host key fingerprint (issue 16, friction).

The emailed ssh line opens a connection to a host the person has never
seen: ssh asks whether to trust its key, and the email now says which
fingerprint to expect, so the question can be answered.
"""
from __future__ import annotations

from models.mail.compose import door_fingerprint
from models.mail.deliver import deliver_all
from models.mail.render import text_part
from tui.ssh.hostkey import fingerprint, host_key_path, load_or_create_host_key

from .conftest import enqueue_invitation, read_maildir


def test_the_fingerprint_is_the_door_key_s(portal):
    assert door_fingerprint(portal.data_dir) == ""  # no door has run here yet: nothing to say
    key = load_or_create_host_key(host_key_path(portal.data_dir))
    assert door_fingerprint(portal.data_dir) == fingerprint(key)


def test_the_delivered_invitation_names_the_fingerprint(practice, portal, mail_server, mail_settings, clock):
    key = load_or_create_host_key(host_key_path(portal.data_dir))
    enqueue_invitation()
    deliver_all(mail_settings)
    (msg,) = read_maildir(portal.maildir)
    text = text_part(msg)
    assert fingerprint(key) in text
    assert "ssh asks" in text
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert fingerprint(key) in html
