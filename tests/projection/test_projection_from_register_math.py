"""Pure pieces of the register-estimated projection, each checked against a plain loop or a hand computation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.projection import charts
from renkou.projection.from_register import (
    OPEN_AGE,
    city_profile,
    cohort_net_migrants,
    default_variants,
    schedule_from_groups,
    single_year_mx,
)


def _balance_by_loop(start: np.ndarray, end: np.ndarray, births: float, deaths: np.ndarray) -> np.ndarray:
    """The cohort balance written out age by age: a cohort's deaths are half those at each age it passes."""
    out = np.zeros(OPEN_AGE + 1)
    out[0] = end[0] - births + deaths[0] / 2
    for x in range(OPEN_AGE - 1):
        out[x + 1] = end[x + 1] - start[x] + deaths[x] / 2 + deaths[x + 1] / 2
    out[OPEN_AGE] = end[OPEN_AGE] - start[OPEN_AGE - 1] - start[OPEN_AGE] + deaths[OPEN_AGE - 1] / 2
    out[OPEN_AGE] += deaths[OPEN_AGE]
    return out


def test_cohort_balance_matches_a_plain_loop_and_the_demographic_identity() -> None:
    rng = np.random.default_rng(3)
    start = rng.integers(0, 500, size=(3, 2, OPEN_AGE + 1)).astype(float)
    end = rng.integers(0, 500, size=(3, 2, OPEN_AGE + 1)).astype(float)
    deaths = rng.integers(0, 20, size=(3, 2, OPEN_AGE + 1)).astype(float)
    births = rng.integers(0, 300, size=(3, 2)).astype(float)
    got = cohort_net_migrants(start, end, births, deaths)
    for r in range(3):
        for s in range(2):
            np.testing.assert_allclose(got[r, s], _balance_by_loop(start[r, s], end[r, s], births[r, s], deaths[r, s]))
    # Summed over ages: change minus natural increase, the statistics' net migration.
    expected = end.sum(axis=-1) - start.sum(axis=-1) - births + deaths.sum(axis=-1)
    np.testing.assert_allclose(got.sum(axis=-1), expected)


def test_a_closed_population_without_deaths_has_no_migrants() -> None:
    start = np.arange(OPEN_AGE + 1, dtype=float)[None].repeat(2, axis=0)
    end = np.zeros_like(start)
    end[:, 1:OPEN_AGE] = start[:, : OPEN_AGE - 1]
    end[:, OPEN_AGE] = start[:, OPEN_AGE - 1] + start[:, OPEN_AGE]
    end[:, 0] = [7.0, 9.0]
    got = cohort_net_migrants(start, end, np.array([7.0, 9.0]), np.zeros_like(start))
    np.testing.assert_array_equal(got, 0.0)


def test_schedule_holds_each_five_year_rate_over_its_years() -> None:
    groups = np.array([0.01, 0.06, 0.09, 0.05, 0.02, 0.004, 0.001])
    shape = schedule_from_groups(groups)
    tfr = 5 * groups.sum()
    assert shape.sum() == pytest.approx(1.0)
    assert (1.3 * shape).sum() == pytest.approx(1.3)
    assert np.all(shape[:15] == 0) and np.all(shape[50:] == 0)
    np.testing.assert_allclose(tfr * shape[20:25], 0.06)  # 20-24: the group's own rate back
    np.testing.assert_allclose(tfr * shape[45:50], 0.001)
    with pytest.raises(ValueError):
        schedule_from_groups(np.zeros(7))


def test_single_year_mx_spreads_groups_and_fills_empty_ones() -> None:
    abridged = np.array([0.004, 0.0, 0.0002, *([0.001] * 15), 0.15])
    mx = single_year_mx(abridged)
    assert mx.shape == (OPEN_AGE + 1,)
    assert mx[0] == 0.004
    np.testing.assert_array_equal(mx[1:10], 0.0002)  # 1-4 had no deaths: the 5-9 rate carries back
    np.testing.assert_array_equal(mx[85:], 0.15)
    assert mx[84] == 0.001


def test_profile_falls_back_to_a_model_when_the_city_loses_people() -> None:
    counts = np.zeros((2, OPEN_AGE + 1))
    counts[0, 25], counts[1, 30] = 30.0, 10.0
    profile, modelled = city_profile(counts)
    assert not modelled and profile[0, 25] == pytest.approx(0.75)
    profile, modelled = city_profile(-counts)
    assert modelled and profile.sum() == pytest.approx(1.0) and np.all(profile > 0)


def test_variants_are_the_stated_spreads() -> None:
    low, medium, high = default_variants()
    assert (low.tfr_shift, medium.tfr_shift, high.tfr_shift) == (-0.2, 0.0, 0.2)
    assert low.migration_factor < 1.0 < high.migration_factor


def test_five_year_groups_match_a_loop() -> None:
    values = np.arange(2 * (OPEN_AGE + 1), dtype=float).reshape(2, OPEN_AGE + 1)
    grouped = charts.five_year_groups(values)
    for s in range(2):
        expected = [values[s, a : a + 5].sum() for a in range(0, 100, 5)] + [values[s, 100]]
        np.testing.assert_allclose(grouped[s], expected)


def test_charts_are_written_as_png_and_svg(tmp_path: Path) -> None:
    base = np.full((2, OPEN_AGE + 1), 100.0)
    later = base * 1.1
    png = charts.save(lambda: charts.pyramid(base, later, 2020, 2035, "金字塔 pyramid"), tmp_path / "p.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bands: dict[str, list[float]] = {"p2.5": [1, 2], "p10": [1, 2.5], "p50": [1, 3], "p90": [1, 3.5], "p97.5": [1, 4]}
    svg = charts.save(
        lambda: charts.fan_chart([("总人口", [2020, 2021], {"medium": [1, 3]}, bands)], "扇形图"), tmp_path / "f.svg"
    )
    assert "<svg" in svg.read_text(encoding="utf-8")
    with pytest.raises(UserError):
        charts.save(lambda: charts.pyramid(base, later, 2020, 2035, "x"), tmp_path / "p.gif")
    with pytest.raises(ValueError):
        charts.fan_chart([("x", [2020, 2021], {"medium": [1, 2, 3]}, bands)], "t")
