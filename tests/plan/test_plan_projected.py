"""Indicators from a projected population, checked by hand, and the status rule on projection variants."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from renkou.plan.evaluate import evaluate_indicator
from renkou.plan.loader import Indicator, Plan
from renkou.plan.projected import indicators_from_population
from renkou.plan.targets import parse_target


def test_indicators_of_a_small_population_by_hand() -> None:
    # 101 single ages; put round numbers at a few ages so every figure can be worked out by hand.
    population = np.zeros((2, 101))
    population[0, 5] = 100  # girls aged 5
    population[1, 30] = 500  # men aged 30
    population[0, 62] = 150  # women aged 62
    population[1, 70] = 200  # men aged 70
    population[0, 85] = 50  # women aged 85
    start = np.full((2, 101), 1000 / 202)  # 1 000 persons at the start of the year
    got = indicators_from_population(population, start, births=20.0, deaths=10.0)
    # total 1 000; 0-14: 100; 15-59: 500; 15-64: 650; 60+: 400; 65+: 250; 80+: 50; men 700, women 300
    assert got["population"] == pytest.approx(1000)
    assert got["share_0_14"] == pytest.approx(0.1)
    assert got["share_15_59"] == pytest.approx(0.5)
    assert got["share_15_64"] == pytest.approx(0.65)
    assert got["share_60_plus"] == pytest.approx(0.4)
    assert got["share_65_plus"] == pytest.approx(0.25)
    assert got["share_80_plus"] == pytest.approx(0.05)
    assert got["child_dependency_ratio"] == pytest.approx(100 * 100 / 650)
    assert got["old_age_dependency_ratio"] == pytest.approx(100 * 250 / 650)
    assert got["total_dependency_ratio"] == pytest.approx(100 * 350 / 650)
    assert got["sex_ratio"] == pytest.approx(100 * 700 / 300)
    assert got["crude_birth_rate"] == pytest.approx(20.0)  # 20 births on a mean of 1 000
    assert got["crude_death_rate"] == pytest.approx(10.0)
    assert got["natural_increase_rate"] == pytest.approx(10.0)


def _status(variants: dict[str, float], as_of: date = date(2021, 12, 31)) -> str:
    indicator = Indicator(name="share 60+", target=parse_target("<20"), unit="percent")
    plan = Plan(name="p", base_year=2020, target_year=2025, indicators=(indicator,))
    series = [(date(2021, 12, 31), 17.0)]
    return str(evaluate_indicator(indicator, plan, as_of, series, "t", variants)["status"])


def test_met_in_all_variants_is_green() -> None:
    assert _status({"low": 19.9, "medium": 19.0, "high": 18.0}) == "green"


def test_met_in_medium_only_is_amber() -> None:
    assert _status({"low": 20.5, "medium": 19.5, "high": 18.0}) == "amber"


def test_missed_in_medium_is_red() -> None:
    assert _status({"low": 21.0, "medium": 20.0, "high": 19.0}) == "red"  # strict: 20 is not below 20


def test_end_term_ignores_the_projection() -> None:
    assert _status({"low": 21.0, "medium": 21.0, "high": 21.0}, as_of=date(2025, 12, 31)) == "green"
