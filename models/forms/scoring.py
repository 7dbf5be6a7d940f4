"""Scores, bands and risk flags, from the rules in a version's definition.

No form is named here: PHQ-9's total, its bands and its item-9 flag are
data in models/forms/builtin/phq9.json, evaluated the same way as any
other form's rules. A total with an unanswered item is no total (None):
a band is never guessed from part of a questionnaire.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .definitions import Definition, FlagRule


@dataclass(frozen=True)
class Score:
    id: str
    label: str
    value: int | None              # None: an item it adds up was not answered
    maximum: int
    band: str                      # "" without bands or without a value


@dataclass(frozen=True)
class Flag:
    id: str
    label: str


@dataclass(frozen=True)
class Results:
    scores: tuple[Score, ...] = ()
    flags: tuple[Flag, ...] = ()

    def as_json(self) -> dict:
        return {
            "scores": [{"id": s.id, "label": s.label, "value": s.value, "maximum": s.maximum, "band": s.band} for s in self.scores],
            "flags": [{"id": f.id, "label": f.label} for f in self.flags],
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "Results":
        if not data:
            return cls()
        return cls(
            tuple(Score(s["id"], s["label"], s["value"], s["maximum"], s["band"]) for s in data.get("scores", [])),
            tuple(Flag(f["id"], f["label"]) for f in data.get("flags", [])),
        )


def _raised(rule: FlagRule, value: int | None) -> bool:
    if value is None:
        return False
    return value > rule.above if rule.above is not None else value >= rule.at_least


def score(definition: Definition, answers: dict[str, Any]) -> Results:
    """Every score and flag the definition's rules give for `answers`."""
    scales = {q.id: q for q in definition.questions if q.kind == "scale_item"}
    scores: list[Score] = []
    for rule in definition.scores:
        values = [answers.get(item) for item in rule.items]
        total = None if any(v is None for v in values) else sum(values)
        maximum = sum(max(c.value for c in scales[item].options) for item in rule.items)
        band = next((b.label for b in rule.bands if total is not None and b.low <= total <= b.high), "")
        scores.append(Score(rule.id, rule.label, total, maximum, band))
    by_id = {s.id: s.value for s in scores}
    flags = tuple(
        Flag(rule.id, rule.label)
        for rule in definition.flags
        if _raised(rule, answers.get(rule.item) if rule.item else by_id.get(rule.score))
    )
    return Results(tuple(scores), flags)
