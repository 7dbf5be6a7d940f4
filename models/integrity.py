"""Cross-table consistency checks: what must hold whatever crashed when.

Used by the fault tests and available to operators (`portal db check`).
"""
from __future__ import annotations

from peewee import JOIN, fn

from .audit import verify_trail
from .tables import ChartAccess, Invitation, OutboxMessage, PortalAccount


def problems() -> list[str]:
    found: list[str] = []
    # Every invitation was queued for email in its own transaction, and every
    # invitation email belongs to an invitation.
    lonely = (
        Invitation.select(Invitation.id)
        .join(OutboxMessage, JOIN.LEFT_OUTER, on=(OutboxMessage.invitation == Invitation.id))
        .where(OutboxMessage.id.is_null())
    )
    for inv in lonely:
        found.append(f"invitation {inv.id} has no email in the outbox")
    orphans = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.kind == "invitation") & OutboxMessage.invitation.is_null()
    )
    for msg in orphans:
        found.append(f"invitation email {msg.id} has no invitation")
    # A consumed invitation means its owner period has an account, and an
    # account exists only because some registration linked it.
    half = (
        Invitation.select(Invitation.id)
        .join(ChartAccess, on=(Invitation.access == ChartAccess.id))
        .where(Invitation.consumed_at.is_null(False) & ChartAccess.account.is_null())
    )
    for inv in half:
        found.append(f"invitation {inv.id} was used but its owner has no account")
    unlinked = (
        PortalAccount.select(PortalAccount.id)
        .join(ChartAccess, JOIN.LEFT_OUTER, on=(ChartAccess.account == PortalAccount.id))
        .where(ChartAccess.id.is_null())
    )
    for acc in unlinked:
        found.append(f"account {acc.id} is linked to no chart")
    # One current owner per chart, and at most one live code per chart.
    doubled = (
        ChartAccess.select(ChartAccess.client, fn.COUNT(ChartAccess.id).alias("n"))
        .where(ChartAccess.ended_at.is_null())
        .group_by(ChartAccess.client)
        .having(fn.COUNT(ChartAccess.id) > 1)
    )
    for row in doubled:
        found.append(f"chart {row.client_id} has {row.n} current owners")
    live = (
        Invitation.select(Invitation.client, fn.COUNT(Invitation.id).alias("n"))
        .where(Invitation.consumed_at.is_null() & Invitation.superseded_at.is_null() & Invitation.revoked_at.is_null())
        .group_by(Invitation.client)
        .having(fn.COUNT(Invitation.id) > 1)
    )
    for row in live:
        found.append(f"chart {row.client_id} has {row.n} live codes")
    found.extend(verify_trail().problems)
    return found
