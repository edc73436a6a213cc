"""Net emigration limited to the persons at risk: cases worked by hand, a plain-loop check, a property test that no
cell is ever negative, and the stochastic summaries of the migrants actually applied."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from projection_helpers import write_base, write_yaml

from renkou.projection.engine import StepRates, StepResult, Timing, iterate_steps, project, project_step
from renkou.projection.scenario_file import read_scenario
from renkou.projection.stochastic import _step_rates, draw_paths, run_stochastic
from renkou.projection.synthetic import base_rows, scenario_data

NO_DEATHS = np.array([[1.0, 1.0, np.inf], [1.0, 1.0, np.inf]])  # radix 1, n 1: every survival ratio is 1
SOME_DEATHS = np.array([[1.0, 0.8, 0.8], [1.0, 0.8, 0.8]])  # S0 = 1, S(0->1) = 0.8, S(open) = 0.8 / 1.6 = 0.5


def rates(migrants_f: list[float], nLx: np.ndarray = SOME_DEATHS, asfr: list[float] | None = None) -> StepRates:
    return StepRates(
        asfr=np.array(asfr if asfr is not None else [0.0, 0.0, 0.0]),
        nLx=nLx,
        radix=np.ones(2),
        sex_ratio_at_birth=np.array(1.0),
        net_migrants=np.array([migrants_f, [0.0, 0.0, 0.0]]),
    )


def assert_balanced(start: np.ndarray, result: StepResult) -> None:
    """population(t+1) = population(t) + births - deaths + applied migrants, by sex."""
    for sex in range(2):
        change = result.births[sex] - result.deaths[sex].sum() + result.net_migrants[sex].sum()
        assert result.population[sex].sum() == pytest.approx(start[sex].sum() + change, abs=1e-12)


def test_end_timing_emigration_beyond_the_survivors_empties_the_cell() -> None:
    # Women 10, 4, 2 at ages 0, 1, 2+. Survivors: age 1 gets 10 x 0.8 = 8, the open group (4 + 2) x 0.5 = 3.
    # 15 emigrants at age 1 exceed the 8 there: 8 leave, the cell is 0; 1 emigrant of the open group leaves (3 -> 2).
    base = np.array([[10.0, 4.0, 2.0], [10.0, 4.0, 2.0]])
    result = project_step(base, rates([0.0, -15.0, -1.0]), 1, "end")
    np.testing.assert_allclose(result.population, [[0.0, 0.0, 2.0], [0.0, 8.0, 3.0]], atol=1e-15)
    np.testing.assert_allclose(result.net_migrants, [[0.0, -8.0, -1.0], [0.0, 0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(result.deaths, [[0.0, 2.0, 3.0], [0.0, 2.0, 3.0]], atol=1e-15)
    assert result.limited is not None
    assert result.limited.tolist() == [[False, True, False], [False, False, False]]
    assert_balanced(base, result)  # 16 - 5 deaths - 9 applied emigrants = 2


def test_half_timing_limits_both_halves_to_the_persons_then_present() -> None:
    # 30 emigrants at age 1 (end of step): 15 at the start to the 4 women aged 1 -> 4 leave, none left to survive;
    # 15 at the end from the 10 x 0.8 = 8 survivors reaching age 1 -> 8 leave. Applied: -12, the cell ends at 0.
    # Open group: start 2 - 0.5 = 1.5 survive at 0.5 -> 0.75, end 0.75 - 0.5 = 0.25 (no limit binds there).
    base = np.array([[10.0, 4.0, 2.0], [10.0, 4.0, 2.0]])
    result = project_step(base, rates([0.0, -30.0, -1.0]), 1, "half")
    np.testing.assert_allclose(result.population, [[0.0, 0.0, 0.25], [0.0, 8.0, 3.0]], atol=1e-15)
    np.testing.assert_allclose(result.net_migrants, [[0.0, -12.0, -1.0], [0.0, 0.0, 0.0]], atol=1e-15)
    # Deaths: 10 - 8 at age 1; the open group's entrants 0 (age 1 emptied at the start) + 1.5, minus 0.75.
    np.testing.assert_allclose(result.deaths, [[0.0, 2.0, 0.75], [0.0, 2.0, 3.0]], atol=1e-15)
    assert_balanced(base, result)  # 16 - 2.75 - 13 = 0.25


def test_half_timing_start_limit_only() -> None:
    # 12 emigrants at age 1: 6 at the start from 4 -> 4 leave; 6 at the end from 8 survivors -> 2 remain. Applied -10.
    base = np.array([[10.0, 4.0, 2.0], [10.0, 4.0, 2.0]])
    result = project_step(base, rates([0.0, -12.0, 0.0]), 1, "half")
    np.testing.assert_allclose(result.population[0], [0.0, 2.0, 1.0], atol=1e-15)
    np.testing.assert_allclose(result.net_migrants[0], [0.0, -10.0, 0.0], atol=1e-15)
    assert_balanced(base, result)


def test_newborn_emigration_is_limited_to_the_surviving_births_and_mothers_are_never_negative() -> None:
    # Women 10 aged 1 at the start, no deaths, asfr 0.2 at age 1, 1 boy per girl, end timing.
    # Women aged 1 at the end: the 0 survivors of age 0, and 30 emigrants cannot make them -20: they stay 0.
    # Births 0.2 x (10 + 0) / 2 = 1: 0.5 girls, 0.5 boys; 100 girl emigrants at age 0 take only the 0.5 girls.
    base = np.array([[0.0, 10.0, 0.0], [0.0, 0.0, 0.0]])
    result = project_step(base, rates([-100.0, -30.0, 0.0], NO_DEATHS, [0.0, 0.2, 0.0]), 1, "end")
    np.testing.assert_allclose(result.births, [0.5, 0.5])
    np.testing.assert_allclose(result.population, [[0.0, 0.0, 10.0], [0.5, 0.0, 0.0]], atol=1e-15)
    np.testing.assert_allclose(result.net_migrants, [[-0.5, 0.0, 0.0], [0.0, 0.0, 0.0]], atol=1e-15)
    assert_balanced(base, result)  # 10 + 1 - 0 - 0.5 = 10.5


def test_no_limit_binding_leaves_the_assumed_migrants_bit_for_bit() -> None:
    base = np.array([[10.0, 4.0, 2.0], [10.0, 4.0, 2.0]])
    step = rates([0.3, -7.0, -1.0])
    for timing in ("half", "end"):
        result = project_step(base, step, 1, timing)
        assert result.limited is None
        assert np.array_equal(result.net_migrants, step.net_migrants)
    # Cells the limit spares keep their migrants exactly even when another cell is limited (the smallest subnormal
    # would not survive being halved and added back).
    tiny = 5e-324
    result = project_step(base, rates([tiny, -30.0, -1.0]), 1, "half")
    assert result.limited is not None and result.limited[0].tolist() == [False, True, False]
    assert result.net_migrants[0, 0] == tiny and result.net_migrants[0, 2] == -1.0


def plain_loop_limited(pop: np.ndarray, L: np.ndarray, asfr: np.ndarray, srb: float, M: np.ndarray, half: bool):
    """One step of the cohort-component method as plain loops (one sex at a time, n = 1, radix 1) with the rule
    written out: every part m of the migrants added to a cell holding p persons is max(m, -p)."""
    ages = pop.shape[1]
    h = 0.5 if half else 0.0
    applied = [[0.0] * ages for _ in range(2)]
    start = [[0.0] * ages for _ in range(2)]
    for sex in range(2):
        for x in range(ages):
            part = max(h * M[sex][x], -pop[sex][x])
            start[sex][x] = pop[sex][x] + part
            applied[sex][x] += part
    end = [[0.0] * ages for _ in range(2)]
    for sex in range(2):
        for x in range(1, ages - 1):
            end[sex][x] = start[sex][x - 1] * L[sex][x] / L[sex][x - 1]
        last = ages - 1
        end[sex][last] = (start[sex][last - 1] + start[sex][last]) * L[sex][last] / (L[sex][last - 1] + L[sex][last])
        for x in range(1, ages):
            part = max((1 - h) * M[sex][x], -end[sex][x])
            end[sex][x] += part
            applied[sex][x] += part
    births = sum(asfr[x] * (start[0][x] + end[0][x]) / 2 for x in range(1, ages))
    for sex, share in ((0, 1 / (1 + srb)), (1, srb / (1 + srb))):
        newborns = births * share * L[sex][0]
        part = max((1 - h) * M[sex][0], -newborns)
        end[sex][0] = newborns + part
        applied[sex][0] += part
    return np.array(end), np.array(applied)


@pytest.mark.parametrize("timing", ["half", "end"])
def test_engine_matches_a_plain_loop_with_the_rule_when_many_limits_bind(timing: Timing) -> None:
    rng = np.random.default_rng(11)
    ages = 12
    for _ in range(20):
        pop = rng.uniform(0, 5, (2, ages)) * (rng.random((2, ages)) > 0.3)
        q = rng.uniform(0.0, 0.4, (2, ages))
        lx = np.concatenate([np.ones((2, 1)), np.cumprod(1 - q, axis=1)], axis=1)
        L = np.concatenate([(lx[:, :-2] + lx[:, 1:-1]) / 2, lx[:, -2:-1] / 0.3], axis=1)
        asfr = np.where((np.arange(ages) >= 3) & (np.arange(ages) < 9), rng.uniform(0, 0.4, ages), 0.0)
        M = rng.normal(-2.0, 4.0, (2, ages))
        srb = float(rng.uniform(1.0, 1.1))
        step = StepRates(asfr, L, np.ones(2), np.array(srb), M)
        result = project_step(pop, step, 1, timing)
        expected, applied = plain_loop_limited(pop, L, asfr, srb, M, timing == "half")
        np.testing.assert_allclose(result.population, expected, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(result.net_migrants, applied, rtol=1e-12, atol=1e-12)
        assert result.limited is not None  # mean -2 persons a cell on cells of at most 5: limits bind


SIZES = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(3, 9))
FINITE = {"allow_nan": False, "allow_infinity": False}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    sizes=SIZES,
    n=st.sampled_from([1, 5]),
    timing=st.sampled_from(["half", "end"]),
    single=st.booleans(),
)
def test_no_cell_is_ever_negative_and_the_balance_holds(
    data: st.DataObject, sizes: tuple[int, int, int], n: int, timing: Timing, single: bool
) -> None:
    """Random non-negative bases (regions x variants, empty cells included), arbitrary migration (up to a hundred
    times the largest cell, either sign), random survivorship and fertility, over three steps."""
    regions, variants, ages = sizes
    dtype = np.float32 if single else np.float64
    base = data.draw(arrays(np.float64, (regions, 1, 2, ages), elements=st.floats(0, 1e4, **FINITE)))
    steps = 3
    migrants = data.draw(
        arrays(np.float64, (steps, regions, variants, 2, ages), elements=st.floats(-1e6, 1e6, **FINITE))
    )
    survival = data.draw(
        arrays(np.float64, (steps, regions, variants, 2, ages), elements=st.floats(0.05, 1.0, **FINITE))
    )
    nLx = np.cumprod(survival, axis=-1)  # falling person-years: survival ratios in (0, 1]
    asfr = data.draw(arrays(np.float64, (steps, regions, variants, ages), elements=st.floats(0, 0.5, **FINITE)))
    asfr[..., 0] = 0.0

    def step_rates(t: int) -> StepRates:
        return StepRates(
            asfr=asfr[t].astype(dtype),
            nLx=nLx[t].astype(dtype),
            radix=np.full(2, n, dtype=dtype),  # nL0 / (n l0) <= 1
            sex_ratio_at_birth=np.full((regions, variants), 1.05, dtype=dtype),
            net_migrants=migrants[t].astype(dtype),
        )

    result = project(base.astype(dtype), step_rates, steps, n, timing)
    assert result.population.dtype == dtype
    assert (result.population >= 0).all()
    assert (result.births >= 0).all() and (result.deaths >= 0).all()
    # The limit only ever holds back emigrants: applied migrants are at least the assumed ones, and equal where the
    # cell kept persons at risk of leaving (positive net migrants are never touched).
    assumed = np.moveaxis(migrants.astype(dtype), 0, -3)
    assert (result.net_migrants >= assumed).all()
    positive = assumed >= 0
    assert np.array_equal(result.net_migrants[positive], assumed[positive])
    # Balancing equation with the applied migrants, in double precision, to the rounding of the arithmetic.
    pop = result.population.astype(np.float64)
    change = (
        result.births.astype(np.float64).sum(axis=-1)
        - result.deaths.astype(np.float64).sum(axis=(-1, -2))
        + result.net_migrants.astype(np.float64).sum(axis=(-1, -2))
    )
    scale = 1.0 + np.abs(pop).sum(axis=(-1, -2))[..., 1:] + np.abs(result.net_migrants).sum(axis=(-1, -2))
    gap = np.abs(pop.sum(axis=(-1, -2))[..., 1:] - pop.sum(axis=(-1, -2))[..., :-1] - change)
    assert (gap <= (1e-5 if single else 1e-12) * scale).all()


def test_stochastic_migrant_summaries_are_those_applied_when_limits_bind() -> None:
    """Strong emigration empties old cohorts in some trajectories: the quantiles of migrants by age and of their
    totals are those of the migrants applied, sorted directly, and no population quantile is negative."""
    with tempfile.TemporaryDirectory() as folder:
        base = write_base(Path(folder) / "base.csv", base_rows(2, 5, open_age=85))
        scenario = read_scenario(write_yaml(Path(folder) / "s.yaml", scenario_data(2, 5, 4, trajectories=200)), base)
    assert scenario.stochastic is not None
    # Yearly net emigration of a tenth of each region's population, the profile moved to old ages.
    plans = []
    for plan in scenario.regions:
        profile = np.zeros_like(plan.profile)
        profile[:, -4:] = 1.0
        total = -0.1 * float(scenario.base[len(plans)].sum())
        plans.append(
            replace(plan, profile=profile / profile.sum(), migration_total=np.full_like(plan.migration_total, total))
        )
    scenario = replace(scenario, regions=plans)
    settings_ = scenario.stochastic
    summary = run_stochastic(scenario, settings_, city="3301")
    assert summary.population.min() >= 0

    paths = draw_paths(scenario, settings_)
    step_rates = _step_rates(scenario, paths, settings_.trajectories)
    start = scenario.base[:, None].astype(np.float32)
    limited_somewhere = False
    for t, result in enumerate(iterate_steps(start, step_rates, scenario.steps, 5, scenario.migration_timing)):
        limited_somewhere |= result.limited is not None
        applied = result.net_migrants.astype(np.float64)  # (R, N, 2, A)
        by_age = np.quantile(applied, summary.quantiles, axis=1)
        np.testing.assert_allclose(summary.net_migrants[:, :2, t], by_age, rtol=1e-5, atol=1e-3)
        city = np.quantile(applied.sum(axis=0), summary.quantiles, axis=0)
        np.testing.assert_allclose(summary.net_migrants[:, 2, t], city, rtol=1e-5, atol=1e-3)
        totals = np.quantile(applied.sum(axis=(-1, -2)), summary.quantiles, axis=1)
        np.testing.assert_allclose(summary.net_migrants_total[:, :2, t], totals, rtol=1e-5)
    assert limited_somewhere
