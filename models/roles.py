"""What each staff role may see and do: the minimum-necessary rule.

    admin       everything: staff users, practice settings, the audit trail,
                and all that follows
    clinician   the charts they are the clinician of: clinical results (form
                answers, scores, risk alerts), documents, forms sent, and
                those charts' audit trail
    front_desk  every chart: portal access (invite, resend, revoke, change of
                owner), documents, appointments, billing, forms sent; sees that
                a questionnaire was completed and when, never its answers

The rule lives here and every domain function that needs it calls
`require()` before it changes or reads anything; a screen only hides what
this refuses. A refusal is a clear message and an audit row. SYSTEM (the CLI
on the server, scheduled jobs) may do everything.
"""
from __future__ import annotations

from .audit import Actor, record
from .errors import NotAllowed
from .tables import Client, StaffUser

ANY_CHART = "any"
OWN_CHARTS = "own"

# permission -> role -> which charts
RULES: dict[str, dict[str, str]] = {
    "charts": {"admin": ANY_CHART, "front_desk": ANY_CHART, "clinician": OWN_CHARTS},
    "portal_access": {"admin": ANY_CHART, "front_desk": ANY_CHART},
    "documents": {"admin": ANY_CHART, "front_desk": ANY_CHART, "clinician": OWN_CHARTS},
    "appointments": {"admin": ANY_CHART, "front_desk": ANY_CHART},
    "billing": {"admin": ANY_CHART, "front_desk": ANY_CHART},
    "forms": {"admin": ANY_CHART, "front_desk": ANY_CHART, "clinician": OWN_CHARTS},
    "clinical": {"admin": ANY_CHART, "clinician": OWN_CHARTS},
    "staff_admin": {"admin": ANY_CHART},
    "audit": {"admin": ANY_CHART, "clinician": OWN_CHARTS},   # the trail of every chart, or of their own
}

REFUSALS = {
    "portal_access": "Portal access is managed by the front desk or an administrator.",
    "clinical": "Clinical results are shown only to the chart's clinician and administrators.",
    "staff_admin": "Only an administrator can manage staff accounts.",
    "audit": "The audit trail is shown to administrators, and to clinicians for their own charts.",
}


def _staff(by: Actor) -> StaffUser | None:
    if by.kind != "staff":
        return None
    return StaffUser.get_or_none((StaffUser.username == by.ref) & (StaffUser.active == True))  # noqa: E712


def _reach(by: Actor, permission: str) -> tuple[str | None, StaffUser | None]:
    """How far `by` reaches with `permission` (ANY_CHART, OWN_CHARTS or None), and who they are."""
    if by.kind == "system":
        return ANY_CHART, None
    staff = _staff(by)
    return (RULES[permission].get(staff.role) if staff else None), staff


def allowed(by: Actor, permission: str, chart_id: int | None = None) -> bool:
    reach, staff = _reach(by, permission)
    if reach == ANY_CHART:
        return True
    if reach == OWN_CHARTS:
        return chart_id is not None and Client.select().where(
            (Client.id == chart_id) & (Client.clinician == staff.id)
        ).exists()
    return False


def require(by: Actor, permission: str, chart_id: int | None = None, *, action: str = "") -> None:
    """Go on, or refuse with a clear message and an audit row (`action`, or
    "refused.<permission>"). Call it before the caller's transaction, so the
    refusal's row is kept."""
    if allowed(by, permission, chart_id):
        return
    record(by, action or f"refused.{permission}", chart=chart_id, outcome="refused")
    raise NotAllowed(REFUSALS.get(permission, "Your role does not allow that; ask an administrator."))


def charts_in_scope(by: Actor, permission: str):
    """A subquery of chart ids for a chart-id column's `in_()`: None for every
    chart (admin, SYSTEM), the clinician's own charts, or no chart at all
    (a role without the permission, anyone else)."""
    reach, staff = _reach(by, permission)
    if reach == ANY_CHART:
        return None
    if reach == OWN_CHARTS:
        return Client.select(Client.id).where(Client.clinician == staff.id)
    return Client.select(Client.id).where(Client.id.is_null())   # nothing


def clinical_charts(by: Actor):
    """A condition on a chart-id column for lists of clinical results (alerts):
    None for every chart (admin, SYSTEM), the clinician's own charts, or no
    chart at all (front desk, anyone else)."""
    return charts_in_scope(by, "clinical")


def require_charts(by: Actor, permission: str, *, action: str = ""):
    """charts_in_scope(), for a list refused outright (as require() refuses,
    audited) to anyone whose role has `permission` on no chart at all."""
    if _reach(by, permission)[0] is None:
        require(by, permission, action=action)   # refuses
    return charts_in_scope(by, permission)


def assign_clinician(by: Actor, chart_id: int, staff_id: int | None) -> None:
    """Make `staff_id` (a clinician or admin) the chart's clinician, or none."""
    require(by, "portal_access", chart_id)   # the front desk and admins keep charts in order
    if staff_id is not None and not StaffUser.select().where(
        (StaffUser.id == staff_id) & StaffUser.role.in_(("clinician", "admin")) & (StaffUser.active == True)  # noqa: E712
    ).exists():
        raise NotAllowed("Choose an active clinician.")
    Client.update(clinician=staff_id).where(Client.id == chart_id).execute()
    record(by, "chart.clinician", chart=chart_id, detail=f"staff {staff_id}")
