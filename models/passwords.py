"""Password hashing and the password policy.

Hashing is argon2id with argon2-cffi's defaults (RFC 9106 low-memory, above
OWASP's minimum). Tests swap in a cheap hasher with `use_hasher`; the product
never does.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from .text import fold

MIN_LENGTH = 15
MAX_LENGTH = 128
MIN_SCORE = 3

_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    global _hasher
    previous, _hasher = _hasher, hasher
    _dummy_hash.cache_clear()
    return previous


def normalize(password: str) -> str:
    return unicodedata.normalize("NFKC", password or "")


def hash_password(password: str) -> str:
    return _hasher.hash(normalize(password))


def verify(stored_hash: str, password: str) -> bool:
    """True if `password` matches; a damaged hash counts as a mismatch."""
    try:
        return _hasher.verify(stored_hash, normalize(password))
    except (Argon2Error, InvalidHashError, ValueError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a real password, only here to spend the same time")


def dummy_verify(password: str) -> None:
    """Spend one verify, so an unknown user costs what a known one does."""
    verify(_dummy_hash(), password)


@dataclass(frozen=True)
class PolicyResult:
    ok: bool
    reason: str = ""


def check_policy(password: str, confirm: str | None = None, *, personal: tuple[str, ...] = ()) -> PolicyResult:
    """Check a new password; `personal` holds names, dates and the practice name."""
    password = normalize(password)
    if confirm is not None and password != normalize(confirm):
        return PolicyResult(False, "The two passwords do not match.")
    if len(password) < MIN_LENGTH:
        return PolicyResult(False, f"Too short: use at least {MIN_LENGTH} characters (a few words make it easy).")
    if len(password) > MAX_LENGTH:
        return PolicyResult(False, f"Too long: use at most {MAX_LENGTH} characters.")
    folded = fold(password)
    for item in personal:
        key = fold(item)
        if len(key) >= 3 and key in folded:
            return PolicyResult(False, "It contains your name, date of birth or the practice's name; choose something else.")
    from zxcvbn import zxcvbn  # imported late: loading its word lists takes a moment

    result = zxcvbn(password[:100], user_inputs=[p for p in personal if p])
    if result["score"] < MIN_SCORE:
        hint = result["feedback"].get("warning") or "It is too easy to guess"
        return PolicyResult(False, f"Too common or easy to guess ({hint.rstrip('.')}). Try a few unrelated words.")
    return PolicyResult(True)
