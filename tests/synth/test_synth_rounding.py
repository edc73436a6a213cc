"""Systematic rounding and exact picks: the properties that keep small synthetic cities on target."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.synth.rounding import pick_per_group, systematic_round


@given(st.lists(st.floats(min_value=0, max_value=50), min_size=1, max_size=60), st.integers(0, 2**32 - 1))
@settings(max_examples=200, deadline=None)
def test_every_prefix_sum_is_within_one(expected: list[float], seed: int) -> None:
    counts = systematic_round(np.array(expected), np.random.default_rng(seed))
    assert counts.min() >= 0
    gap = np.cumsum(counts) - np.cumsum(expected)
    assert np.all(np.abs(gap) < 1 + 1e-9)


def test_rounding_is_unbiased_cell_by_cell() -> None:
    expected = np.array([0.3, 2.25, 0.0, 7.9, 0.05, 1.5])
    rng = np.random.default_rng(3)
    draws = np.array([systematic_round(expected, rng) for _ in range(20000)])
    # Standard error of a mean of 20000 draws of a variable in {floor, floor+1} is below 0.0036.
    assert np.allclose(draws.mean(axis=0), expected, atol=0.015)


def test_integer_totals_are_kept_exactly() -> None:
    expected = np.array([1.2, 3.3, 0.5, 4.0])  # sums to 9
    for seed in range(50):
        assert systematic_round(expected, np.random.default_rng(seed)).sum() == 9


def test_pick_per_group_takes_exact_counts() -> None:
    rng = np.random.default_rng(5)
    groups = rng.integers(0, 4, 1000)
    wanted = np.array([10, 0, 5, 10_000])
    chosen = pick_per_group(groups, wanted, rng)
    for group in range(4):
        assert chosen[groups == group].sum() == min(wanted[group], (groups == group).sum())


def test_weighted_pick_never_takes_zero_weight_and_follows_weights() -> None:
    rng = np.random.default_rng(9)
    n = 20000
    groups = np.zeros(n, dtype=np.int64)
    weights = np.where(np.arange(n) % 2 == 0, 3.0, 1.0)
    weights[:100] = 0.0
    chosen = pick_per_group(groups, np.array([2000]), rng, weights)
    assert chosen.sum() == 2000
    assert not chosen[:100].any()
    heavy = chosen[100:][np.arange(100, n) % 2 == 0].sum()
    light = chosen[100:][np.arange(100, n) % 2 == 1].sum()
    # Sampling without replacement of 10% with weights 3:1 gives a ratio a little under 3 (about 2.8).
    assert 2.4 < heavy / light < 3.1
