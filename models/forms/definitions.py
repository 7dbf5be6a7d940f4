"""A form's definition: what it asks, in what order, and how it is scored.

A definition is JSON (a built-in data file, or a staff edit) checked here
into frozen objects before it is stored; the stored text is its canonical
JSON, and its SHA-256 is the version's content hash. Every label and text
passes the text rule (models/text.py), so nothing shown from a form can
carry a control character or an escape sequence.

Field kinds: short_text, long_text, date, number (with a range),
single_choice, multiple_choice, yes_no, item_group (questions sharing one
answer scale, each answered on its own), info (read-only text), signature.

The JSON (see builtin/phq9.json for a whole one):

    {"key": "phq9", "title": "...", "kind": "questionnaire" | "form",
     "intro": "...", "review_note": "who wrote it, who must review it",
     "fields": [{"id": "...", "kind": "...", "label": "...", "help": "...",
                 "required": true, ...kind's own keys...}],
     "scoring": {"scores": [{"id": "total", "label": "...", "sum": [item ids],
                             "bands": [{"from": 0, "to": 4, "label": "Minimal"}, ...]}],
                 "flags": [{"id": "item9", "label": "...", "item": "phq9_9", "above": 0}]}}

Kinds' own keys: max_length (text), range any/past/future (date), min and
max (number), options [{value, label}] (choices), min_choices and
max_choices (multiple), scale [{value: int, label}] and items [{id, label}]
(item_group), text (info; for a signature, the statement signed), and
chart (an answer staff may copy to the chart, see chart_changes.py). Bands
must cover every possible total exactly once; a flag names one item or one
score with `above` or `at_least`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import DomainError
from ..text import InvalidInput, clean_name, clean_text

FIELD_KINDS = (
    "short_text", "long_text", "date", "number", "single_choice",
    "multiple_choice", "yes_no", "item_group", "info", "signature",
)
FORM_KINDS = ("form", "questionnaire")
CAPACITIES = ("self", "parent", "guardian")
DATE_RANGES = ("any", "past", "future")
MAX_FIELDS = 500  # an uploaded PDF may have up to 500 (models/forms/pdf_forms.py)
MAX_SHORT = 200
MAX_LONG = 4000
MAX_INFO = 20_000
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


class DefinitionError(DomainError):
    """A definition that cannot be published; the message says where and why."""


@dataclass(frozen=True)
class Choice:
    value: str | int
    label: str


@dataclass(frozen=True)
class Question:
    """One answerable thing: a field, or one item of an item group."""

    id: str
    kind: str                      # a field kind; "scale_item" for an item of a group
    label: str
    help: str = ""
    required: bool = True
    options: tuple[Choice, ...] = ()
    minimum: int | None = None     # number: the range; multiple_choice: how many
    maximum: int | None = None
    max_length: int = MAX_SHORT
    date_range: str = "any"
    group: str = ""                # the item group's id (its stem is that field's label)
    chart_target: str = ""         # demographics: the chart field this answer may change


@dataclass(frozen=True)
class Field:
    id: str
    kind: str
    label: str
    help: str = ""
    required: bool = True
    text: str = ""                 # info: the text; signature: the statement signed
    questions: tuple[Question, ...] = ()   # what is answered (an item group has several)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class ScoreRule:
    id: str
    label: str
    items: tuple[str, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class FlagRule:
    id: str
    label: str                     # for staff; never in an email
    item: str = ""                 # one of item / score
    score: str = ""
    above: int | None = None       # one of above / at_least
    at_least: int | None = None


@dataclass(frozen=True)
class Definition:
    key: str
    title: str
    kind: str
    intro: str
    fields: tuple[Field, ...]
    scores: tuple[ScoreRule, ...] = ()
    flags: tuple[FlagRule, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for f in self.fields for q in f.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def signature(self) -> Field | None:
        return next((f for f in self.fields if f.kind == "signature"), None)

    @property
    def chart_targets(self) -> dict[str, str]:
        return {q.id: q.chart_target for q in self.questions if q.chart_target}


# --- reading a definition -----------------------------------------------------

CHART_TARGETS = (
    "first_name", "last_name", "date_of_birth", "email", "phone",
    "emergency_contact.first_name", "emergency_contact.last_name",
    "emergency_contact.relationship", "emergency_contact.phone",
)


def _where(path: str, message: str) -> DefinitionError:
    return DefinitionError(f"{path}: {message}")


def _ident(raw: Any, path: str) -> str:
    if not isinstance(raw, str) or not raw or not set(raw) <= _ID_CHARS or len(raw) > 60:
        raise _where(path, "an id is 1-60 lower-case letters, digits or underscores")
    return raw


def _line(raw: Any, path: str, *, required: bool = True) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str):
        raise _where(path, "must be text")
    try:
        return clean_name(raw, "label", required=required) if len(raw) <= 100 else _long_line(raw, path)
    except InvalidInput as exc:
        raise _where(path, exc.message) from None


def _long_line(raw: str, path: str) -> str:
    """A label longer than a name (a questionnaire item): one line of text."""
    value = clean_text(raw.replace("\n", " "), "label", required=True, max_len=500)
    return " ".join(value.split())


def _text(raw: Any, path: str, *, max_len: int = MAX_INFO) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _where(path, "must be text")
    try:
        return clean_text(raw, "text", max_len=max_len)
    except InvalidInput as exc:
        raise _where(path, exc.message) from None


def _int(raw: Any, path: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _where(path, "must be a whole number")
    return raw


def _bool(raw: Any, path: str, default: bool) -> bool:
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise _where(path, "must be true or false")
    return raw


def _known(obj: dict, allowed: set[str], path: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise _where(path, f"unknown key(s) {', '.join(extra)}")


def _choices(raw: Any, path: str, *, numeric: bool) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        raise _where(path, "needs at least one choice")
    found: list[Choice] = []
    for n, item in enumerate(raw):
        where = f"{path}[{n}]"
        if not isinstance(item, dict):
            raise _where(where, "a choice is {\"value\": ..., \"label\": ...}")
        _known(item, {"value", "label"}, where)
        value = _int(item.get("value"), f"{where}.value") if numeric else _ident(item.get("value"), f"{where}.value")
        found.append(Choice(value, _line(item.get("label"), f"{where}.label")))
    if len({c.value for c in found}) != len(found):
        raise _where(path, "two choices have the same value")
    return tuple(found)


_COMMON = {"id", "kind", "label", "help", "required"}
_EXTRA = {
    "short_text": {"max_length", "chart"},
    "long_text": {"max_length"},
    "date": {"range", "chart"},
    "number": {"min", "max"},
    "single_choice": {"options", "chart"},
    "multiple_choice": {"options", "min_choices", "max_choices"},
    "yes_no": set(),
    "item_group": {"scale", "items"},
    "info": {"text"},
    "signature": {"text"},
}


def _field(raw: Any, path: str) -> Field:
    if not isinstance(raw, dict):
        raise _where(path, "a field is an object")
    kind = raw.get("kind")
    if kind not in FIELD_KINDS:
        raise _where(path, f"kind must be one of {', '.join(FIELD_KINDS)}")
    _known(raw, _COMMON | _EXTRA[kind], path)
    fid = _ident(raw.get("id"), f"{path}.id")
    path = f"{path} ({fid})"
    label = _line(raw.get("label"), f"{path}.label")
    help_text = _text(raw.get("help"), f"{path}.help", max_len=500)
    required = _bool(raw.get("required"), f"{path}.required", kind not in ("info",))
    chart = raw.get("chart", "")
    if chart and chart not in CHART_TARGETS:
        raise _where(f"{path}.chart", f"must be one of {', '.join(CHART_TARGETS)}")

    if kind == "info":
        return Field(fid, kind, label, help_text, False, _text(raw.get("text"), f"{path}.text"))
    if kind == "signature":
        statement = _text(raw.get("text"), f"{path}.text", max_len=2000)
        if not statement:
            raise _where(f"{path}.text", "a signature needs the statement that is signed")
        return Field(fid, kind, label, help_text, True, statement)
    if kind == "item_group":
        scale = _choices(raw.get("scale"), f"{path}.scale", numeric=True)
        items = raw.get("items")
        if not isinstance(items, list) or not items:
            raise _where(f"{path}.items", "an item group needs items")
        questions = []
        for n, item in enumerate(items):
            where = f"{path}.items[{n}]"
            if not isinstance(item, dict):
                raise _where(where, "an item is {\"id\": ..., \"label\": ...}")
            _known(item, {"id", "label"}, where)
            questions.append(Question(
                _ident(item.get("id"), f"{where}.id"), "scale_item", _line(item.get("label"), f"{where}.label"),
                "", required, scale, group=fid,
            ))
        return Field(fid, kind, label, help_text, required, questions=tuple(questions))

    q = dict(id=fid, kind=kind, label=label, help=help_text, required=required, chart_target=chart)
    if kind in ("short_text", "long_text"):
        limit = MAX_SHORT if kind == "short_text" else MAX_LONG
        q["max_length"] = _int(raw.get("max_length", limit), f"{path}.max_length")
        if not 1 <= q["max_length"] <= limit:
            raise _where(f"{path}.max_length", f"must be 1 to {limit}")
    elif kind == "date":
        q["date_range"] = raw.get("range", "any")
        if q["date_range"] not in DATE_RANGES:
            raise _where(f"{path}.range", f"must be one of {', '.join(DATE_RANGES)}")
    elif kind == "number":
        q["minimum"] = _int(raw.get("min"), f"{path}.min")
        q["maximum"] = _int(raw.get("max"), f"{path}.max")
        if q["minimum"] > q["maximum"]:
            raise _where(path, "min is above max")
    elif kind in ("single_choice", "multiple_choice"):
        q["options"] = _choices(raw.get("options"), f"{path}.options", numeric=False)
        if kind == "multiple_choice":
            q["minimum"] = _int(raw.get("min_choices", 1 if required else 0), f"{path}.min_choices")
            q["maximum"] = _int(raw.get("max_choices", len(q["options"])), f"{path}.max_choices")
            if not 0 <= q["minimum"] <= q["maximum"] <= len(q["options"]):
                raise _where(path, "min_choices and max_choices must fit the options")
    return Field(fid, kind, label, help_text, required, questions=(Question(**q),))


def _rule_int(raw: dict, name: str, path: str) -> int | None:
    return None if raw.get(name) is None else _int(raw.get(name), f"{path}.{name}")


def _band(raw: Any, path: str) -> Band:
    if not isinstance(raw, dict):
        raise _where(path, "a band is {\"from\": ..., \"to\": ..., \"label\": ...}")
    _known(raw, {"from", "to", "label"}, path)
    return Band(_int(raw.get("from"), f"{path}.from"), _int(raw.get("to"), f"{path}.to"), _line(raw.get("label"), f"{path}.label"))


def _scoring(raw: Any, questions: dict[str, Question], path: str) -> tuple[tuple[ScoreRule, ...], tuple[FlagRule, ...]]:
    if raw is None:
        return (), ()
    if not isinstance(raw, dict):
        raise _where(path, "scoring is an object")
    _known(raw, {"scores", "flags"}, path)
    scores: list[ScoreRule] = []
    for n, item in enumerate(raw.get("scores") or []):
        where = f"{path}.scores[{n}]"
        if not isinstance(item, dict):
            raise _where(where, "a score is an object")
        _known(item, {"id", "label", "sum", "bands"}, where)
        sid = _ident(item.get("id"), f"{where}.id")
        summed = item.get("sum")
        if not isinstance(summed, list) or not summed:
            raise _where(f"{where}.sum", "lists the items that add up")
        for ref in summed:
            q = questions.get(ref)
            if q is None or q.kind != "scale_item":
                raise _where(f"{where}.sum", f"{ref!r} is not an item of an item group")
        low = sum(min(c.value for c in questions[ref].options) for ref in summed)
        high = sum(max(c.value for c in questions[ref].options) for ref in summed)
        bands = tuple(_band(b, f"{where}.bands[{i}]") for i, b in enumerate(item.get("bands") or []))
        if bands:
            # Bands cover every possible total once: no gap, no overlap.
            expect = low
            for band in bands:
                if band.low != expect or band.high < band.low:
                    raise _where(f"{where}.bands", f"must run from {low} to {high} without gaps or overlaps (at {band.label})")
                expect = band.high + 1
            if expect != high + 1:
                raise _where(f"{where}.bands", f"must end at {high}, the highest possible total")
        scores.append(ScoreRule(sid, _line(item.get("label"), f"{where}.label"), tuple(summed), bands))
    score_ids = {s.id for s in scores}
    flags: list[FlagRule] = []
    for n, item in enumerate(raw.get("flags") or []):
        where = f"{path}.flags[{n}]"
        if not isinstance(item, dict):
            raise _where(where, "a flag is an object")
        _known(item, {"id", "label", "item", "score", "above", "at_least"}, where)
        flag = FlagRule(
            _ident(item.get("id"), f"{where}.id"), _line(item.get("label"), f"{where}.label"),
            item.get("item") or "", item.get("score") or "",
            _rule_int(item, "above", where), _rule_int(item, "at_least", where),
        )
        if bool(flag.item) == bool(flag.score):
            raise _where(where, "names one item or one score")
        if flag.item and (flag.item not in questions or questions[flag.item].kind != "scale_item"):
            raise _where(f"{where}.item", f"{flag.item!r} is not an item of an item group")
        if flag.score and flag.score not in score_ids:
            raise _where(f"{where}.score", f"{flag.score!r} is not a score of this form")
        if (flag.above is None) == (flag.at_least is None):
            raise _where(where, "gives one of above or at_least")
        flags.append(flag)
    if len({f.id for f in flags}) != len(flags) or len(score_ids) != len(scores):
        raise _where(path, "two scores or two flags have the same id")
    return tuple(scores), tuple(flags)


def parse_definition(raw: Any) -> Definition:
    """Check a definition (a dict, as read from JSON); DefinitionError says what is wrong."""
    if not isinstance(raw, dict):
        raise DefinitionError("A form definition is a JSON object.")
    _known(raw, {"key", "title", "kind", "intro", "review_note", "fields", "scoring"}, "form")
    key = _ident(raw.get("key"), "form.key")
    kind = raw.get("kind", "form")
    if kind not in FORM_KINDS:
        raise _where("form.kind", f"must be one of {', '.join(FORM_KINDS)}")
    raw_fields = raw.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise _where("form.fields", "a form needs at least one field")
    if len(raw_fields) > MAX_FIELDS:
        raise _where("form.fields", f"at most {MAX_FIELDS} fields")
    fields = tuple(_field(f, f"fields[{n}]") for n, f in enumerate(raw_fields))
    ids = [f.id for f in fields] + [q.id for f in fields for q in f.questions if q.id != f.id]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise _where("form.fields", f"ids must be unique ({', '.join(dupes)})")
    if sum(f.kind == "signature" for f in fields) > 1:
        raise _where("form.fields", "at most one signature")
    questions = {q.id: q for f in fields for q in f.questions}
    scores, flags = _scoring(raw.get("scoring"), questions, "scoring")
    return Definition(
        key, _line(raw.get("title"), "form.title"), kind, _text(raw.get("intro"), "form.intro", max_len=4000),
        fields, scores, flags,
    )


def canonical(raw: dict) -> str:
    """The stored text of a definition: the same content always the same bytes."""
    return json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=128)
def load_definition(text: str) -> Definition:
    """A stored version's definition (it was checked when published)."""
    return parse_definition(json.loads(text))
