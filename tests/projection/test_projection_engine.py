"""The engine against an independent plain-loop computation, and its conservation properties."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from numpy.typing import NDArray

from renkou.projection.engine import FloatArray, StepRates, Timing, project

Array = NDArray[np.float64]


def textbook_projection(
    pop: list[list[float]],
    nLx: list[list[list[float]]],
    radix: float,
    asfr: list[list[float]],
    srb: list[float],
    migrants: list[list[list[float]]],
    n: int,
    timing: str,
) -> list[list[list[float]]]:
    """Preston, Heuveline & Guillot (2001) section 6.3 written as plain loops over steps, sexes and ages.

    ``pop[sex][age]``; per step ``nLx[t][sex][age]``, ``asfr[t][age]``, ``srb[t]``, ``migrants[t][sex][age]``.
    Returns the population at every step ``[t][sex][age]``, the base first.
    """
    ages = len(pop[0])
    h = 0.5 if timing == "half" else 0.0
    history = [[list(row) for row in pop]]
    current = [list(row) for row in pop]
    for t in range(len(asfr)):
        nxt = [[0.0] * ages for _ in range(2)]
        for sex in range(2):
            L = nLx[t][sex]
            M = migrants[t][sex]
            for x in range(1, ages - 1):
                nxt[sex][x] = (current[sex][x - 1] + h * M[x - 1]) * (L[x] / L[x - 1]) + (1 - h) * M[x]
            last = ages - 1
            inflow = current[sex][last - 1] + h * M[last - 1] + current[sex][last] + h * M[last]
            nxt[sex][last] = inflow * (L[last] / (L[last - 1] + L[last])) + (1 - h) * M[last]
        births = 0.0
        for x in range(ages):
            women_start = current[0][x] + h * migrants[t][0][x]
            births += n * asfr[t][x] * (women_start + nxt[0][x]) / 2
        girls = births / (1 + srb[t])
        boys = births - girls
        nxt[0][0] = girls * nLx[t][0][0] / (n * radix) + (1 - h) * migrants[t][0][0]
        nxt[1][0] = boys * nLx[t][1][0] / (n * radix) + (1 - h) * migrants[t][1][0]
        history.append(nxt)
        current = nxt
    return history


def random_life_table(rng: np.random.Generator, ages: int, n: int, radix: float) -> Array:
    """Person-years of a made-up but coherent life table: falling lx, trapezoid nLx, open group l / m."""
    q = np.clip(0.001 * np.exp(0.08 * n * np.arange(ages)) * rng.uniform(0.7, 1.3, ages), 0, 0.5)
    lx = radix * np.concatenate([[1.0], np.cumprod(1 - q)])
    closed = n * (lx[:-2] + lx[1:-1]) / 2
    return np.concatenate([closed, [lx[-2] / rng.uniform(0.12, 0.3)]])


def random_inputs(seed: int, n: int, ages: int, steps: int, series: int) -> dict[str, Array]:
    rng = np.random.default_rng(seed)
    radix = 100_000.0
    nLx = np.array(
        [[[random_life_table(rng, ages, n, radix) for _sex in range(2)] for _t in range(steps)] for _k in range(series)]
    )
    age_lower = np.arange(ages) * n
    fertile = (age_lower >= 15) & (age_lower < 50)
    asfr = rng.uniform(0.0, 0.15, (series, steps, ages)) * fertile
    pop = rng.uniform(1_000, 50_000, (series, 2, ages))
    return {
        "pop": pop,
        "nLx": nLx,
        "radix": np.full((series, steps, 2), radix),
        "asfr": asfr,
        "srb": rng.uniform(1.02, 1.12, (series, steps)),
        # Net emigration stays well below the smallest cohort so that populations stay positive.
        "migrants": rng.uniform(-0.002, 0.03, (series, steps, 2, ages)) * pop.min(),
    }


def engine_projection(data: Mapping[str, FloatArray], n: int, steps: int, timing: Timing) -> FloatArray:
    def rates(t: int) -> StepRates:
        return StepRates(
            asfr=data["asfr"][:, t],
            nLx=data["nLx"][:, t],
            radix=data["radix"][:, t],
            sex_ratio_at_birth=data["srb"][:, t],
            net_migrants=data["migrants"][:, t],
        )

    return project(data["pop"], rates, steps, n, timing).population


@pytest.mark.parametrize("timing", ["half", "end"])
@pytest.mark.parametrize(("n", "ages", "steps"), [(1, 101, 6), (5, 18, 4)])
def test_engine_matches_plain_loop(n: int, ages: int, steps: int, timing: Timing) -> None:
    series = 3
    data = random_inputs(seed=n * 100 + ages, n=n, ages=ages, steps=steps, series=series)
    projected = engine_projection(data, n, steps, timing)
    for k in range(series):
        expected = textbook_projection(
            data["pop"][k].tolist(),
            data["nLx"][k].tolist(),
            100_000.0,
            data["asfr"][k].tolist(),
            data["srb"][k].tolist(),
            data["migrants"][k].tolist(),
            n,
            timing,
        )
        np.testing.assert_allclose(projected[k], np.array(expected), rtol=1e-12, atol=1e-9)


def test_leading_axes_regions_variants_trajectories_broadcast() -> None:
    """Rates with extra leading axes (variants x trajectories) over one base give the same as one at a time."""
    n, ages, steps = 5, 18, 3
    data = random_inputs(seed=7, n=n, ages=ages, steps=steps, series=6)
    grid = {key: value.reshape(2, 3, *value.shape[1:]) for key, value in data.items()}
    grid["pop"] = data["pop"][:2][:, None]  # one base per region, shared by the 3 variants

    def rates(t: int) -> StepRates:
        return StepRates(
            asfr=grid["asfr"][:, :, t],
            nLx=grid["nLx"][:, :, t],
            radix=grid["radix"][:, :, t],
            sex_ratio_at_birth=grid["srb"][:, :, t],
            net_migrants=grid["migrants"][:, :, t],
        )

    together = project(grid["pop"], rates, steps, n, "half").population
    assert together.shape == (2, 3, steps + 1, 2, ages)
    for region in range(2):
        for variant in range(3):
            one = {key: value[region * 3 + variant][None] for key, value in data.items()}
            one["pop"] = data["pop"][region][None]
            alone = engine_projection(one, n, steps, "half")[0]
            np.testing.assert_allclose(together[region, variant], alone, rtol=1e-13)


@pytest.mark.parametrize("timing", ["half", "end"])
@pytest.mark.parametrize(("n", "ages"), [(1, 101), (5, 18)])
def test_balancing_equation_holds_every_step(n: int, ages: int, timing: Timing) -> None:
    steps = 5
    data = random_inputs(seed=3, n=n, ages=ages, steps=steps, series=2)

    def rates(t: int) -> StepRates:
        return StepRates(
            data["asfr"][:, t], data["nLx"][:, t], data["radix"][:, t], data["srb"][:, t], data["migrants"][:, t]
        )

    result = project(data["pop"], rates, steps, n, timing)
    for t in range(steps):
        for sex in range(2):
            before = result.population[:, t, sex].sum(axis=-1)
            after = result.population[:, t + 1, sex].sum(axis=-1)
            change = (
                result.births[:, t, sex]
                - result.deaths[:, t, sex].sum(axis=-1)
                + result.net_migrants[:, t, sex].sum(axis=-1)
            )
            np.testing.assert_allclose(after, before + change, rtol=1e-13)
        # Births by mother's age add up to births of both sexes, split by the sex ratio at birth.
        np.testing.assert_allclose(result.births_by_age[:, t].sum(axis=-1), result.births[:, t].sum(axis=-1))
        np.testing.assert_allclose(result.births[:, t, 1] / result.births[:, t, 0], data["srb"][:, t])
    assert (result.deaths >= 0).all()


@pytest.mark.parametrize(("n", "ages"), [(1, 101), (5, 18)])
def test_no_events_only_ages_the_cohorts(n: int, ages: int) -> None:
    """Zero fertility, zero mortality (nLx = n * l0, infinite open group) and zero migration."""
    rng = np.random.default_rng(11)
    base = rng.uniform(100, 10_000, (2, ages))
    nLx = np.full((2, ages), n * 100_000.0)
    nLx[:, -1] = np.inf
    rates = StepRates(
        asfr=np.zeros(ages),
        nLx=nLx,
        radix=np.full(2, 100_000.0),
        sex_ratio_at_birth=np.array(1.05),
        net_migrants=np.zeros((2, ages)),
    )
    steps = 4
    result = project(base, [rates] * steps, steps, n, "half")
    expected = base.copy()
    for t in range(1, steps + 1):
        shifted = np.zeros_like(expected)
        shifted[:, 1:] = expected[:, :-1]
        shifted[:, -1] += expected[:, -1]
        expected = shifted
        np.testing.assert_allclose(result.population[t], expected, rtol=1e-14)
        # The oldest cohorts pile up in the open group: nobody is lost or created.
        assert result.population[t].sum() == pytest.approx(base.sum(), rel=1e-14)
        assert (result.population[t][:, :t] == 0).all()
    assert (result.deaths == 0).all()


def test_end_timing_adds_migrants_unsurvived_and_half_timing_survives_half() -> None:
    """One age group of 1,000 migrants into an otherwise empty population with 10% mortality per step."""
    ages, n = 4, 5
    nLx = np.array([[500_000.0, 450_000.0, 405_000.0, 1_000_000.0]] * 2)
    migrants = np.zeros((2, ages))
    migrants[0, 1] = 1000.0
    base = np.zeros((2, ages))
    common = {"asfr": np.zeros(ages), "nLx": nLx, "radix": np.full(2, 100_000.0), "sex_ratio_at_birth": np.array(1.05)}
    end = project(base, [StepRates(**common, net_migrants=migrants)], 1, n, "end")
    half = project(base, [StepRates(**common, net_migrants=migrants)], 1, n, "half")
    assert end.population[1, 0, 1] == pytest.approx(1000.0)
    assert end.deaths.sum() == 0
    # Half arrive at the start aged 5-9 and survive into 10-14 (ratio 0.9); half arrive at the end aged 5-9.
    assert half.population[1, 0, 1] == pytest.approx(500.0)
    assert half.population[1, 0, 2] == pytest.approx(450.0)
    assert half.deaths[0, 0, 2] == pytest.approx(50.0)


def test_single_precision_inputs_stay_single_and_agree_with_double() -> None:
    """The stochastic mode projects in float32; results agree with float64 to well within 1e-5 after 6 steps."""
    n, ages, steps = 1, 101, 6
    data = random_inputs(seed=21, n=n, ages=ages, steps=steps, series=2)
    double = engine_projection(data, n, steps, "half")
    single_data = {key: value.astype(np.float32) for key, value in data.items()}
    single = engine_projection(single_data, n, steps, "half")
    assert double.dtype == np.float64 and single.dtype == np.float32
    np.testing.assert_allclose(single, double, rtol=1e-5, atol=1e-3)
