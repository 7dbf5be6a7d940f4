"""Delivery to a provider-like server: STARTTLS required, a checked certificate, a login."""
from __future__ import annotations

from dataclasses import replace

import pytest

from models.config import SmtpSettings
from models.mail.deliver import deliver_all, deliver_due
from models.mail.local_server import LocalMailServer, provider_options, self_signed_certificate
from models.tables import OutboxMessage

from .conftest import enqueue_invitation, read_maildir

USER, PASSWORD = "mailer@riverside.example", "a long relay password"


@pytest.fixture
def provider(portal, tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    cert, key = self_signed_certificate(tmp_path / "tls")
    server = LocalMailServer(portal.maildir, **provider_options(cert, key, USER, PASSWORD)).start()
    yield server, cert
    server.stop()


def _settings(portal, port, password=PASSWORD):
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="starttls", user=USER, password=password)
    return replace(portal, smtp=smtp)


def test_untrusted_certificate_is_refused_then_trusted_one_delivers(practice, portal, provider, clock, monkeypatch):
    server, cert = provider
    row = enqueue_invitation()
    report = deliver_due(_settings(portal, server.port))
    assert report.retrying == 1
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "retrying"
    assert row.last_error.startswith("server certificate not trusted")
    assert read_maildir(portal.maildir) == []

    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    clock.advance(seconds=30)
    assert deliver_all(_settings(portal, server.port)).sent == 1
    [msg] = read_maildir(portal.maildir)
    assert msg["X-RcptTo"] == "maria@example.com"


def test_wrong_password_is_retried_with_the_servers_reply(practice, portal, provider, monkeypatch):
    server, cert = provider
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    row = enqueue_invitation()
    assert deliver_due(_settings(portal, server.port, password="wrong")).retrying == 1
    row = OutboxMessage.get_by_id(row.id)
    assert row.status == "retrying"
    assert row.last_error.startswith("login refused: 535")
