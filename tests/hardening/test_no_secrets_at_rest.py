"""After delivery, no password, code or date of birth is left where it should not be.

The whole data dir is searched (database, WAL, logs) for codes and the
password; the audit trail, the logs and the outbox for the date of birth
(the chart itself holds the date of birth, by design).
"""
from __future__ import annotations

import json
import logging

from models import auth
from models.db import database
from models.mail.deliver import deliver_all
from models.mail.local_server import LocalMailServer, local_smtp_settings
from models.registration import register
from models.tables import AuditEvent, OutboxMessage
from tests.domain.helpers import GOOD_PASSWORD, invited_chart


def _files_text(root):
    for path in root.rglob("*"):
        if path.is_file():
            yield path, path.read_bytes()


def test_nothing_secret_at_rest_after_delivery(portal, tmp_path):
    log_file = portal.data_dir / "portal.log"
    handler = logging.FileHandler(log_file)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    logging.getLogger("peewee").setLevel(logging.INFO)  # peewee logs SQL parameters at DEBUG
    try:
        client, code = invited_chart()
        register(code, "Rivera", "04/13/2001", GOOD_PASSWORD, GOOD_PASSWORD, source="kiosk")
        auth.client_login("jamie@example.com", GOOD_PASSWORD)
        auth.request_password_reset("jamie@example.com", "Rivera", "04/13/2001")
        reset_code = json.loads(OutboxMessage.select().where(OutboxMessage.kind == "password_reset").get().context)["code"]
        with LocalMailServer(tmp_path / "mailbox-outside-data-dir") as server:
            report = deliver_all(local_smtp_settings(portal, server.port))
        assert OutboxMessage.select().where(OutboxMessage.status != "sent").count() == 0, report
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()

    secrets = [code, code.replace("-", ""), reset_code, reset_code.replace("-", ""), GOOD_PASSWORD]
    for path, data in _files_text(portal.data_dir):
        for secret in secrets:
            for form in {secret, secret.lower()}:
                assert form.encode() not in data, f"{secret!r} found in {path.name}"

    dob_forms = ["2001-04-13", "04/13/2001", "04132001", "20010413"]
    trail = " ".join(f"{e.actor} {e.action} {e.detail} {e.source} {e.outcome}" for e in AuditEvent.select())
    outbox = " ".join(m.context for m in OutboxMessage.select())
    logs = log_file.read_text()
    for form in dob_forms:
        assert form not in trail and form not in outbox and form not in logs
