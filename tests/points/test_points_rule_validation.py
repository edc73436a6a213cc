"""Rule files that are inconsistent are rejected with the YAML line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from renkou.points.loader import RulesError, load_rules, parse_rules, shipped_rule_sets

# Line numbers matter below: this text starts at line 1 with "schema_version"; `insurance` is at line 37.
VALID = """\
schema_version: 1
id: test-city
revision: 1
city: {zh: 测试市, en: Test City, code: "999999"}
purpose: settlement
year: 2024
zh: 测试
en: test
sources:
  - {title: 测试办法, issuer: 测试市人民政府}
inputs:
  age: {type: integer, zh: 年龄, en: age}
  education:
    type: level
    zh: 学历
    en: education
    levels:
      none: {zh: 无, en: none}
      master: {zh: 硕士, en: master}
  years: {type: number, zh: 年限, en: years}
indicators:
  age:
    zh: 年龄
    en: age
    kind: bands
    input: age
    cap: 30
    bands:
      - {min: 18, max: 35, points: 30}
      - {min: 36, max: 45, points: 20}
  education:
    zh: 学历
    en: education
    kind: levels
    input: education
    points: {master: 26}
  insurance:
    zh: 社保
    en: insurance
    kind: per_unit
    input: years
    rate: 3
exclusive_groups: {}
ranking:
  quota: 10
"""


def _problem(text: str) -> tuple[int, str]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "test.yaml")
    first = caught.value.problems[0]
    return first.line, first.en


def test_the_base_text_is_valid_and_shipped_sets_load() -> None:
    rules = parse_rules(VALID)
    assert list(rules.indicators) == ["age", "education", "insurance"]
    assert shipped_rule_sets() == ["beijing-2016", "shanghai-2015"]
    for name in shipped_rule_sets():
        assert load_rules(name).rules.id == name


def test_overlapping_bands() -> None:
    text = VALID.replace("{min: 36, max: 45, points: 20}", "{min: 35, max: 45, points: 20}")
    line, reason = _problem(text)
    assert line == 30
    assert "overlaps band 1" in reason


def test_band_min_above_max() -> None:
    line, reason = _problem(VALID.replace("{min: 36, max: 45,", "{min: 46, max: 45,"))
    assert (line, reason) == (30, "band min 46 exceeds max 45")


def test_cap_below_a_value() -> None:
    line, reason = _problem(VALID.replace("cap: 30", "cap: 25"))
    assert line == 29  # the first band, worth 30 > 25
    assert reason == "points 30 exceed the indicator's cap 25"


def test_unknown_indicator_in_exclusive_group() -> None:
    text = VALID.replace(
        "exclusive_groups: {}",
        "exclusive_groups:\n  best:\n    zh: 取高\n    en: best\n    indicators: [education, skills]",
    )
    line, reason = _problem(text)
    assert line == 47
    assert reason == "unknown indicator skills"


def test_unknown_input_of_an_indicator() -> None:
    line, reason = _problem(VALID.replace("input: years", "input: yeras"))
    assert line == 41
    assert "unknown input yeras" in reason


def test_unknown_level() -> None:
    line, reason = _problem(VALID.replace("points: {master: 26}", "points: {master: 26, doctor: 37}"))
    assert line == 36
    assert reason == "unknown level doctor of input education"


def test_unknown_key_is_reported_at_that_key() -> None:
    text = VALID.replace("    rate: 3\n", "    rate: 3\n    cpa: 10\n")
    line, reason = _problem(text)
    assert (line, reason) == (43, "unknown key indicators.insurance.per_unit.cpa")


def test_missing_key_and_wrong_type() -> None:
    line, reason = _problem(VALID.replace("    rate: 3\n", ""))
    assert line == 37 and "missing key" in reason and "rate" in reason
    line, reason = _problem(VALID.replace("rate: 3", "rate: three"))
    assert line == 42 and "rate" in reason and "'three'" in reason


def test_input_type_mismatch() -> None:
    line, reason = _problem(VALID.replace("kind: per_unit\n    input: years", "kind: per_unit\n    input: education"))
    assert line == 41
    assert reason == "input education has type level; expected integer/number"


def test_repeated_key_and_bad_yaml() -> None:
    line, reason = _problem(VALID.replace("year: 2024\n", "year: 2024\nyear: 2025\n"))
    assert (line, reason) == (7, "key year is repeated (first at line 6)")
    line, reason = _problem(VALID.replace("    zh: 社保", "\tzh: 社保"))
    assert line == 38 and "not valid YAML" in reason


def test_more_than_two_decimals_and_zero_rate() -> None:
    line, reason = _problem(VALID.replace("master: 26", "master: 26.125"))
    assert line == 36 and "two decimals" in reason
    line, reason = _problem(VALID.replace("rate: 3", "rate: 0"))
    assert (line, reason) == (42, "rate must not be 0")


def test_all_problems_are_listed_and_message_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(VALID.replace("cap: 30", "cap: 25").replace("input: years", "input: nope"), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert [p.line for p in caught.value.problems] == [29, 41]
    assert str(caught.value).startswith(f"规则文件 {path} 第 29 行")
    assert f"rules file {path} line 29" in str(caught.value)
    assert "(1 more problems)" in str(caught.value)


def test_deduction_in_exclusive_group_and_budget_of_wrong_kind() -> None:
    text = VALID.replace("    rate: 3\n", "    rate: -3\n").replace(
        "exclusive_groups: {}",
        "exclusive_groups:\n  best: {zh: 取高, en: best, indicators: [education, insurance]}\n"
        "year_budgets:\n  b: {zh: 限, en: limit, indicators: [age], limit: years}",
    )
    with pytest.raises(RulesError) as caught:
        parse_rules(text)
    reasons = [(p.line, p.en) for p in caught.value.problems]
    assert (44, "deduction insurance cannot be in an exclusive group") in reasons
    assert (46, "indicator age is not per_unit") in reasons


def test_gate_threshold_per_level_must_cover_every_level() -> None:
    text = VALID.replace(
        "indicators:\n  age:",
        "gates:\n  young:\n    zh: 年轻\n    en: young\n    input: age\n    below: {none: 40}\n    by: education\n"
        "indicators:\n  age:",
    )
    line, reason = _problem(text)
    assert (line, reason) == (26, "no threshold for level master")
