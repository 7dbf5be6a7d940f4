"""The enqueue side of the outbox.

Callers run `enqueue` inside the same transaction as the change that needs
the email, so the two commit or roll back together. Delivery lives in
`models.mail`.
"""
from __future__ import annotations

import json
from typing import Any

from . import clock
from .tables import Client, Invitation, OutboxMessage
from .text import single_line


def enqueue(
    kind: str,
    to_addr: str,
    to_name: str,
    context: dict[str, Any],
    *,
    client: Client | None = None,
    invitation: Invitation | None = None,
) -> OutboxMessage:
    now = clock.now()
    return OutboxMessage.create(
        kind=kind,
        to_addr=single_line(to_addr),
        to_name=single_line(to_name),
        context=json.dumps(context, default=str, sort_keys=True),
        client=client,
        invitation=invitation,
        status="queued",
        next_attempt_at=now,
        created_at=now,
    )
