"""Runs Chart Owner changes in a loop until killed (see test_crash_consistency)."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import argon2

from models import chart_owner, passwords
from models.audit import Actor
from models.config import Settings
from models.registration import RegistrationError, register
from models.setup import open_portal
from models.tables import Client, OutboxMessage
from models.errors import DomainError

STAFF = Actor("staff", "frontdesk", "crash-test")
PASSWORD = "correct horse battery staple"


def main(data_dir: str, seed: int) -> None:
    passwords.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    open_portal(Settings(data_dir=Path(data_dir)))
    rng = random.Random(seed)
    ids = [c.id for c in Client.select(Client.id)]
    print("ready", flush=True)
    while True:
        client = Client.get_by_id(rng.choice(ids))
        op = rng.choice(["resend", "revoke", "register", "register"])
        try:
            state = chart_owner.owner_state(client)
            if state.status is chart_owner.OwnerStatus.NONE:
                chart_owner.activate_access(STAFF, client)
            elif op == "resend" and state.status is not chart_owner.OwnerStatus.ACTIVE:
                chart_owner.resend_invite(STAFF, client)
            elif op == "revoke":
                chart_owner.revoke_access(STAFF, client)
            elif op == "register" and state.invitation is not None:
                msg = OutboxMessage.get(OutboxMessage.invitation == state.invitation.id)
                code = json.loads(msg.context)["code"]
                register(code, client.last_name, client.date_of_birth.isoformat(), PASSWORD, PASSWORD)
        except (DomainError, RegistrationError):
            pass


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
