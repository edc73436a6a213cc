"""Evaluation status rules, case by case, on hand-made series; the trend checked against numpy.polyfit."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from renkou.plan.evaluate import decimal_year, evaluate_indicator, evaluate_plan, linear_trend, progress
from renkou.plan.loader import Indicator, Plan
from renkou.plan.targets import Tolerance, parse_target

AS_OF = date(2022, 12, 31)


def _plan(*indicators: Indicator) -> Plan:
    return Plan(name="test", base_year=2020, target_year=2025, indicators=indicators)


def _indicator(target: str, nature: str = "expected", base: float | None = None, name: str = "x") -> Indicator:
    return Indicator(name=name, target=parse_target(target, Tolerance(0.1)), nature=nature, base=base)


def _yearly(*values: float, last: int = 2022) -> list[tuple[date, float]]:
    first = last - len(values) + 1
    return [(date(first + i, 12, 31), v) for i, v in enumerate(values)]


def _judge(target: str, series: list[tuple[date, float]], nature: str = "expected", as_of: date = AS_OF) -> str:
    indicator = _indicator(target, nature)
    return str(evaluate_indicator(indicator, _plan(indicator), as_of, series, "test")["status"])


def test_decimal_year() -> None:
    assert decimal_year(date(2021, 1, 1)) == 2021.0
    assert decimal_year(date(2020, 7, 2)) == pytest.approx(2020 + 183 / 366)


def test_linear_trend_matches_numpy_polyfit() -> None:
    series = [
        (date(2016, 12, 31), 12.1),
        (date(2017, 12, 31), 11.4),
        (date(2018, 6, 30), 11.0),
        (date(2020, 12, 31), 9.2),
    ]
    forecast = linear_trend(series, date(2025, 12, 31))
    assert forecast is not None
    xs = [2016 + 365 / 366, 2017 + 364 / 365, 2018 + 180 / 365, 2020 + 365 / 366]  # written out by hand
    slope, intercept = np.polyfit(xs, [v for _, v in series], 1)
    assert forecast.slope_per_year == pytest.approx(slope, rel=1e-12)
    assert forecast.value == pytest.approx(slope * (2025 + 364 / 365) + intercept, rel=1e-12)
    assert forecast.points == 4


def test_trend_needs_three_points() -> None:
    assert linear_trend(_yearly(1.0, 2.0), date(2025, 12, 31)) is None
    assert linear_trend(_yearly(1.0, 2.0, 3.0), date(2025, 12, 31)) is not None


def test_green_when_met_now_and_by_the_trend() -> None:
    assert _judge(">8", _yearly(9.0, 9.1, 9.2)) == "green"


def test_amber_when_met_now_but_the_trend_misses() -> None:
    # 11, 10, 9 -> about 6 at the end of 2025, below 8
    assert _judge(">8", _yearly(11.0, 10.0, 9.0)) == "amber"


def test_amber_when_missed_now_but_the_trend_reaches() -> None:
    assert _judge(">=12.2", _yearly(11.8, 11.9, 12.0)) == "amber"


def test_red_when_missed_now_and_by_the_trend() -> None:
    assert _judge("<=4", _yearly(5.0, 5.5, 6.0)) == "red"


def test_no_trend_expected_amber_binding_red() -> None:
    assert _judge(">=185", _yearly(178.0), nature="expected") == "amber"
    assert _judge(">=185", _yearly(178.0), nature="binding") == "red"
    assert _judge(">=185", _yearly(190.0), nature="binding") == "green"


def test_about_target_uses_its_tolerance() -> None:
    # ~1.6 ± 0.1; a flat series at the edge meets it, just outside does not
    assert _judge("~1.6", _yearly(1.5, 1.5, 1.5)) == "green"
    assert _judge("~1.6", _yearly(1.49, 1.49, 1.49)) == "red"


def test_end_term_is_met_or_not() -> None:
    end = date(2025, 12, 31)
    assert _judge(">8", _yearly(12.0, 10.0, 8.5, last=2025), as_of=end) == "green"
    assert _judge(">8", _yearly(8.5, 8.2, 7.9, last=2025), as_of=end) == "red"
    indicator = _indicator(">8")
    result = evaluate_indicator(indicator, _plan(indicator), end, _yearly(8.5, 8.2, 7.9, last=2025), "t")
    assert result["forecast"] is None


def test_no_value_is_amber() -> None:
    assert _judge(">8", []) == "amber"


def test_values_after_as_of_are_ignored() -> None:
    indicator = _indicator(">8")
    result = evaluate_indicator(indicator, _plan(indicator), date(2021, 12, 31), _yearly(9.0, 9.5, 7.0), "t")
    assert result["value"] == 9.5
    assert result["value_date"] == "2021-12-31"


def test_falling_target() -> None:
    assert _judge("falling", _yearly(110.0, 109.0, 108.0)) == "green"
    assert _judge("falling", _yearly(110.0, 111.0, 108.0)) == "red"
    assert _judge("falling", _yearly(110.0)) == "amber"


def test_progress_from_base_toward_target() -> None:
    assert progress(70.0, 72.5, parse_target(">=75")) == pytest.approx(0.5)
    assert progress(None, 72.5, parse_target(">=75")) is None
    assert progress(75.0, 72.5, parse_target(">=75")) is None  # base already at the target point


def test_binding_reds_first_then_reds_ambers_greens() -> None:
    a = _indicator(">8", name="a-green")
    b = _indicator("<=4", name="b-red-expected")
    c = _indicator(">=185", nature="binding", name="c-red-binding")
    d = _indicator(">8", name="d-amber")
    e = _indicator("<=4", nature="binding", name="e-red-binding")
    plan = _plan(a, b, c, d, e)
    series = {
        "a-green": _yearly(9.0, 9.1, 9.2),
        "b-red-expected": _yearly(5.0, 5.5, 6.0),
        "c-red-binding": _yearly(178.0),
        "d-amber": _yearly(11.0, 10.0, 9.0),
        "e-red-binding": _yearly(5.0, 5.5, 6.0),
    }
    result = evaluate_plan(plan, AS_OF, series, {})
    names = [item["name"] for item in result["indicators"]]
    assert names == ["c-red-binding", "e-red-binding", "b-red-expected", "d-amber", "a-green"]
    assert result["counts"] == {"red": 3, "amber": 1, "green": 1}
    assert set(result) >= {"plan", "as_of", "indicators"}
    for item in result["indicators"]:
        assert set(item) >= {"name", "value", "target", "nature", "status", "reason"}
        assert " / " in item["reason"]  # Chinese / English
