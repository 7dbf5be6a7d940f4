"""The practice this installation serves (one row)."""
from __future__ import annotations

from .tables import Practice
from .text import single_line


def get_practice() -> Practice:
    practice = Practice.select().order_by(Practice.id).first()
    if practice is None:
        practice = Practice.create(name="Our Practice")
    return practice


def update_practice(**fields) -> Practice:
    practice = get_practice()
    for name, value in fields.items():
        setattr(practice, name, single_line(value) if isinstance(value, str) else value)  # shown on every screen
    practice.save()
    return practice
