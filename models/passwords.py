"""Password hashing and the password policy.

Hashing is argon2id with argon2-cffi's defaults (RFC 9106 low-memory, above
OWASP's minimum). Tests swap in a cheap hasher with `use_hasher`; the product
never does.
"""
from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import Argon2Error, InvalidHashError

from .text import fold, spaced_lines, without_controls

MIN_LENGTH = 15
MAX_LENGTH = 128
MIN_SCORE = 3
SCORED_LENGTH = 72  # zxcvbn 4.5 refuses longer input (its matching grows too slow)

log = logging.getLogger("portal.passwords")
# zxcvbn keeps the last call's user inputs in a module-level dict, so two
# threads scoring at once could score against each other's names.
_zxcvbn_lock = threading.Lock()

_hasher = PasswordHasher()


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    global _hasher
    previous, _hasher = _hasher, hasher
    _dummy_hash.cache_clear()
    return previous


def normalize(password: str) -> str:
    """What is hashed and measured: the password as a form field holds it
    (`models.text`'s rule: no controls or invisible characters, line breaks
    as spaces), NFKC-normalised. So a password set at the CLI, where nothing
    strips it, is the one a person can type into the apps."""
    return unicodedata.normalize("NFKC", without_controls(spaced_lines(password or "")))


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
    """Check a new password; `personal` holds names, dates and the practice name.

    The limits apply to the NFKC-normalised password, which is what is hashed
    (a ligature such as 'ﬃ' counts as the three letters it stands for). Every
    length from MIN_LENGTH to MAX_LENGTH gets an answer, never an exception.
    """
    typed = password or ""
    password = normalize(typed)
    if confirm is not None and password != normalize(confirm):
        return PolicyResult(False, "The two passwords do not match.")
    if len(password) < MIN_LENGTH:
        return PolicyResult(False, f"Too short: use at least {MIN_LENGTH} characters (a few words make it easy).")
    if len(password) > MAX_LENGTH:
        why = " (some characters, like ﬁ or ½, count as more than one)" if len(typed) <= MAX_LENGTH else ""
        return PolicyResult(False, f"Too long: use at most {MAX_LENGTH} characters{why}.")
    folded = fold(password)
    for item in personal:
        key = fold(item)
        if len(key) >= 3 and key in folded:
            return PolicyResult(False, "It contains your name, date of birth or the practice's name; choose something else.")
    try:
        score, warning = _guessability(password, [p for p in personal if p])
    except Exception as exc:  # a scorer failure refuses the password; it never crashes a form
        log.error("password strength check failed: %s", type(exc).__name__)  # never the password itself
        return PolicyResult(False, "This password could not be checked. Try a different one; a few unrelated words work well.")
    if score < MIN_SCORE:
        hint = warning or "It is too easy to guess"
        return PolicyResult(False, f"Too common or easy to guess ({hint.rstrip('.')}). Try a few unrelated words.")
    return PolicyResult(True)


def _guessability(password: str, user_inputs: list[str]) -> tuple[int, str]:
    """zxcvbn's score (0-4) and warning for `password`.

    zxcvbn scores at most SCORED_LENGTH characters. A longer password is
    scored as its first and its last SCORED_LENGTH characters (together they
    cover all of it, as MAX_LENGTH <= 2 * SCORED_LENGTH) and gets the better
    score: a password that holds a hard-to-guess stretch of 72 characters is
    at least as hard to guess as that stretch, whatever surrounds it. A long
    run of one letter, or a short phrase said over and over, is easy in both
    windows and so still refused. Two calls at most, since zxcvbn can take
    a second or two on one window of leetspeak.
    """
    from zxcvbn import zxcvbn  # imported late: loading its word lists takes a moment

    windows = [password[:SCORED_LENGTH]]
    if len(password) > SCORED_LENGTH:
        windows.append(password[-SCORED_LENGTH:])
    best: tuple[int, str] = (-1, "")
    with _zxcvbn_lock:
        for window in windows:
            result = zxcvbn(window, user_inputs=user_inputs, max_length=SCORED_LENGTH)
            if result["score"] > best[0]:
                best = (result["score"], result["feedback"].get("warning") or "")
            if best[0] >= MIN_SCORE:
                break
    return best
