"""Life-table arithmetic against closed forms and against an independent plain-loop computation.

The reference below is written as the textbook recursion, one age group at a time in plain Python floats (Preston,
Heuveline & Guillot 2001, chapter 3), so it shares no code or array tricks with the vectorised implementation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.stats.lifetable import (
    abridge_life_table,
    life_table,
    life_table_from_deaths,
    regroup_life_table,
)
from renkou.stats.lifetable_ages import abridge_counts, abridged_ages, regroup_counts, single_year_ages
from renkou.stats.lifetable_ax import constant_hazard_ax


def reference_table(
    intervals: list[float], mx: list[float], ax: list[float], radix: float = 100_000.0
) -> dict[str, list[float]]:
    """Plain-loop life table: the last group is open; a closed q above 1 is capped, with a = 1/m."""
    size = len(mx)
    out: dict[str, list[float]] = {k: [] for k in ("qx", "ax", "lx", "dx", "Lx", "Tx", "ex")}
    alive = radix
    for i in range(size):
        m = mx[i]
        if i == size - 1:
            q, a = 1.0, 1.0 / m
            person_years = alive / m
            deaths = alive
        else:
            n, a = intervals[i], ax[i]
            q = n * m / (1.0 + (n - a) * m)
            if q > 1.0:
                q, a = 1.0, 1.0 / m
            deaths = alive * q
            person_years = n * (alive - deaths) + a * deaths
        out["qx"].append(q)
        out["ax"].append(a)
        out["lx"].append(alive)
        out["dx"].append(deaths)
        out["Lx"].append(person_years)
        alive -= deaths
    running = 0.0
    totals = []
    for person_years in reversed(out["Lx"]):
        running += person_years
        totals.append(running)
    out["Tx"] = totals[::-1]
    out["ex"] = [t / s if s > 0 else math.nan for t, s in zip(out["Tx"], out["lx"], strict=True)]
    return out


def assert_matches_reference(table: object, reference: dict[str, list[float]]) -> None:
    for column, expected in reference.items():
        np.testing.assert_allclose(getattr(table, column), expected, rtol=1e-10, atol=1e-9, err_msg=column)


rates = st.floats(min_value=0.0, max_value=0.6, allow_nan=False)
open_rates = st.floats(min_value=0.05, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(closed=st.lists(rates, min_size=1, max_size=40), last=open_rates, sex=st.sampled_from(["F", "M", "T"]))
def test_single_year_table_equals_the_plain_loop(closed: list[float], last: float, sex: str) -> None:
    mx = [*closed, last]
    ages, intervals = np.arange(len(mx), dtype=float), [1.0] * len(closed) + [None]
    table = life_table(ages, intervals, mx, sex=sex)
    a0 = [0.14903 - 2.05527 * mx[0], 0.04667 + 3.88089 * mx[0], 0.31411]
    a0_m = [0.14929 - 1.99545 * mx[0], 0.02832 + 3.26021 * mx[0], 0.29915]
    female = a0[0] if mx[0] < 0.01724 else a0[1] if mx[0] < 0.06891 else a0[2]
    male = a0_m[0] if mx[0] < 0.023 else a0_m[1] if mx[0] < 0.08307 else a0_m[2]
    infant = {"F": female, "M": male, "T": (female + male) / 2}[sex]
    ax = [infant] + [0.5] * (len(closed) - 1)
    assert_matches_reference(table, reference_table([1.0] * len(closed), mx, ax))


@settings(max_examples=40, deadline=None)
@given(
    mx=st.lists(rates, min_size=4, max_size=4).map(lambda v: [*v, 0.3]),
    ax=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=4, max_size=4),
)
def test_abridged_table_with_given_ax_equals_the_plain_loop(mx: list[float], ax: list[float]) -> None:
    intervals = [1.0, 4.0, 5.0, 5.0]
    given_ax = [a * n for a, n in zip(ax, intervals, strict=True)]
    table = life_table([0, 1, 5, 10, 15], [*intervals, None], mx, [*given_ax, math.nan])
    assert_matches_reference(table, reference_table(intervals, mx, given_ax))


def test_a_stack_of_tables_equals_each_table_alone() -> None:
    """Regions x ages in one call give what one call per region gives, sex per region included."""
    generator = np.random.default_rng(7)
    ages, intervals = abridged_ages(85)
    base = np.exp(-9.5 + 0.09 * ages)
    base[0], base[1] = 0.006, 0.0004
    mx = base * generator.uniform(0.7, 1.4, size=(3, 4, ages.size))
    sexes = np.array([["F", "M", "T", "F"], ["M", "M", "F", "T"], ["T", "F", "M", "M"]])
    stacked = life_table(ages, intervals, mx, sex=sexes)
    assert stacked.ex.shape == (3, 4, ages.size)
    assert np.shape(stacked.e0) == (3, 4)
    for i in range(3):
        for j in range(4):
            alone = life_table(ages, intervals, mx[i, j], sex=str(sexes[i, j]))
            for column in ("qx", "ax", "lx", "dx", "Lx", "Tx", "ex"):
                np.testing.assert_allclose(getattr(stacked.select(i, j), column), getattr(alone, column), rtol=1e-13)


def test_constant_hazard_closed_forms() -> None:
    """Constant mu with the constant-hazard ax: lx = radix exp(-mu x), qx = 1 - exp(-n mu), nLx = lx qx / mu and
    ex = 1/mu at every age (exponential survival)."""
    mu = 0.037
    ages, intervals = abridged_ages(90)
    given_ax = np.full(ages.size, np.nan)
    given_ax[:2] = constant_hazard_ax(mu, intervals[:2])  # replace the infant and child rules
    table = life_table(ages, intervals, np.full(ages.size, mu), given_ax, ax_method="constant")
    np.testing.assert_allclose(table.lx, 100_000 * np.exp(-mu * ages), rtol=1e-12)
    np.testing.assert_allclose(table.qx[:-1], -np.expm1(-mu * intervals[:-1]), rtol=1e-12)
    np.testing.assert_allclose(table.Lx, table.lx * table.qx / mu, rtol=1e-12)
    np.testing.assert_allclose(table.ex, 1 / mu, rtol=1e-12)


def test_constant_rate_with_midpoint_ax_closed_form() -> None:
    """n = 1, a = 1/2, constant m: q = m / (1 + m/2), so lx = radix ((1 - m/2) / (1 + m/2))^x; the open group
    has ex = 1/m and qx = 1 whatever its rate."""
    m = 0.02
    ages, intervals = single_year_ages(100)
    table = life_table(ages[1:], intervals[1:], np.full(100, m))  # ages 1..100: no infant rule
    np.testing.assert_allclose(table.lx, 100_000 * ((1 - m / 2) / (1 + m / 2)) ** np.arange(100), rtol=1e-12)
    assert table.ex[-1] == pytest.approx(1 / m)
    assert table.qx[-1] == 1.0
    assert table.ex_at(100) == pytest.approx(50.0)


def test_qx_is_capped_at_one_and_nobody_survives_beyond() -> None:
    """m = 0.5 in a 5-year group with a = 2.5: n m / (1 + (n - a) m) = 2.5 / 2.25 > 1, so q = 1, a = 1/m = 2 and
    nLx = ndx / nmx; later groups have lx = 0 and no life expectancy."""
    table = life_table([0, 5, 10, 15], [5, 5, 5, None], [0.01, 0.5, 0.3, 0.4])
    assert table.qx[1] == 1.0
    assert table.ax[1] == pytest.approx(2.0)
    assert table.Lx[1] == pytest.approx(table.dx[1] / 0.5)
    assert table.lx[2] == 0.0 and table.lx[3] == 0.0
    assert math.isnan(table.ex[2]) and math.isnan(table.ex[3])
    assert table.qx[-1] == 1.0
    assert np.all(table.qx <= 1.0)
    assert any("age 5" in w and "capped" in w for w in table.warnings)
    assert table.to_rows()[2]["ex"] is None


def reference_graduation(intervals: list[float], mx: list[float], ax: list[float]) -> list[float]:
    """Keyfitz's iteration, plain loop: a = n/2 + n/24 (d[i+1] - d[i-1]) / d[i] for groups with same-width closed
    neighbours, recomputing the deaths each round."""
    ax = list(ax)
    for _ in range(200):
        deaths = reference_table(intervals, [*mx, 1.0], ax)["dx"]
        new = list(ax)
        for i in range(1, len(intervals) - 1):
            if intervals[i - 1] == intervals[i] == intervals[i + 1] and deaths[i] > 0:
                n = intervals[i]
                new[i] = min(max(n / 2 + n / 24 * (deaths[i + 1] - deaths[i - 1]) / deaths[i], 0.0), n)
        if max(abs(x - y) for x, y in zip(new, ax, strict=True)) < 1e-12:
            return new
        ax = new
    return ax


def test_graduated_ax_equals_the_plain_loop() -> None:
    ages, intervals = abridged_ages(85)
    mx = np.exp(-9.0 + 0.085 * ages)
    mx[0], mx[1] = 0.01, 0.0006
    table = life_table(ages, intervals, mx, sex="M", ax_method="graduate")
    start = [float(table.ax[0]), float(table.ax[1])] + [2.5] * (ages.size - 3)
    expected = reference_graduation(list(intervals[:-1]), list(mx[:-1]), start)
    np.testing.assert_allclose(table.ax[:-1], expected, atol=1e-9)
    # The last closed group (80-84) borders the open group, and 5-9 borders 1-4: both keep n/2.
    assert table.ax[2] == 2.5 and table.ax[-2] == 2.5
    # Rising mortality puts deaths late in each 5-year group.
    assert np.all(table.ax[3:-2] > 2.5)


def test_regrouping_a_complete_table_is_exact() -> None:
    """Collapsing single years into 0, 1-4, 5-9, ...: lx, Tx, ex unchanged at the boundaries, nLx and ndx sums, and
    the abridged mx and ax rebuild the same abridged table."""
    ages, intervals = single_year_ages(100)
    mx = np.exp(-9.3 + 0.088 * ages)
    mx[0] = 0.004
    complete = life_table(ages, intervals, mx, sex="F")
    abridged = abridge_life_table(complete, open_age=85)
    starts = np.array([0, 1, *range(5, 86, 5)])
    np.testing.assert_allclose(abridged.lx, complete.lx[starts])
    np.testing.assert_allclose(abridged.Tx, complete.Tx[starts])
    np.testing.assert_allclose(abridged.ex, complete.ex[starts])
    assert abridged.Lx[2] == pytest.approx(complete.Lx[5:10].sum())
    assert abridged.Lx[-1] == pytest.approx(complete.Lx[85:].sum())
    rebuilt = life_table(abridged.ages, abridged.intervals, abridged.mx, abridged.ax)
    for column in ("qx", "lx", "dx", "Lx", "Tx", "ex"):
        np.testing.assert_allclose(getattr(rebuilt, column), getattr(abridged, column), rtol=1e-11)
    with pytest.raises(ValueError, match="not boundaries"):
        regroup_life_table(complete, [0, 2.5, 10])


def test_counts_regroup_by_summing() -> None:
    ages, intervals = single_year_ages(90)
    deaths = np.arange(91, dtype=float)
    new_ages, new_intervals, summed = abridge_counts(ages, intervals, np.stack([deaths, 2 * deaths]), open_age=80)
    np.testing.assert_array_equal(new_ages, [0, 1, *range(5, 81, 5)])
    assert math.isinf(new_intervals[-1]) and new_intervals[1] == 4
    assert summed[0, 1] == 1 + 2 + 3 + 4
    assert summed[0, -1] == sum(range(80, 91))
    np.testing.assert_array_equal(summed[1], 2 * summed[0])
    _, _, coarse = regroup_counts(ages, intervals, deaths, [0, 50])
    assert coarse.tolist() == [sum(range(50)), sum(range(50, 91))]


def test_table_from_deaths_is_the_table_from_their_rates() -> None:
    ages, intervals = abridged_ages(85)
    exposure = np.linspace(50_000, 5_000, ages.size)
    deaths = np.round(exposure * np.exp(-8.5 + 0.08 * ages))
    deaths[0] = 300
    from_counts = life_table_from_deaths(ages, intervals, deaths, exposure, sex="M")
    from_rates = life_table(ages, intervals, deaths / exposure, sex="M")
    np.testing.assert_allclose(from_counts.ex, from_rates.ex, rtol=1e-14)
    assert from_counts.warnings == []
