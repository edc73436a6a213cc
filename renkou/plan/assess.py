"""Facility demand and impact results as JSON-ready dictionaries, from a projected population (pure).

The CLI (:mod:`renkou.plan.cli`), the evaluation report (:mod:`renkou.plan.report`) and the dashboard read these
shapes; keep their keys stable (add, do not rename).

``facilities_result`` ->
``{"as_of", "variant", "years", "standards": [{id, name_zh, name_en, unit_zh, unit_en, ages, per_1000, source}],
"areas": [{code, name}], "rows": [{area, area_name, year, facility, served, demand, by_age?, capacity, gap}]}``
(the city is the last area; ``capacity`` and ``gap`` are null without a capacity figure).

``impact_result`` -> ``{"scenario", "description", "variant", "decisions": [text], "years", "areas": [{code, name}],
"population": [{area, year, base, scenario, difference}], "by_age": [{area, year, difference: [101 values]}],
"facilities": [{area, year, facility, base, scenario, difference}]}`` for the city and each district a decision
touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from renkou.plan.facilities import Capacity, Standard, add_gaps, demand, demand_rows
from renkou.plan.impact import ImpactScenario, extra_migrants
from renkou.plan.population import ProjectedPopulation, run_medium_with

# Broad age groups of an impact's population table, matching the facilities' ages (nursery, kindergarten, primary,
# junior and senior secondary, young adults, working ages, the elderly).
AGE_GROUPS: tuple[tuple[int, int | None], ...] = (
    (0, 2),
    (3, 5),
    (6, 11),
    (12, 14),
    (15, 17),
    (18, 29),
    (30, 59),
    (60, 79),
    (80, None),
)


def age_group_label(low: int, high: int | None) -> str:
    """``0-2`` or ``80+``."""
    return f"{low}+" if high is None else f"{low}-{high}"


def by_age_groups(by_age: Sequence[float]) -> list[float]:
    """Single-age values (0..100+) summed into :data:`AGE_GROUPS`."""
    return [float(sum(by_age[low : (len(by_age) if high is None else high + 1)])) for low, high in AGE_GROUPS]


def standard_json(standard: Standard) -> dict[str, Any]:
    """A standard as JSON, with its ages as text (``6-11``, ``60+``, ``all``)."""
    return {**asdict(standard), "ages": standard.ages}


def facilities_result(
    projected: ProjectedPopulation,
    standards: Sequence[Standard],
    variant: str = "medium",
    capacity: Capacity | None = None,
) -> dict[str, Any]:
    """Demand of every facility by area and year under ``variant``, with the gap against ``capacity``."""
    rows = demand_rows(projected.areas, projected.years, projected.variant(variant), standards)
    rows = add_gaps(rows, capacity or {}, projected.city)
    return {
        "as_of": projected.as_of.isoformat(),
        "variant": variant,
        "years": projected.years,
        "standards": [standard_json(s) for s in standards],
        "areas": [{"code": a.code, "name": a.name} for a in projected.areas],
        "rows": [_rounded(row) for row in rows],
    }


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("served", "demand", "capacity", "gap"):
        if out.get(key) is not None:
            out[key] = round(out[key], 2)
    if "by_age" in out:
        out["by_age"] = {age: round(value, 2) for age, value in out["by_age"].items()}
    return out


def impact_result(
    projected: ProjectedPopulation, scenario: ImpactScenario, standards: Sequence[Standard]
) -> dict[str, Any]:
    """The scenario's population and facility demand beside its variant's, year by year, for the city and the
    districts a decision touches."""
    inputs = projected.inputs
    districts = [a.code for a in projected.districts]
    base_population = projected.variant(scenario.variant)[:-1, 0]
    sizes = base_population.sum(axis=(-1, -2))
    # A quota without its own districts is shared by base population (evenly when there is none at all).
    shares = sizes / sizes.sum() if sizes.sum() > 0 else np.full(len(districts), 1 / len(districts))
    extra = extra_migrants(scenario, districts, inputs.start_year, inputs.steps, projected.profile, shares.tolist())
    before = run_medium_with(inputs, np.zeros_like(extra), scenario.variant)
    after = run_medium_with(inputs, extra, scenario.variant)
    touched = [i for i in range(len(districts)) if np.any(extra[i] != 0)]
    chosen = [len(districts), *touched]  # the city first
    years = projected.years
    population, by_age, facilities = [], [], []
    for i in chosen:
        area = projected.areas[i].code
        for y, year in enumerate(years):
            b, s = float(before[i, y].sum()), float(after[i, y].sum())
            population.append(
                {
                    "area": area,
                    "year": year,
                    "base": round(b, 2),
                    "scenario": round(s, 2),
                    "difference": round(s - b, 2),
                }
            )
            by_age.append(
                {
                    "area": area,
                    "year": year,
                    "difference": np.round((after[i, y] - before[i, y]).sum(axis=0), 3).tolist(),
                }
            )
            for standard in standards:
                db, ds = float(demand(before[i, y], standard)), float(demand(after[i, y], standard))
                facilities.append(
                    {
                        "area": area,
                        "year": year,
                        "facility": standard.id,
                        "base": round(db, 2),
                        "scenario": round(ds, 2),
                        "difference": round(ds - db, 2),
                    }
                )
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "variant": scenario.variant,
        "decisions": [d.describe() for d in scenario.decisions],
        "years": years,
        "areas": [{"code": projected.areas[i].code, "name": projected.areas[i].name} for i in chosen],
        "population": population,
        "by_age": by_age,
        "facilities": facilities,
    }
