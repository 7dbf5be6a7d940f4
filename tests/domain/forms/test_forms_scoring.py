"""Scores, bands and flags come from the data files' rules, evaluated generically."""
from __future__ import annotations

import copy
import json

import pytest

from models.forms.definitions import DefinitionError, parse_definition
from models.forms.library import BUILTIN_DIR
from models.forms.scoring import score


def builtin(key: str) -> dict:
    return json.loads((BUILTIN_DIR / f"{key}.json").read_text())


PHQ9 = parse_definition(builtin("phq9"))
GAD7 = parse_definition(builtin("gad7"))


def answers(prefix: str, values: list[int]) -> dict:
    return {f"{prefix}_{n}": v for n, v in enumerate(values, start=1)}


def spread(total: int, items: int, *, last_zero: bool = False) -> list[int]:
    """`items` answers (0-3) adding up to `total`, item 9 kept at 0 when asked."""
    values = [0] * items
    slots = list(range(items - 1 if last_zero else items))
    for n in range(total):
        values[slots[n % len(slots)]] += 1
    assert max(values) <= 3 and sum(values) == total
    return values


def test_phq9_all_zeros_and_all_threes():
    low = score(PHQ9, answers("phq9", [0] * 9))
    assert (low.scores[0].value, low.scores[0].band, low.scores[0].maximum) == (0, "Minimal", 27)
    assert low.flags == ()
    high = score(PHQ9, answers("phq9", [3] * 9))
    assert (high.scores[0].value, high.scores[0].band) == (27, "Severe")
    assert [f.id for f in high.flags] == ["item9"]


@pytest.mark.parametrize(
    "total, band",
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (14, "Moderate"),
     (15, "Moderately severe"), (19, "Moderately severe"), (20, "Severe"), (24, "Severe")],
)
def test_phq9_every_band_edge(total, band):
    result = score(PHQ9, answers("phq9", spread(total, 9, last_zero=True)))
    assert (result.scores[0].value, result.scores[0].band) == (total, band)
    assert result.flags == ()  # item 9 is 0: no flag, whatever the total


@pytest.mark.parametrize("total, band", [(25, "Severe"), (27, "Severe")])
def test_phq9_top_band_with_item9(total, band):
    result = score(PHQ9, answers("phq9", spread(total, 9)))
    assert (result.scores[0].value, result.scores[0].band) == (total, band)


@pytest.mark.parametrize("value", [1, 2, 3])
def test_phq9_item9_alone_is_a_flag_whatever_the_total(value):
    result = score(PHQ9, answers("phq9", [0] * 8 + [value]))
    assert (result.scores[0].value, result.scores[0].band) == (value, "Minimal")
    assert [f.id for f in result.flags] == ["item9"]
    assert "Item 9" in result.flags[0].label


@pytest.mark.parametrize(
    "total, band",
    [(0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (14, "Moderate"), (15, "Severe"), (21, "Severe")],
)
def test_gad7_every_band_edge(total, band):
    result = score(GAD7, answers("gad7", spread(total, 7)))
    assert (result.scores[0].value, result.scores[0].band, result.scores[0].maximum) == (total, band, 21)
    assert result.flags == ()


def test_the_difficulty_item_is_not_scored():
    base = answers("phq9", [1] * 9)
    with_difficulty = score(PHQ9, base | {"difficulty": "extremely"})
    assert with_difficulty.scores[0].value == score(PHQ9, base).scores[0].value == 9


def test_a_total_with_an_unanswered_item_is_no_total():
    partial = answers("phq9", [3] * 8)
    result = score(PHQ9, partial)
    assert (result.scores[0].value, result.scores[0].band) == (None, "")


def test_the_rules_are_data_a_changed_band_changes_the_result():
    raw = builtin("gad7")
    raw["scoring"]["scores"][0]["bands"] = [{"from": 0, "to": 10, "label": "Low"}, {"from": 11, "to": 21, "label": "High"}]
    changed = parse_definition(raw)
    assert score(changed, answers("gad7", spread(10, 7))).scores[0].band == "Low"
    assert score(changed, answers("gad7", spread(11, 7))).scores[0].band == "High"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r["scoring"]["scores"][0]["bands"].pop(1), "without gaps"),
        (lambda r: r["scoring"]["scores"][0]["bands"].pop(), "must end at 27"),
        (lambda r: r["scoring"]["flags"][0].update(item="phq9_10"), "not an item"),
        (lambda r: r["scoring"]["scores"][0]["sum"].append("difficulty"), "not an item"),
        (lambda r: r["fields"][1].update(kind="dropdown"), "kind must be one of"),
        (lambda r: r["fields"][1].update(id="problems"), "ids must be unique"),
        (lambda r: r["fields"][0]["items"][0].update(label="\x1b[2J\u200b"), "invisible or control"),
        (lambda r: r["fields"][0]["scale"][0].update(value="zero"), "whole number"),
        (lambda r: r.update(colour="red"), "unknown key"),
    ],
)
def test_a_bad_definition_is_refused_with_where_and_why(change, message):
    raw = copy.deepcopy(builtin("phq9"))
    change(raw)
    with pytest.raises(DefinitionError, match=message):
        parse_definition(raw)


def test_labels_keep_no_control_characters():
    raw = builtin("phq9")
    raw["fields"][0]["items"][0]["label"] = "Little \x1b[31minterest\u202e or pleasure\x07"
    item = parse_definition(raw).question("phq9_1")
    assert item.label == "Little interest or pleasure"


from hypothesis import given, strategies as st  # noqa: E402


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_any_phq9_total_lands_in_exactly_its_band_and_item9_decides_the_flag(values):
    result = score(PHQ9, answers("phq9", values))
    total = result.scores[0]
    assert total.value == sum(values)
    expected = next(b.label for b in PHQ9.scores[0].bands if b.low <= sum(values) <= b.high)
    assert total.band == expected
    assert bool(result.flags) == (values[8] > 0)
