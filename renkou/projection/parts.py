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

from collections.abc import Mapping
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
