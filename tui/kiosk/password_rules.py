"""The password rules shown on the forms that set one.

Kept apart from base.py: reading the limits imports models.passwords and
argon2, which the Welcome screen does not need at start-up.
"""
from __future__ import annotations

from models.passwords import MAX_LENGTH, MIN_LENGTH

PASSWORD_RULES = (
    f"Password: {MIN_LENGTH} to {MAX_LENGTH} characters; a few unrelated words work well. "
    "Not your name, date of birth or the practice's name."
)
