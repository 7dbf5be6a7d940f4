"""Folding and checking of text people type: names, emails, free text."""
from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
MAX_EMAIL = 254
MAX_TEXT = 10_000

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


class InvalidInput(ValueError):
    """A value a person typed that cannot be stored; the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def has_control(value: str) -> bool:
    """True for C0/C1 controls and bidi overrides (they can rewrite a screen or a header)."""
    if value.isascii() and value.isprintable():  # the usual case, without a lookup per character
        return False
    return any(
        unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d" for ch in value
    )


def without_controls(value: str) -> str:
    """`value` without the characters `has_control` finds."""
    if not has_control(value):
        return value
    return "".join(ch for ch in value if not has_control(ch))


def single_line(value: str) -> str:
    """Remove anything that could split an email header or a terminal line."""
    return without_controls(value).strip()


def fold(value: str) -> str:
    """Case-, accent- and space-insensitive key: 'Ó Brien-Smith' -> 'obriensmith'."""
    decomposed = unicodedata.normalize("NFKD", value)
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in no_marks.casefold() if ch.isalnum())


def clean_name(value: str, field: str = "name", *, required: bool = True) -> str:
    value = unicodedata.normalize("NFC", value or "").strip()
    label = field.replace("_", " ").capitalize()
    if not value:
        if required:
            raise InvalidInput(field, f"{label} is required.")
        return ""
    if len(value) > MAX_NAME:
        raise InvalidInput(field, f"{label} can be at most {MAX_NAME} characters.")
    if has_control(value):
        raise InvalidInput(field, f"{label} contains characters that are not allowed (control characters).")
    if not fold(value):
        raise InvalidInput(field, f"{label} needs at least one letter or digit.")
    return value


def clean_email(value: str, field: str = "email", *, required: bool = True) -> str:
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidInput(field, "An email address is required.")
        return ""
    if len(value) > MAX_EMAIL or has_control(value) or not _EMAIL.match(value):
        raise InvalidInput(field, "That does not look like an email address (name@example.com).")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_key(value: str) -> str:
    """Accounts are looked up case-insensitively."""
    return value.strip().lower()


def clean_text(value: str, field: str = "text", *, required: bool = False, max_len: int = MAX_TEXT) -> str:
    """Free text (reasons, messages): newlines and tabs allowed, other controls not."""
    value = (value or "").strip()
    label = field.replace("_", " ").capitalize()
    if required and not value:
        raise InvalidInput(field, f"{label} is required.")
    if len(value) > max_len:
        raise InvalidInput(field, f"{label} can be at most {max_len:,} characters.")
    if any(has_control(ch) and ch not in "\n\t" for ch in value):
        raise InvalidInput(field, f"{label} contains characters that are not allowed (control characters).")
    return value
