"""Stochastic projection: trajectories of TFR, e0 and net migration around the medium paths (pure NumPy).

Each of the three paths deviates from the medium variant by a process of :class:`~renkou.projection.scenario.Process`
(AR(1) or random walk with drift, per step), driven by standard-normal shocks from ``numpy.random.default_rng(seed)``
so that a seed reproduces a run exactly. TFR is clipped at zero; e0 shifts both sexes by the same deviation and is
clipped to what the Brass standard can reach; migration deviates relatively (``total x (1 + d)``) or absolutely
(``total + d`` persons per year). With ``correlation: common`` all regions share the shocks (a city's districts move
together, so the city's interval is not understated); ``independent`` draws them per region.

Every trajectory is projected by the same engine as the deterministic variants, one step at a time over leading axes
``(regions, trajectories)``, and each step is summarised at once (medians and intervals of every output, and of the
totals and the city's sum computed per trajectory, never by adding quantiles), so memory stays that of one step.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from renkou.projection.engine import FloatArray, StepRates, StepResult, iterate_steps
from renkou.projection.scenario import MEDIUM, Process, Scenario, StochasticSettings, variant_paths


def sorted_quantiles(values: FloatArray, axis: int, quantiles: tuple[float, ...], *, exact: bool = False) -> FloatArray:
    """Quantiles along ``axis`` (numpy's default "linear" definition, Hyndman & Fan type 7), put first.

    One sort along a contiguous last axis is several times faster than ``np.quantile`` for many small samples. Unless
    ``exact``, large arrays are sorted in single precision: a relative error below 1e-7 (a tenth of a person per
    million) is far inside any projection interval and the sort is a third faster.
    """
    dtype = np.float64 if exact or values.size < 100_000 else np.float32
    ordered = np.ascontiguousarray(np.moveaxis(values, axis, -1), dtype=dtype)
    ordered.sort(axis=-1)
    size = ordered.shape[-1]
    out = []
    for q in quantiles:
        position = q * (size - 1)
        low = int(np.floor(position))
        high = min(low + 1, size - 1)
        fraction = position - low
        low_values = ordered[..., low].astype(np.float64)
        out.append(low_values + fraction * (ordered[..., high].astype(np.float64) - low_values))
    return np.stack(out)


@dataclass(frozen=True)
class Paths:
    """Trajectories of the assumptions: ``tfr (T, R, N)``, ``e0 (T, R, N, 2)``, ``migration_total (T, R, N)``."""

    tfr: FloatArray
    e0: FloatArray
    migration_total: FloatArray


def draw_paths(scenario: Scenario, settings: StochasticSettings) -> Paths:
    """Draw the assumption trajectories around each region's medium paths."""
    steps, regions, count = scenario.steps, len(scenario.regions), settings.trajectories
    rng = np.random.default_rng(settings.seed)
    shock_regions = 1 if settings.correlation == "common" else regions
    shocks = rng.standard_normal((3, steps, shock_regions, count))
    medium = [variant_paths(plan, MEDIUM, steps) for plan in scenario.regions]
    tfr_medium = np.stack([m[0] for m in medium], axis=1)[..., None]  # (T, R, 1)
    e0_medium = np.stack([m[1].T for m in medium], axis=1)[:, :, None, :]  # (T, R, 1, 2)
    total_medium = np.stack([m[2] for m in medium], axis=1)[..., None]  # (T, R, 1)

    def deviations(index: int, process: Process | None) -> FloatArray:
        if process is None:
            return np.zeros((steps, 1, 1))
        return process.deviations(shocks[index])

    tfr = np.maximum(tfr_medium + deviations(0, settings.tfr), 0.0)
    e0 = e0_medium + deviations(1, settings.e0)[..., None]
    d_migration = deviations(2, settings.migration)
    total = total_medium * (1.0 + d_migration) if settings.migration_scale == "relative" else total_medium + d_migration
    shape = (steps, regions, count)
    return Paths(
        tfr=np.broadcast_to(tfr, shape).copy(),
        e0=np.broadcast_to(e0, (*shape, 2)).copy(),
        migration_total=np.broadcast_to(total, shape).copy(),
    )


@dataclass(frozen=True)
class StochasticSummary:
    """Quantiles (first axis, ``quantiles``) of every output for ``regions`` (the city last when added).

    ``population (Q, K, T+1, 2, A)``, ``births_by_age (Q, K, T, A)``, ``births (Q, K, T, 2)``, ``deaths`` and
    ``net_migrants (Q, K, T, 2, A)``; totals ``population_total (Q, K, T+1)``, ``births_total``, ``deaths_total``,
    ``net_migrants_total (Q, K, T)``; and the drawn assumptions of the regions (without the city) ``tfr (Q, R, T)``,
    ``e0 (Q, R, T, 2)``, ``migration_total (Q, R, T)``.
    """

    quantiles: tuple[float, ...]
    trajectories: int
    seed: int
    regions: list[str]
    population: FloatArray
    births_by_age: FloatArray
    births: FloatArray
    deaths: FloatArray
    net_migrants: FloatArray
    population_total: FloatArray
    births_total: FloatArray
    deaths_total: FloatArray
    net_migrants_total: FloatArray
    tfr: FloatArray
    e0: FloatArray
    migration_total: FloatArray


# Trajectories are projected in single precision: half the memory traffic of double, and a relative error near 1e-6
# after 15 steps is far inside any interval they give.
SINGLE = np.float32

MEASURES = (
    "population",
    "births_by_age",
    "births",
    "deaths",
    "net_migrants",
    "population_total",
    "births_total",
    "deaths_total",
    "net_migrants_total",
)


class _Summariser:
    """Quantiles over the trajectory axis (axis 1) of one step's outputs, with the city's sum as one more region."""

    def __init__(self, scenario: Scenario, paths: Paths, quantiles: tuple[float, ...], city: str | None) -> None:
        self.n = scenario.age_interval
        self.paths, self.q, self.city = paths, quantiles, city
        self.mirrored = tuple(1.0 - p for p in quantiles)
        self.profile = np.stack([plan.profile for plan in scenario.regions])  # (R, 2, A)
        shapes = np.stack([plan.shape for plan in scenario.regions])
        # Mothers' ages where no region has any fertility give zero births in every trajectory: nothing to sort.
        self.fertile = np.flatnonzero(shapes.any(axis=0))
        self.regions = len(scenario.regions) + (city is not None)

    def __call__(self, values: FloatArray) -> FloatArray:
        if self.city is not None:
            values = np.concatenate([values, values.sum(axis=0, keepdims=True)])
        return sorted_quantiles(values, 1, self.q)

    def fixed(self, values: FloatArray) -> FloatArray:
        """Quantiles of a value that is the same in every trajectory (the base year): the value itself."""
        if self.city is not None:
            values = np.concatenate([values, values.sum(axis=0, keepdims=True)])
        return np.broadcast_to(values, (len(self.q), *values.shape)).copy()

    def births_by_age(self, values: FloatArray) -> FloatArray:
        out = np.zeros((len(self.q), self.regions, values.shape[-1]))
        out[..., self.fertile] = self(values[..., self.fertile])
        return out

    def migrants(self, t: int, result: StepResult) -> tuple[FloatArray, FloatArray]:
        """Quantiles of the applied net migrants by age, and of their total per region (with the city).

        Where no limit binds, a region's applied migrants by age are the assumed ``n x total x profile`` with a fixed
        profile, so their quantiles are the profile times the total's quantiles (the mirrored quantile where a
        profile entry is negative): exact, and it spares sorting the largest array. Cells where the engine limited
        net emigration to the persons at risk in some trajectory (``result.limited``: a few small old cohorts) are
        sorted, as are the totals of the regions holding them and the city, a sum over regions."""
        values = result.net_migrants
        total = self.paths.migration_total[t]  # (R, N)
        upper = self.n * sorted_quantiles(total, 1, self.q)[..., None, None]  # (Q, R, 1, 1)
        lower = self.n * sorted_quantiles(total, 1, self.mirrored)[..., None, None]
        regions = np.where(self.profile >= 0, upper * self.profile, lower * self.profile)
        # Profiles sum to 1, so a step's net migrants total n times the yearly total: no pass over the largest array.
        totals = sorted_quantiles(self.n * total, 1, self.q)  # (Q, R)
        if result.limited is not None:
            cells = np.broadcast_to(result.limited, values.shape).any(axis=1)  # (R, 2, A)
            r, s, a = np.nonzero(cells)
            regions[:, r, s, a] = sorted_quantiles(values[r, :, s, a], 1, self.q)
            rows = np.flatnonzero(np.any(cells, axis=(-1, -2)))
            totals[:, rows] = sorted_quantiles(values[rows].sum(axis=(-1, -2)), 1, self.q)
        if self.city is None:
            return regions, totals
        city = values.sum(axis=0, keepdims=True)
        return (
            np.concatenate([regions, sorted_quantiles(city, 1, self.q)], axis=1),
            np.concatenate([totals, sorted_quantiles(city.sum(axis=(-1, -2)), 1, self.q)], axis=1),
        )

    def step(self, t: int, result: StepResult) -> dict[str, FloatArray]:
        """Every measure of one step."""
        migrants, migrants_total = self.migrants(t, result)
        return {
            "population": self(result.population),
            "births_by_age": self.births_by_age(result.births_by_age),
            "births": self(result.births),
            "deaths": self(result.deaths),
            "net_migrants": migrants,
            "population_total": self(result.population.sum(axis=(-1, -2))),
            "births_total": self(result.births.sum(axis=-1)),
            "deaths_total": self(result.deaths.sum(axis=(-1, -2))),
            "net_migrants_total": migrants_total,
        }


def _step_rates(scenario: Scenario, paths: Paths, trajectories: int) -> Callable[[int], StepRates]:
    """The rates of step t for leading axes (regions, trajectories), built on demand in single precision."""
    plans, ages, n = scenario.regions, scenario.ages, scenario.age_interval
    shape = np.stack([plan.shape for plan in plans])[:, None, :]  # (R, 1, A)
    profile = np.stack([plan.profile for plan in plans])[:, None]  # (R, 1, 2, A)
    srb = np.stack([plan.sex_ratio_at_birth for plan in plans]).astype(SINGLE)  # (R, T)
    radix = np.ones(2, dtype=SINGLE)  # person-years stay on radix 1: saves a pass over the largest array

    def rates(t: int) -> StepRates:
        nLx = np.empty((len(plans), trajectories, 2, len(ages)), dtype=SINGLE)
        for r, plan in enumerate(plans):
            for s, model in enumerate(plan.mortality):
                nLx[r, :, s] = model.nLx_for_e0(paths.e0[t, r, :, s], ages, n, plan.beta)
        return StepRates(
            asfr=(paths.tfr[t][..., None] * shape).astype(SINGLE),
            nLx=nLx,
            radix=radix,
            sex_ratio_at_birth=srb[:, t, None],
            net_migrants=(n * paths.migration_total[t][..., None, None] * profile).astype(SINGLE),
        )

    return rates


def run_stochastic(scenario: Scenario, settings: StochasticSettings, city: str | None = None) -> StochasticSummary:
    """Project every trajectory of every region and summarise each output's distribution step by step."""
    paths = draw_paths(scenario, settings)
    summarise = _Summariser(scenario, paths, settings.quantiles, city)
    collected: dict[str, list[FloatArray]] = {key: [] for key in MEASURES}
    collected["population"].append(summarise.fixed(scenario.base))
    collected["population_total"].append(summarise.fixed(scenario.base.sum(axis=(-1, -2))))

    def keep(summary: dict[str, FloatArray]) -> None:
        for key, value in summary.items():
            collected[key].append(value)

    # Summarising step t (sorting, which releases the GIL) overlaps with projecting step t+1 on a second core. Each
    # step's arrays are new and never written again, so the worker reads them safely.
    base = scenario.base[:, None].astype(SINGLE)  # (R, 1, 2, A): one base for all trajectories
    rates = _step_rates(scenario, paths, settings.trajectories)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future[dict[str, FloatArray]] | None = None
        for t, result in enumerate(
            iterate_steps(base, rates, scenario.steps, scenario.age_interval, scenario.migration_timing)
        ):
            if pending is not None:
                keep(pending.result())  # at most one step waits: memory stays that of two steps
            pending = pool.submit(summarise.step, t, result)
        if pending is not None:
            keep(pending.result())
    # Time goes after (quantile, region): axis 2 of every stacked summary.
    stacked = {key: np.stack(values, axis=2) for key, values in collected.items()}
    q = settings.quantiles
    return StochasticSummary(
        quantiles=q,
        trajectories=settings.trajectories,
        seed=settings.seed,
        regions=[plan.code for plan in scenario.regions] + ([city] if city is not None else []),
        **stacked,
        tfr=np.moveaxis(sorted_quantiles(paths.tfr, 2, q), 1, 2),
        e0=np.moveaxis(sorted_quantiles(paths.e0, 2, q), 1, 2),
        migration_total=np.moveaxis(sorted_quantiles(paths.migration_total, 2, q), 1, 2),
    )
