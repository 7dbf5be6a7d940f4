"""What each staff role may see and do: the minimum-necessary rule.

    admin       everything: staff users, practice settings, the audit trail,
                and all that follows
    clinician   the charts they are the clinician of: clinical results (form
                answers, scores, risk alerts), documents, forms sent, those
                charts' audit trail; no other chart is found in a search, a queue or a count, or opened
    front_desk  every chart: new charts, portal access (invite, resend, revoke,
                change of owner), the chart's clinician, documents,
                appointments, billing, forms sent; sees that a questionnaire
                was completed and when, never its answers

The rule lives here and every domain function that needs it calls
`require()` before it changes or reads anything, or narrows its lists with
`chart_scope()`; a screen only hides what this refuses (`permissions_of`
tells it what a role may do at all). A refusal is a clear message and an
audit row. SYSTEM (the CLI on the server, scheduled jobs) may do everything.
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
    "new_chart": {"admin": ANY_CHART, "front_desk": ANY_CHART},
    "assign_clinician": {"admin": ANY_CHART, "front_desk": ANY_CHART},
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
    "charts": "That chart is not one of yours: a clinician sees only the charts they are the clinician of.",
    "new_chart": "New charts are made by the front desk or an administrator.",
    "assign_clinician": "A chart's clinician is chosen by the front desk or an administrator.",
    "portal_access": "Portal access is managed by the front desk or an administrator.",
    "documents": "A chart's documents are for its clinician, the front desk and administrators.",
    "appointments": "Appointments are managed by the front desk or an administrator.",
    "billing": "Billing is managed by the front desk or an administrator.",
    "forms": "A chart's forms are sent by its clinician, the front desk or an administrator.",
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


def permissions_of(role: str) -> frozenset[str]:
    """What a role may do at all (on its own charts at least): what its screens offer."""
    return frozenset(p for p, roles in RULES.items() if role in roles)


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


def chart_scope(by: Actor, permission: str = "charts"):
    """A condition on Client for lists and counts of charts: None for every
    chart (admin, front desk, SYSTEM), the clinician's own charts, or no chart
    at all (a role without the permission, anyone else)."""
    reach, staff = _reach(by, permission)
    if reach == ANY_CHART:
        return None
    if reach == OWN_CHARTS:
        return Client.clinician == staff.id
    return Client.id.is_null()   # nothing


def charts_in_scope(by: Actor, permission: str):
    """chart_scope as a subquery of chart ids, for a chart-id column's `in_()`;
    None for every chart."""
    scope = chart_scope(by, permission)
    return None if scope is None else Client.select(Client.id).where(scope)


def clinical_charts(by: Actor):
    """A condition on a chart-id column for lists of clinical results (alerts):
    None for every chart (admin, SYSTEM), the clinician's own charts, or no
    chart at all (front desk, anyone else)."""
    return charts_in_scope(by, "clinical")


# --- a chart's clinician ---------------------------------------------------------

CLINICIAN_ROLES = ("clinician", "admin")   # who may be a chart's clinician


def _may_be_clinician():
    return StaffUser.role.in_(CLINICIAN_ROLES) & (StaffUser.active == True)  # noqa: E712


def clinician_choices() -> list[tuple[int, str, str]]:
    """(staff id, name, role) of everyone who may be a chart's clinician:
    active clinicians first, then administrators, each by name."""
    query = (StaffUser.select(StaffUser.id, StaffUser.full_name, StaffUser.role).where(_may_be_clinician())
             .order_by(StaffUser.role.desc(), StaffUser.full_name, StaffUser.id).tuples())
    return list(query)


def require_charts(by: Actor, permission: str, *, action: str = ""):
    """charts_in_scope(), for a list refused outright (as require() refuses,
    audited) to anyone whose role has `permission` on no chart at all."""
    if _reach(by, permission)[0] is None:
        require(by, permission, action=action)   # refuses
    return charts_in_scope(by, permission)


def assign_clinician(by: Actor, chart_id: int, staff_id: int | None) -> bool:
    """Make `staff_id` (an active clinician or admin) the chart's clinician, or
    none; audited with who it was and who it is. False if nothing changed."""
    require(by, "assign_clinician", chart_id)
    from .charts import get_chart
    from .db import database

    if staff_id is not None and not StaffUser.select().where((StaffUser.id == staff_id) & _may_be_clinician()).exists():
        raise NotAllowed("Choose an active clinician.")
    with database.atomic():
        before = get_chart(chart_id).clinician_id
        if before == staff_id:
            return False
        names = dict(StaffUser.select(StaffUser.id, StaffUser.username)
                     .where(StaffUser.id.in_([i for i in (before, staff_id) if i is not None])).tuples())
        Client.update(clinician=staff_id).where(Client.id == chart_id).execute()
        record(by, "chart.clinician", chart=chart_id,
               detail=f"{names.get(before, 'none')} -> {names.get(staff_id, 'none')}")
    return True
