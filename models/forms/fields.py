"""Answers as people give them: checked one at a time, stored clean.

`clean_answer` turns what a screen passes (typed text, a choice's value, a
digit) into the stored value or raises InvalidInput with a reason the
client can read. An empty answer clears the field (a draft may be
incomplete); `missing` names what is still required at submit.

Stored values: text as a string (the text rule applied), a date as
YYYY-MM-DD, a number or a scale answer as an int, a single choice as its
value, a multiple choice as a list of values in the form's order, yes/no
as a bool.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import clock
from ..dates import FORMATS, parse_dob, short
from ..charts import clean_phone
from ..timefmt import practice_zone, to_local
from ..text import InvalidInput, clean_email, clean_name, clean_text, spaced_lines
from .definitions import Definition, Question

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}
_NUMBER = re.compile(r"^[+-]?\d{1,12}$")
_DATE_SHAPE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$|^(\d{8})$")


def practice_today() -> dt.date:
    """Today by the practice's calendar (a form due today, a date "in the future")."""
    return to_local(clock.now(), practice_zone()).date()


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, (list, tuple)) and not raw)


def _text(q: Question, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidInput(q.id, f"{q.label}: type your answer as text.")
    value = raw if q.kind == "long_text" else spaced_lines(raw)
    try:
        value = clean_text(value, q.id, max_len=q.max_length)
    except InvalidInput as exc:
        # clean_text names the field by its id; the client reads the label.
        raise InvalidInput(q.id, exc.message.replace(q.id.replace("_", " ").capitalize(), q.label, 1)) from None
    return _chart_value(q, value) if value and q.chart_target else value


def _chart_value(q: Question, value: str) -> str:
    """An answer that may reach the chart is checked as the chart checks it."""
    target = q.chart_target
    try:
        if target.endswith("_name"):
            return clean_name(value, q.label, required=False)
        if target == "email":
            return clean_email(value, q.id, required=False)
        if target.endswith("phone"):
            return clean_phone(value)
    except InvalidInput as exc:
        message = exc.message if target.endswith("_name") else f"{q.label}: {exc.message[0].lower()}{exc.message[1:]}"
        raise InvalidInput(q.id, message) from None
    return value


def parse_date(typed: str, q: Question) -> dt.date:
    """MM/DD/YYYY or YYYY-MM-DD (04132026, 04-13-2026 and 04.13.2026 too); nothing guessed."""
    value = typed.strip()
    if q.chart_target == "date_of_birth":
        return parse_dob(value, q.id)
    shape = _DATE_SHAPE.match(value)
    if shape and shape.group(4):
        value = f"{value[:2]}/{value[2:4]}/{value[4:]}"
    elif shape:
        value = "/".join(shape.group(1, 2, 3))
    for fmt in FORMATS:
        try:
            day = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        break
    else:
        if shape and not 1 <= int(value.split("/")[0]) <= 12:
            raise InvalidInput(q.id, f"{q.label}: there is no month {int(value.split('/')[0])} (MM/DD/YYYY, the month first).")
        if shape:
            raise InvalidInput(q.id, f"{q.label}: that day does not exist in that month; check the day (MM/DD/YYYY).")
        raise InvalidInput(q.id, f"{q.label}: enter a date as MM/DD/YYYY, for example {short(practice_today())}.")
    today = practice_today()
    if q.date_range == "past" and day > today:
        raise InvalidInput(q.id, f"{q.label} cannot be in the future.")
    if q.date_range == "future" and day < today:
        raise InvalidInput(q.id, f"{q.label} cannot be in the past.")
    if not 1900 <= day.year <= today.year + 100:
        raise InvalidInput(q.id, f"{q.label}: please check the year.")
    return day


def _number(q: Question, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidInput(q.id, f"{q.label}: enter a whole number.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _NUMBER.match(raw.strip().replace(",", "")):
        value = int(raw.strip().replace(",", ""))
    else:
        raise InvalidInput(q.id, f"{q.label}: enter a whole number from {q.minimum} to {q.maximum}.")
    if not q.minimum <= value <= q.maximum:
        raise InvalidInput(q.id, f"{q.label}: enter a number from {q.minimum} to {q.maximum}.")
    return value


def _choice(q: Question, raw: Any) -> str | int:
    for choice in q.options:
        if raw == choice.value or (isinstance(raw, str) and raw.strip() == str(choice.value)):
            return choice.value
    if q.kind == "scale_item":
        low, high = q.options[0].value, q.options[-1].value
        raise InvalidInput(q.id, f"Choose one of the answers ({low} to {high}).")
    raise InvalidInput(q.id, f"{q.label}: choose one of the answers listed.")


def _choices(q: Question, raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple, set, frozenset)):
        raise InvalidInput(q.id, f"{q.label}: choose from the answers listed.")
    picked = {_choice(q, item) for item in raw}
    if len(picked) < q.minimum:
        raise InvalidInput(q.id, f"{q.label}: choose at least {q.minimum}.")
    if len(picked) > q.maximum:
        raise InvalidInput(q.id, f"{q.label}: choose at most {q.maximum}.")
    return [c.value for c in q.options if c.value in picked]


def _yes_no(q: Question, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
        return raw.strip().lower() in _YES
    raise InvalidInput(q.id, f"{q.label}: answer yes or no.")


def clean_answer(q: Question, raw: Any) -> Any:
    """The stored value of `raw` for `q`, None for an empty answer, or InvalidInput saying why not."""
    if _empty(raw):
        return None
    if q.kind in ("short_text", "long_text"):
        return _text(q, raw) or None
    if q.kind == "date":
        if not isinstance(raw, (str, dt.date)):
            raise InvalidInput(q.id, f"{q.label}: enter a date as MM/DD/YYYY.")
        day = raw if isinstance(raw, dt.date) else parse_date(raw, q)
        return day.isoformat()
    if q.kind == "number":
        return _number(q, raw)
    if q.kind in ("single_choice", "scale_item"):
        return _choice(q, raw)
    if q.kind == "multiple_choice":
        return _choices(q, raw) or None
    if q.kind == "yes_no":
        return _yes_no(q, raw)
    raise InvalidInput(q.id, "This part of the form takes no answer.")


def missing(definition: Definition, answers: dict[str, Any]) -> list[Question]:
    """The required questions not answered yet, in the form's order."""
    return [q for q in definition.questions if q.required and answers.get(q.id) is None]


def display_answer(q: Question, value: Any) -> str:
    """An answer as a person reads it (review page, staff view, export)."""
    if value is None:
        return "(no answer)"
    if q.kind == "date":
        return short(dt.date.fromisoformat(value))
    if q.kind == "yes_no":
        return "Yes" if value else "No"
    if q.kind in ("single_choice", "scale_item"):
        label = next((c.label for c in q.options if c.value == value), str(value))
        return f"{value} · {label}" if q.kind == "scale_item" else label
    if q.kind == "multiple_choice":
        return ", ".join(c.label for c in q.options if c.value in value)
    return str(value)
