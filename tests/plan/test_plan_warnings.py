"""Early-warning rules on hand-made figures (shaped like `renkou stats --json`), and rule-file errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from renkou.errors import UserError
from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, load_rules


def _block(births: int, cbr: float, srb: float | None, floating: int, aged: float) -> dict[str, Any]:
    return {
        "registered": {"births": births, "crude_birth_rate": cbr},
        "resident": {"births": births, "sex_ratio_at_birth": srb, "share_60_plus": aged},
        "floating": {"population": floating},
    }


def _figures(rows: dict[int, dict[str, tuple[int, float, float | None, int, float]]]) -> dict[date, dict[str, Any]]:
    """rows: year -> area ("city" or a district code) -> (births, CBR, SRB, floating, share 60+)."""
    figures: dict[date, dict[str, Any]] = {}
    for year, areas in rows.items():
        figures[date(year, 12, 31)] = {
            "city": {"code": "330100", "name": "杭州市", **_block(*areas["city"])},
            "districts": {
                code: {"name": f"区{code}", **_block(*values)} for code, values in areas.items() if code != "city"
            },
        }
    return figures


def _by_rule(warnings: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in warnings:
        found.setdefault(warning["rule"], []).append(warning["area"])
    return found


RULES = load_rules(DEFAULT_RULES)


def test_a_quiet_city_raises_nothing() -> None:
    steady = ("city", (1000, 9.0, 105.0, 500, 0.15))
    figures = _figures({y: {steady[0]: steady[1], "330102": (300, 9.0, 105.0, 200, 0.15)} for y in (2019, 2020, 2021)})
    assert evaluate_rules(RULES, figures) == []


def test_births_falling_three_years_needs_four_values() -> None:
    years = {2017: 1200, 2018: 1100, 2019: 1000, 2020: 900}
    figures = _figures({y: {"city": (b, 9.0, 105.0, 500, 0.15)} for y, b in years.items()})
    warnings = evaluate_rules(RULES, figures)
    assert _by_rule(warnings) == {"births_falling": ["330100"]}
    assert [v["value"] for v in warnings[0]["evidence"]["values"]] == [1200, 1100, 1000, 900]
    three = {d: f for d, f in figures.items() if d.year >= 2018}
    assert evaluate_rules(RULES, three) == []  # only two falls seen


def test_births_not_falling_every_year() -> None:
    years = {2017: 1200, 2018: 1100, 2019: 1150, 2020: 900}
    figures = _figures({y: {"city": (b, 9.0, 105.0, 500, 0.15)} for y, b in years.items()})
    assert evaluate_rules(RULES, figures) == []


def test_birth_rate_below_threshold() -> None:
    figures = _figures({2020: {"city": (1000, 5.99, 105.0, 500, 0.15)}})
    assert _by_rule(evaluate_rules(RULES, figures)) == {"births_low": ["330100"]}
    figures = _figures({2020: {"city": (1000, 6.0, 105.0, 500, 0.15)}})
    assert evaluate_rules(RULES, figures) == []


@pytest.mark.parametrize(
    ("srb", "fires"), [(103.0, False), (107.0, False), (107.1, True), (102.9, True), (None, False)]
)
def test_sex_ratio_at_birth_outside_103_107(srb: float | None, fires: bool) -> None:
    figures = _figures({2020: {"city": (1000, 9.0, srb, 500, 0.15)}})
    assert ("sex_ratio_at_birth" in _by_rule(evaluate_rules(RULES, figures))) is fires


def test_sex_ratio_at_birth_skipped_on_few_births() -> None:
    figures = _figures({2020: {"city": (1000, 9.0, 105.0, 500, 0.15), "330102": (150, 9.0, 120.0, 100, 0.15)}})
    assert evaluate_rules(RULES, figures) == []  # 150 births < 200: too few to judge


def test_floating_surge_in_one_district() -> None:
    figures = _figures(
        {
            2019: {
                "city": (1000, 9.0, 105.0, 1000, 0.15),
                "330102": (300, 9, 105, 400, 0.15),
                "330106": (300, 9, 105, 40, 0.15),
            },
            2020: {
                "city": (1000, 9.0, 105.0, 1100, 0.15),
                "330102": (300, 9, 105, 461, 0.15),
                "330106": (300, 9, 105, 60, 0.15),
            },
        }
    )
    warnings = evaluate_rules(RULES, figures)
    # 330102: 400 -> 461 is +15.25% (> 15%); 330106: 40 -> 60 is +50% and it now has at least 50 floating persons
    assert _by_rule(warnings) == {"floating_surge": ["330102", "330106"]}
    assert warnings[0]["evidence"]["growth"] == pytest.approx(461 / 400 - 1)
    figures[date(2020, 12, 31)]["districts"]["330102"]["floating"]["population"] = 460  # exactly +15%: no surge
    figures[date(2020, 12, 31)]["districts"]["330106"]["floating"]["population"] = 49  # too few
    assert evaluate_rules(RULES, figures) == []


def test_ageing_crossing_grades() -> None:
    figures = _figures(
        {
            2019: {"city": (1000, 9.0, 105.0, 500, 0.199), "330102": (300, 9, 105, 100, 0.31)},
            2020: {"city": (1000, 9.0, 105.0, 500, 0.20), "330102": (300, 9, 105, 100, 0.32)},
        }
    )
    warnings = [w for w in evaluate_rules(RULES, figures) if w["rule"] == "ageing"]
    city, district = warnings
    assert city["area"] == "330100" and city["evidence"]["line"] == 0.20 and city["evidence"]["crossed"] is True
    assert "moderately aged" in city["message"] and "中度老龄化" in city["message"]
    assert district["evidence"]["line"] == 0.30 and district["evidence"]["crossed"] is False
    assert "severely aged" in district["message"]


RULE_FILE = """\
rules:
  - id: r1
    kind: outside
    key: resident.sex_ratio_at_birth
    low: 103
    high: 107
"""


@pytest.mark.parametrize(
    ("old", "new", "line", "word"),
    [
        ("kind: outside", "kind: sideways", 3, "sideways"),
        ("resident.sex_ratio_at_birth", "resident.srb", 4, "resident.srb"),
        ("    high: 107\n", "", 2, "high"),
        ("low: 103", "low: low", 5, "low"),
        ("    high: 107", "    high: 107\n    colour: red", 7, "colour"),
        ("rules:", "rule:", 1, "rule"),
    ],
)
def test_bad_rule_files(tmp_path: Path, old: str, new: str, line: int, word: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE_FILE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_rules(path)
    assert f"{path}:{line}" in str(caught.value)
    assert word in str(caught.value)
