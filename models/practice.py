"""The practice this installation serves (one row)."""
from __future__ import annotations

from .tables import Practice


def get_practice() -> Practice:
    practice = Practice.select().order_by(Practice.id).first()
    if practice is None:
        practice = Practice.create(name="Our Practice")
    return practice


def update_practice(**fields) -> Practice:
    practice = get_practice()
    for name, value in fields.items():
        setattr(practice, name, value)
    practice.save()
    return practice
