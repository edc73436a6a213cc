"""``register_measure`` in a rule file: only with ``from_register``, only a measure the register has, only on an
input of a fitting type; each refused with its line."""

from __future__ import annotations

import pytest
from test_points_rule_validation import VALID

from renkou.points.loader import RulesError, parse_rules
from renkou.points.register_evidence import measure_of

LINE = "  years: {type: number, zh: 年限, en: years}"
YEARS_LINE = VALID.splitlines().index(LINE) + 1


def _with_years(extra: str) -> str:
    """VALID with extra keys on the input ``years`` (same line)."""
    return VALID.replace(LINE, "  years: {type: number, zh: 年限, en: years" + extra + "}")


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (", register_measure: insurance_years", "register_measure needs from_register"),
        (", from_register: true, register_measure: pension_years", "unknown register measure pension_years"),
        (", from_register: true, register_measure: sex", "register measure sex does not fit a number input"),
    ],
)
def test_a_wrong_register_measure_is_refused_with_its_line(extra: str, reason: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(_with_years(extra))
    assert caught.value.problems[0].line == YEARS_LINE == 20
    assert reason in caught.value.en


def test_the_measure_an_input_takes() -> None:
    rules = parse_rules(_with_years(", from_register: true, register_measure: insurance_years_continuous"))
    assert measure_of("years", rules) == "insurance_years_continuous"
    assert measure_of("age", rules) is None  # not marked from_register
    named = parse_rules(_with_years(", from_register: true"))
    assert measure_of("years", named) is None  # "years" is no register measure
