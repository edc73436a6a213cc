"""The resident population projected as two parts, registered residents and floating residents (pure NumPy).

The resident population (常住人口) splits exactly, person by person, by where the hukou is:

- **registered residents** (户籍常住): residents whose hukou is in the city;
- **floating residents** (流动常住): residents whose hukou is elsewhere, i.e. the floating population (流动人口) that
  has lived in the city six months or more.

Each part is projected by the same cohort-component engine with its own base and its own net migration, so that
``resident = registered residents + floating residents`` holds in every year, district, sex and age (births of a
part's mothers stay in that part). A part's net migrants are estimated by the *residual* (forward-survival) method
over the year before the base date: the part's start-of-year population is projected one year by the engine with no
migration, and the net migrants are what the observed end-of-year population has beyond those survivors
(:func:`residual_migrants`). Changes of hukou between the parts (a floating resident settling, 落户) are an outflow of
one part and an inflow of the other, so they cancel in the resident total. The migrants are counted with the engine's
``end`` timing (all added at the end of the step), under which the residual is exact: projecting the start with them
gives the observed end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

import numpy as np

from renkou.projection.engine import Projection, StepRates, project_step
from renkou.projection.inputs import FloatArray

PARTS = ("registered_resident", "floating_resident")
PART_ZH = {
    "registered_resident": "户籍常住人口",
    "floating_resident": "流动常住人口",
    "resident": "常住人口",
    "registered": "户籍人口",
}


def residual_migrants(start: FloatArray, end: FloatArray, rates: StepRates, n: int = 1) -> FloatArray:
    """Net migrants ``(..., 2, A)`` of one step by the residual method with ``end`` timing, such that projecting
    ``start`` one step with them gives ``end`` exactly (``rates.net_migrants`` is ignored).

    At ages 1 and over they are ``end`` minus the survivors of ``start``. In the first group they are ``end`` minus
    the surviving births, and the births count the women at the end of the step as the observed ``end`` (survivors
    plus migrants, as the engine counts them), hence the second pass.
    """
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    first = project_step(start, replace(rates, net_migrants=np.zeros(end.shape)), n, "end").population
    migrants = end - first
    migrants[..., 0] = 0.0
    second = project_step(start, replace(rates, net_migrants=migrants), n, "end").population
    migrants[..., 0] = end[..., 0] - second[..., 0]
    return np.asarray(migrants, dtype=np.float64)


@dataclass(frozen=True)
class PartsProjection:
    """Projections of each part over the same series and years, and the resident population as their sum."""

    parts: dict[str, Projection]
    resident: Projection


def sum_projections(projections: Mapping[str, Projection]) -> Projection:
    """Element-wise sum of projections of the same shape (every output: population, births, deaths, migrants)."""
    items = list(projections.values())
    if not items:
        raise ValueError("no projections to sum")
    shapes = {item.population.shape for item in items}
    if len(shapes) != 1:
        raise ValueError(f"parts of different shapes: {sorted(shapes)}")
    return Projection(**{f.name: np.sum([getattr(item, f.name) for item in items], axis=0) for f in fields(Projection)})


def combine_parts(parts: Mapping[str, Projection]) -> PartsProjection:
    """The parts and the resident population as their sum."""
    return PartsProjection(dict(parts), sum_projections(parts))


@dataclass(frozen=True)
class GrossFlows:
    """Migration of a part as gross flows: ``inflow (..., 2, A)`` persons a year (held constant, counted at the end
    of the step) and ``outflow_rate (..., 2, A)`` the share of the step's survivors who leave. Out-migrants as a
    rate of the population at risk, in-migrants as a count (Rogers' multiregional convention for an open system):
    a cohort can empty but never turn negative, however long the horizon."""

    inflow: FloatArray
    outflow_rate: FloatArray


def gross_flows(start: FloatArray, end: FloatArray, rates: StepRates, n: int = 1) -> GrossFlows:
    """Gross flows of each region ``(R, 2, A)`` from one observed step, smoothed over ages by the city's schedules.

    The residual (:func:`residual_migrants`) of each region, sex and age is an inflow where positive and an outflow
    where negative. In-migrants: each region keeps its total; ages and sexes follow the city's inflow profile.
    Out-migrants: the city's outflow rate by sex and age (outflow over survivors, all regions together) scaled for
    each region so that its outflow total is reproduced on its own survivors, capped at 1. So the step reproduces
    every region's observed total exactly (unless a cap binds), while a few persons in a cell of a small district
    do not become a rate of their own.
    """
    migrants = residual_migrants(start, end, rates, n)
    survivors = np.asarray(end, dtype=np.float64) - migrants
    inflow_cells = np.maximum(migrants, 0.0)
    outflow_cells = np.maximum(-migrants, 0.0)
    inflow_total = inflow_cells.sum(axis=(-1, -2))
    city_inflow = inflow_cells.sum(axis=0)
    profile = city_inflow / city_inflow.sum() if city_inflow.sum() > 0 else np.zeros_like(city_inflow)
    at_risk = survivors.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        city_rate = np.where(at_risk > 0, outflow_cells.sum(axis=0) / at_risk, 0.0)
        expected = (city_rate * survivors).sum(axis=(-1, -2))
        scale = np.where(expected > 0, outflow_cells.sum(axis=(-1, -2)) / expected, 0.0)
    outflow_rate = np.minimum(scale[:, None, None] * city_rate, 1.0)
    return GrossFlows(inflow=inflow_total[:, None, None] * profile, outflow_rate=outflow_rate)


def project_gross(
    base: FloatArray,
    rates: Callable[[int], StepRates],
    inflow: Callable[[int], FloatArray],
    outflow_rate: FloatArray,
    steps: int,
    n: int = 1,
) -> Projection:
    """Project ``base (..., 2, A)`` with the step's in-migrants ``inflow(step)`` (counts over the step) and
    out-migrants ``outflow_rate`` times the step's survivors, all at the end of the step (``end`` timing).

    Each step runs the engine three times: without migration to find the survivors; with the net migrants
    ``inflow - outflow_rate * survivors``, whose women change the step's births a little; and once more with the
    newborns' out-migrants taken from those births (migrants at age 0 do not change births, so the third pass is
    consistent: every cell loses exactly ``outflow_rate`` of its own survivors and never turns negative).
    """
    population = np.asarray(base, dtype=np.float64)
    results = []
    for step in range(steps):
        step_rates = rates(step)
        still = project_step(population, replace(step_rates, net_migrants=np.zeros(population.shape)), n, "end")
        arriving = np.asarray(inflow(step), dtype=np.float64)
        migrants = arriving - outflow_rate * still.population
        second = project_step(population, replace(step_rates, net_migrants=migrants), n, "end")
        newborns = second.population[..., 0] - second.net_migrants[..., 0]  # applied: the engine may hold some back
        migrants[..., 0] = arriving[..., 0] - outflow_rate[..., 0] * newborns
        result = project_step(population, replace(step_rates, net_migrants=migrants), n, "end")
        population = np.asarray(result.population, dtype=np.float64)
        results.append(result)
    return Projection(
        population=np.stack([np.broadcast_to(base, population.shape), *(r.population for r in results)], axis=-3),
        births_by_age=np.stack([r.births_by_age for r in results], axis=-2),
        births=np.stack([r.births for r in results], axis=-2),
        deaths=np.stack([r.deaths for r in results], axis=-3),
        net_migrants=np.stack([r.net_migrants for r in results], axis=-3),
    )
