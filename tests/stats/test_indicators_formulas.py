"""The pure formulas of renkou.stats.indicators against hand-worked examples and plain-loop references."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.stats import indicators as ind


def _median_by_loop(counts: list[int]) -> float:
    """Grouped-data median written out: L + (N/2 - F) / f, with unit-width single years."""
    total = sum(counts)
    below = 0
    for age, count in enumerate(counts):
        if below + count >= total / 2 and count > 0:
            return age + (total / 2 - below) / count
        below += count
    raise AssertionError("empty population")


def test_median_age_worked_examples() -> None:
    counts = np.zeros(101)
    counts[[10, 20, 30]] = [1, 2, 1]
    # N = 4, half 2: one person below 20, two aged 20 -> 20 + (2 - 1) / 2 = 20.5.
    assert ind.median_age(counts) == 20.5
    counts = np.zeros(101)
    counts[40] = 5
    assert ind.median_age(counts) == 40.5  # everyone is 40: the middle of the year of age
    assert math.isnan(float(ind.median_age(np.zeros(101))))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=101, max_size=101).filter(lambda c: sum(c) > 0))
def test_median_age_matches_a_plain_loop(counts: list[int]) -> None:
    assert math.isclose(float(ind.median_age(np.array(counts))), _median_by_loop(counts), abs_tol=1e-12)


def test_median_and_shares_are_vectorised_over_areas() -> None:
    rng = np.random.default_rng(3)
    areas = rng.integers(0, 30, size=(4, 101)).astype(float)
    stacked = ind.median_age(areas)
    for i in range(4):
        assert stacked[i] == _median_by_loop([int(c) for c in areas[i]])
        assert ind.age_share(areas, 60)[i] == areas[i, 60:].sum() / areas[i].sum()


def test_dependency_ratios_by_hand() -> None:
    counts = np.zeros(101)
    counts[5], counts[30], counts[70] = 30, 100, 20  # 30 children, 100 of working age, 20 old
    child, old, total = ind.dependency_ratios(counts)
    assert (float(child), float(old), float(total)) == (30.0, 20.0, 50.0)
    counts[30] = 0
    assert all(math.isnan(float(value)) for value in ind.dependency_ratios(counts))


def test_crude_rates_and_zero_denominators() -> None:
    mean = ind.mean_population([1000, 0], [1200, 0])
    assert list(mean) == [1100.0, 0.0]
    rates = ind.crude_rate([11, 3], mean)
    assert rates[0] == 10.0 and math.isnan(rates[1])
    assert math.isnan(float(ind.sex_ratio(5, 0)))
    assert float(ind.sex_ratio(107, 100)) == 107.0


def test_fertility_by_hand() -> None:
    # Mean women per group and births (ages 15-19 ... 45-49).
    women = np.array([1000, 1000, 800, 800, 1000, 1000, 1000], dtype=float)
    births = np.array([10, 60, 80, 40, 10, 2, 0], dtype=float)
    asfr = ind.age_specific_fertility(births, women)
    assert list(asfr) == [0.01, 0.06, 0.1, 0.05, 0.01, 0.002, 0.0]
    # TFR = 5 x (0.01 + 0.06 + 0.1 + 0.05 + 0.01 + 0.002) = 5 x 0.232 = 1.16.
    assert math.isclose(float(ind.total_fertility_rate(asfr)), 1.16, rel_tol=1e-12)
    # MAC = sum(mid x f) / sum(f) with mid-points 17.5 ... 47.5.
    expected = (17.5 * 0.01 + 22.5 * 0.06 + 27.5 * 0.1 + 32.5 * 0.05 + 37.5 * 0.01 + 42.5 * 0.002) / 0.232
    assert math.isclose(float(ind.mean_age_at_childbearing(asfr)), expected, rel_tol=1e-12)
    women[6] = 0  # no women 45-49: the rate and the TFR are undefined, not zero
    assert math.isnan(float(ind.total_fertility_rate(ind.age_specific_fertility(births, women))))


def test_grouping_and_prorating() -> None:
    single = np.arange(35, dtype=float)  # ages 15..49 with counts 0..34
    grouped = ind.group_fertile_ages(single)
    assert list(grouped) == [sum(range(5 * g, 5 * g + 5)) for g in range(7)]
    # 12 births of unknown mother's age spread over known births 10 and 30 in proportion: 3 and 9.
    assert list(ind.prorate_unknown([10.0, 30.0], 12.0)) == [13.0, 39.0]
    # Nothing known: the unknown stay unallocated rather than inventing an age pattern.
    assert list(ind.prorate_unknown([0.0, 0.0], 5.0)) == [0.0, 0.0]
    labels = ind.five_year_labels(85)
    assert labels[0] == "0-4" and labels[-1] == "85+" and len(labels) == 18
    counts = np.ones(101)
    assert list(ind.five_year_groups(counts, 85)) == [5.0] * 17 + [16.0]  # 85..100+ is 16 single years
