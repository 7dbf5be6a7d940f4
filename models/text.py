"""Folding and checking of text people type: names, emails, free text.

One rule for what is stored, on every path (forms, CLI, domain): text loses

- terminal escape sequences, whole: CSI ('\\x1b[31m'), OSC/DCS/APC strings
  and two-character escapes, so nothing like '[31m' is left behind;
- controls: C0 (tab and line breaks become a space in one-line fields; free
  text keeps newlines and tabs), DEL and C1;
- invisible format characters (Unicode category Cf): bidi embeddings,
  overrides, isolates and marks (U+202A-202E, U+2066-2069, U+200E/200F,
  U+061C), zero-width characters (U+200B-200D, U+2060, U+FEFF), soft hyphens;
- the line and paragraph separators U+2028/U+2029 and lone surrogates;
- combining marks past MAX_MARKS in a row ("Zalgo" text): the first ones stay.

Stripping rather than refusing keeps a paste usable (what is left is what
the field showed). A required value left empty by it is refused with a reason.
"""
from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
MAX_EMAIL = 254
MAX_TEXT = 10_000
# Real writing stacks few marks on one letter (Vietnamese and Hebrew pointing
# three at most, Tibetan stacks four); "Zalgo" text stacks dozens.
MAX_MARKS = 4

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")

_REMOVED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_MARKS = frozenset({"Mn", "Me"})
# What a terminal acts on. The string bodies exclude every introducer, so
# each character is scanned a bounded number of times (no quadratic case).
_STRING_END = "\x07\x1b\x9c\x90\x98\x9d\x9e\x9f"
_ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clears
    f"|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^{_STRING_END}]*(?:\x07|\x1b\\\\|\x9c)"  # OSC, DCS, SOS, PM, APC
    "|\x1b[ -/]*[0-~]"  # two-character escapes (ESC c, ESC 7, ESC ( B) and an unfinished ESC [ or ESC ]
)
_INTRODUCERS = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
# Tab and every line break str.splitlines knows (CR, LF, VT, FF, FS, GS, RS, NEL, U+2028, U+2029).
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_NEWLINES = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # each one line break, as "\n"


class InvalidInput(ValueError):
    """A value a person typed that cannot be stored; the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def has_control(value: str) -> bool:
    """True if `value` holds anything the text rule removes (see the module's docstring)."""
    if value.isascii() and value.isprintable():  # the usual case, without a lookup per character
        return False
    run = 0
    for ch in value:
        category = unicodedata.category(ch)
        if category in _REMOVED:
            return True
        run = run + 1 if category in _MARKS else 0
        if run > MAX_MARKS:
            return True
    return False


def without_controls(value: str, keep: str = "", *, marks_before: int = 0, max_marks: int | None = MAX_MARKS) -> str:
    """`value` under the text rule, in its order: escape sequences and
    controls gone (except the characters in `keep`), runs of combining marks
    cut to `max_marks`. `marks_before` counts the marks just before `value`
    (a field inserting text after an accent)."""
    if value.isascii() and value.isprintable():
        return value
    if _INTRODUCERS.search(value):
        value = _ESCAPE_SEQUENCE.sub("", value)
    kept: list[str] = []
    run = marks_before
    for ch in value:
        if ch in keep:
            kept.append(ch)
            run = 0
            continue
        category = unicodedata.category(ch)
        if category in _REMOVED:
            continue  # removed without ending a run of marks, so it cannot hide one
        if category in _MARKS:
            run += 1
            if max_marks is not None and run > max_marks:
                continue
        else:
            run = 0
        kept.append(ch)
    return "".join(kept)


def spaced_lines(value: str) -> str:
    """Tabs and line breaks as one space each run, none at the ends: a
    multi-line paste as a one-line field takes it."""
    return _BREAKS.sub(" ", value.strip("\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))


def plain_lines(value: str) -> str:
    """Multi-line text under the rule: every line break a newline, tabs kept."""
    return without_controls(_NEWLINES.sub("\n", value), keep="\n\t")


def single_line(value: str) -> str:
    """Remove anything that could split an email header or a terminal line."""
    return without_controls(_BREAKS.sub(" ", value)).strip()


def _stored(value: str, keep: str = "") -> str:
    """NFC under the text rule. Marks are cut after composing (NFC can turn
    one character into two marks, and composes what a removed character split)."""
    value = unicodedata.normalize("NFC", without_controls(unicodedata.normalize("NFC", value), keep, max_marks=None))
    return without_controls(value, keep)


def _nothing_left(label: str) -> str:
    return f"{label} has only invisible or control characters; type it again."


def fold(value: str) -> str:
    """Case-, accent- and space-insensitive key: 'Ó Brien-Smith' -> 'obriensmith'."""
    decomposed = unicodedata.normalize("NFKD", value)
    no_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in no_marks.casefold() if ch.isalnum())


def clean_name(value: str, field: str = "name", *, required: bool = True) -> str:
    """A one-line value (name, title, description) as it is stored, or InvalidInput saying why not."""
    raw = value or ""
    value = _stored(_BREAKS.sub(" ", raw)).strip()
    label = field.replace("_", " ").capitalize()
    if not value:
        if raw.strip():
            raise InvalidInput(field, _nothing_left(label))
        if required:
            raise InvalidInput(field, f"{label} is required.")
        return ""
    if len(value) > MAX_NAME:
        raise InvalidInput(field, f"{label} can be at most {MAX_NAME} characters.")
    if not fold(value):
        raise InvalidInput(field, f"{label} needs at least one letter or digit.")
    return value


def clean_email(value: str, field: str = "email", *, required: bool = True) -> str:
    raw = value or ""
    value = single_line(raw)  # a zero-width space copied with an address goes; a CR/LF still makes it invalid
    if not value:
        if raw.strip():
            raise InvalidInput(field, "That does not look like an email address (name@example.com).")
        if required:
            raise InvalidInput(field, "An email address is required.")
        return ""
    if len(value) > MAX_EMAIL or not _EMAIL.match(value):
        raise InvalidInput(field, "That does not look like an email address (name@example.com).")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_key(value: str) -> str:
    """Accounts are looked up case-insensitively."""
    return value.strip().lower()


def clean_text(value: str, field: str = "text", *, required: bool = False, max_len: int = MAX_TEXT) -> str:
    """Free text (documents, reasons, messages) as it is stored: every line
    break becomes a newline, newlines and tabs stay, the rest of the text
    rule applies."""
    raw = value or ""
    value = _stored(_NEWLINES.sub("\n", raw), keep="\n\t").strip()
    label = field.replace("_", " ").capitalize()
    if not value and raw.strip():
        raise InvalidInput(field, _nothing_left(label))
    if required and not value:
        raise InvalidInput(field, f"{label} is required.")
    if len(value) > max_len:
        raise InvalidInput(field, f"{label} can be at most {max_len:,} characters.")
    return value
