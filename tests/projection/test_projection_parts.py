"""The resident population as registered residents + floating residents: the residual migration, the sum of the
parts, and the parts only ageing when nothing happens."""

from __future__ import annotations

import numpy as np
import pytest

from renkou.projection.engine import StepRates, project
from renkou.projection.parts import combine_parts, residual_migrants


def _still_rates(ages: int, n: int = 1) -> StepRates:
    """Zero fertility, zero mortality (nLx = n l0, infinite open group), zero migration."""
    nLx = np.full((2, ages), n * 1.0)
    nLx[:, -1] = np.inf
    return StepRates(
        asfr=np.zeros(ages),
        nLx=nLx,
        radix=np.ones(2),
        sex_ratio_at_birth=np.array(1.05),
        net_migrants=np.zeros((2, ages)),
    )


def test_residual_without_events_is_end_minus_the_aged_start() -> None:
    start = np.array([[10.0, 20.0, 30.0, 40.0], [11.0, 21.0, 31.0, 41.0]])
    end = np.array([[5.0, 12.0, 27.0, 75.0], [6.0, 10.0, 22.0, 70.0]])
    migrants = residual_migrants(start, end, _still_rates(4))
    aged = np.array([[0.0, 10.0, 20.0, 70.0], [0.0, 11.0, 21.0, 72.0]])
    np.testing.assert_allclose(migrants, end - aged)


def test_residual_by_hand_with_births_and_deaths() -> None:
    # Ages 0, 1, 2+; nLx (radix 1) 0.9, 0.8, 2.0 for both sexes; half a child per woman aged 1; 1.05 boys per girl.
    rates = StepRates(
        asfr=np.array([0.0, 0.5, 0.0]),
        nLx=np.array([[0.9, 0.8, 2.0], [0.9, 0.8, 2.0]]),
        radix=np.ones(2),
        sex_ratio_at_birth=np.array(1.05),
        net_migrants=np.zeros((2, 3)),
    )
    start = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    end = np.array([[12.0, 25.0, 60.0], [13.0, 9.0, 40.0]])
    s1, s_open = 0.8 / 0.9, 2.0 / 2.8
    survivors = np.array([10.0 * s1, (20.0 + 30.0) * s_open])
    births = 0.5 * (20.0 + 25.0) / 2  # women aged 1 at the start and at the (observed) end
    girls, boys = births / 2.05, births * 1.05 / 2.05
    expected = np.array(
        [[12.0 - girls * 0.9, *(end[0, 1:] - survivors)], [13.0 - boys * 0.9, *(end[1, 1:] - survivors)]]
    )
    migrants = residual_migrants(start, end, rates)
    np.testing.assert_allclose(migrants, expected, rtol=1e-13)


def test_projecting_with_the_residual_gives_the_observed_end() -> None:
    rng = np.random.default_rng(5)
    ages = 101
    start = rng.uniform(0, 500, (3, 2, ages))
    end = rng.uniform(0, 500, (3, 2, ages))
    asfr = np.zeros(ages)
    asfr[15:50] = 0.04
    nLx = np.linspace(1.0, 0.3, ages)[None, :].repeat(2, axis=0)
    nLx[:, -1] = 2.0
    rates = StepRates(asfr, nLx, np.ones(2), np.array(1.06), np.zeros((2, ages)))
    migrants = residual_migrants(start, end, rates)
    result = project(start, [StepRates(asfr, nLx, np.ones(2), np.array(1.06), migrants)], 1, 1, "end")
    np.testing.assert_allclose(result.population[:, 1], end, rtol=1e-12, atol=1e-9)


def test_parts_sum_to_the_resident_and_each_part_only_ages_without_events() -> None:
    rng = np.random.default_rng(8)
    ages, steps = 101, 5
    registered = rng.uniform(0, 1000, (2, ages))
    floating = rng.uniform(0, 300, (2, ages))
    rates = [_still_rates(ages)] * steps
    parts = {
        "registered_resident": project(registered, rates, steps, 1, "end"),
        "floating_resident": project(floating, rates, steps, 1, "end"),
    }
    combined = combine_parts(parts)
    for t in range(steps + 1):
        for name, base in (("registered_resident", registered), ("floating_resident", floating)):
            expected = np.zeros_like(base)  # t years of ageing by hand: shift t ages, pile into the open group
            expected[:, t:] = base[:, : ages - t]
            expected[:, -1] += base[:, ages - t :].sum(axis=-1) if t else 0.0
            np.testing.assert_allclose(combined.parts[name].population[t], expected, rtol=1e-12)
            assert combined.parts[name].population[t].sum() == pytest.approx(base.sum(), rel=1e-12)
        np.testing.assert_allclose(
            combined.resident.population[t],
            parts["registered_resident"].population[t] + parts["floating_resident"].population[t],
        )
    assert combined.resident.population[0].sum() == pytest.approx(registered.sum() + floating.sum(), rel=1e-12)
    assert (combined.resident.deaths == 0).all() and (combined.resident.births == 0).all()
