"""The Siler hazard and the life table used to calibrate mortality, against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from renkou.stats.lifetable import life_table
from renkou.stats.lifetable_ax import andreev_kingkade_a0 as stats_a0
from renkou.synth.lifetable import Siler, andreev_kingkade_a0, life_expectancy, year_death_probability

MODEL = Siler(a1=0.005, b1=2.5, a2=0.00015, level=1.7e-5, b3=0.10)


@pytest.mark.parametrize("age", [0.0, 0.3, 1.0, 17.5, 60.0, 99.0])
def test_cumulative_hazard_is_the_integral_of_the_hazard(age: float) -> None:
    integral, _ = quad(lambda x: float(MODEL.hazard(np.array(x))), 0.0, age, epsabs=1e-13)
    assert float(MODEL.cumulative(np.array(age))) == pytest.approx(integral, rel=1e-9, abs=1e-13)


def test_year_death_probability_by_direct_integration() -> None:
    probability = year_death_probability(MODEL, 100)

    def survive(start: float, end: float) -> float:
        return math.exp(-quad(lambda x: float(MODEL.hazard(np.array(x))), start, end)[0])

    for age in (1, 5, 40, 70, 95):
        # Alive at the start of the year aged age - 1 + v (v uniform), survive one year.
        expected = 1 - quad(lambda v, a=age: survive(a - 1 + v, a + v), 0.0, 1.0)[0]
        assert probability[age] == pytest.approx(expected, rel=1e-8)
    born = 1 - quad(lambda v: survive(0.0, v), 0.0, 1.0)[0]
    assert probability[0] == pytest.approx(born, rel=1e-8)


def _loop_life_expectancy(mx: list[float]) -> float:
    """Single-year life table written as a plain loop (a_x = 0.5, a0 Andreev-Kingkade both sexes, open last)."""
    alive, years = 1.0, 0.0
    for age, m in enumerate(mx):
        if age == len(mx) - 1:
            return years + alive / m
        if age == 0:
            male = 0.14929 - 1.99545 * m if m < 0.023 else (0.02832 + 3.26021 * m if m < 0.08307 else 0.29915)
            female = 0.14903 - 2.05527 * m if m < 0.01724 else (0.04667 + 3.88089 * m if m < 0.06891 else 0.31411)
            a = (male + female) / 2
        else:
            a = 0.5
        q = m / (1 + (1 - a) * m)
        dead = alive * q
        years += alive - (1 - a) * dead
        alive -= dead
    raise AssertionError("unreachable")


def test_life_expectancy_matches_a_loop_and_the_stats_module() -> None:
    ages = np.arange(101)
    mx = np.exp(-9.5 + 0.095 * ages)
    mx[0] = 0.0025
    mine = life_expectancy(mx)
    assert mine == pytest.approx(_loop_life_expectancy(mx.tolist()), rel=1e-12)
    intervals: list[float | None] = [1.0] * 100 + [None]
    table = life_table(ages, intervals, mx, sex="T", ax_method="midpoint")
    assert mine == pytest.approx(float(table.ex[0]), rel=1e-9)


@pytest.mark.parametrize("m0", [0.001, 0.01, 0.02, 0.05, 0.1])
@pytest.mark.parametrize("sex", ["M", "F", "T"])
def test_andreev_kingkade_matches_the_stats_module(m0: float, sex: str) -> None:
    assert andreev_kingkade_a0(m0, sex) == pytest.approx(stats_a0(m0, sex), rel=1e-12)
