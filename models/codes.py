"""Invitation and reset codes: made with `secrets`, stored only as HMAC digests.

A code is 16 Crockford base32 characters (80 bits), shown in groups of four.
Typing is forgiving: case, spaces and dashes don't matter; O reads as 0 and
I/L as 1. The HMAC key lives in a 0600 file outside the database, so a copy
of the database alone cannot be used to test guesses offline.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from .file_modes import make_private_dirs

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1"})

_key: bytes | None = None


def load_key(path: Path) -> bytes:
    """Read the key, creating it (mode 0600) on first run."""
    global _key
    make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    _key = path.read_bytes()
    if len(_key) < 32:
        raise RuntimeError(f"The secret key file {path} is damaged (too short).")
    return _key


def key() -> bytes:
    if _key is None:
        raise RuntimeError("The secret key is not loaded; call models.setup.open_portal first.")
    return _key


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be one."""
    raw = "".join(ch for ch in (typed or "")[:64].upper() if ch not in " -\t")
    raw = raw.translate(_FOLD)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return raw


def grouped(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def digest(code: str, purpose: str = "invite") -> str:
    return hmac.new(key(), f"{purpose}:{code}".encode(), hashlib.sha256).hexdigest()
