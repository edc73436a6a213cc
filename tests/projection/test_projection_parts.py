"""The resident population as registered residents + floating residents: the residual migration, the sum of the
parts, and the parts only ageing when nothing happens."""

from __future__ import annotations

import numpy as np
import pytest

from renkou.projection.engine import StepRates, project
from renkou.projection.parts import combine_parts, gross_flows, project_gross, residual_migrants


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


def test_gross_flows_by_hand() -> None:
    # Two regions, one sex pattern, three ages, no events: survivors are the aged start.
    start = np.array([[[10.0, 20.0, 30.0]] * 2, [[40.0, 10.0, 10.0]] * 2])
    end = np.array([[[4.0, 14.0, 40.0]] * 2, [[2.0, 40.0, 25.0]] * 2])
    flows = gross_flows(start, end, _still_rates(3))
    # Residuals (end - aged start): region 1: 4, 4, -10; region 2: 2, 0, 5. Aged start: [0, 10, 50], [0, 40, 20].
    # Inflow: region totals 8 and 7 (per sex); the city's inflow profile, per sex, 6/15, 4/15, 5/15 (halved).
    np.testing.assert_allclose(flows.inflow[0, 0], 2 * 8 * np.array([6, 4, 5]) / 30)
    np.testing.assert_allclose(flows.inflow[1, 1], 2 * 7 * np.array([6, 4, 5]) / 30)
    # Outflow: only region 1 age 2+ (10 of its 50 survivors); the city's rate there 10 / 70; region 1's scale makes
    # its outflow 10: 10 / (50 * 10 / 70) = 1.4, so its rate is 0.2; region 2 has no outflow (scale 0).
    np.testing.assert_allclose(flows.outflow_rate[0], [[0, 0, 0.2], [0, 0, 0.2]])
    np.testing.assert_allclose(flows.outflow_rate[1], 0.0)


def test_gross_flows_reproduce_each_regions_total_and_never_go_negative() -> None:
    rng = np.random.default_rng(12)
    ages = 101
    start = rng.uniform(50, 500, (4, 2, ages))
    end = start * rng.uniform(0.2, 1.4, (4, 2, ages))  # heavy outflows in places
    nLx = np.linspace(1.0, 0.4, ages)[None, :].repeat(2, axis=0)
    nLx[:, -1] = 3.0
    rates = StepRates(np.zeros(ages), nLx, np.ones(2), np.array(1.06), np.zeros((2, ages)))
    flows = gross_flows(start, end, rates)
    assert (flows.outflow_rate <= 1).all() and (flows.outflow_rate >= 0).all()
    one = project_gross(start, lambda t: rates, lambda t: flows.inflow, flows.outflow_rate, 1)
    np.testing.assert_allclose(one.population[:, 1].sum(axis=(-1, -2)), end.sum(axis=(-1, -2)), rtol=1e-12)
    long = project_gross(start, lambda t: rates, lambda t: np.zeros_like(flows.inflow), flows.outflow_rate, 40)
    assert (long.population >= 0).all()
    # Balancing equation every step: change = births - deaths + net migrants.
    change = np.diff(long.population.sum(axis=(-1, -2)), axis=-1)
    balance = long.births.sum(axis=-1) - long.deaths.sum(axis=(-1, -2)) + long.net_migrants.sum(axis=(-1, -2))
    np.testing.assert_allclose(change, balance, rtol=1e-10, atol=1e-8)


def test_gross_projection_with_births_stays_close_to_the_observed_totals() -> None:
    rng = np.random.default_rng(13)
    ages = 101
    start = rng.uniform(50, 500, (3, 2, ages))
    end = start * rng.uniform(0.8, 1.3, (3, 2, ages))
    asfr = np.zeros(ages)
    asfr[18:45] = 0.05
    nLx = np.linspace(1.0, 0.4, ages)[None, :].repeat(2, axis=0)
    nLx[:, -1] = 3.0
    rates = StepRates(asfr, nLx, np.ones(2), np.array(1.06), np.zeros((2, ages)))
    flows = gross_flows(start, end, rates)
    one = project_gross(start, lambda t: rates, lambda t: flows.inflow, flows.outflow_rate, 1)
    # Births count the women at the end, which the smoothed flows change a little from the observed end.
    np.testing.assert_allclose(one.population[:, 1].sum(axis=(-1, -2)), end.sum(axis=(-1, -2)), rtol=2e-3)


def test_every_cell_loses_exactly_its_rate_of_survivors() -> None:
    rng = np.random.default_rng(14)
    ages = 101
    start = rng.uniform(50, 500, (2, 2, ages))
    asfr = np.zeros(ages)
    asfr[18:45] = 0.06
    nLx = np.linspace(1.0, 0.4, ages)[None, :].repeat(2, axis=0)
    nLx[:, -1] = 3.0
    rates = StepRates(asfr, nLx, np.ones(2), np.array(1.06), np.zeros((2, ages)))
    rate = np.full((2, 2, ages), 0.97)  # nearly everyone leaves, a few arrive: the newborns' cell is the tight one
    inflow = rng.uniform(0, 5, (2, 2, ages))
    result = project_gross(start, lambda t: rates, lambda t: inflow, rate, 1)
    # Survivors by hand: closed groups by nL(x+1) / nL(x), the open group from both of its sources, the newborns
    # from the step's own births (which count the women who stay or arrive).
    aged = np.zeros_like(start)
    aged[..., 1:-1] = start[..., :-2] * (nLx[:, 1:-1] / nLx[:, :-2])
    s_open = nLx[:, -1] / (nLx[:, -2] + nLx[:, -1])
    aged[..., -1] = (start[..., -2] + start[..., -1]) * s_open
    aged[..., 0] = result.births[:, 0] * nLx[:, 0]  # newborns of the step's own births (radix 1, n = 1)
    np.testing.assert_allclose(result.population[:, 1], aged * (1 - rate) + inflow, rtol=1e-12)
    assert (result.population >= 0).all()
