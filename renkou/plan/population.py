"""The projected population the facility demand and the impact assessment start from (reads the register).

The projection is the one estimated from the register (:mod:`renkou.projection.from_register`: every district by
sex and single age, low / medium / high variants, the city as the sum of its districts), run in one-year steps from
the as-of date (by default the register's last event) to ``to_year``. An impact scenario re-runs the medium variant
with extra net migrants added (:func:`run_medium_with`), so the difference is exactly what the decision causes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from renkou.errors import UserError
from renkou.plan.facilities import Area
from renkou.projection.inputs import ExplicitInputs, FloatArray

DEFAULT_TO_YEAR = 2035  # the horizon of the plans' projections (Hangzhou: 2035)


@dataclass(frozen=True)
class ProjectedPopulation:
    """``population (areas, variants, years, 2, 101)``: the districts in ``areas`` order, the city last.

    ``inputs`` are the districts' compiled inputs (series ``(district, variant)``) for re-running with extra
    migrants; ``profile (2, 101)`` is the city's net-migrant profile by sex and age (sum 1), estimated from the
    register."""

    as_of: date
    city: str
    areas: list[Area]
    years: list[int]
    variants: list[str]
    population: FloatArray
    inputs: ExplicitInputs
    profile: FloatArray

    @property
    def districts(self) -> list[Area]:
        """The districts (every area but the city)."""
        return self.areas[:-1]

    def variant(self, name: str) -> FloatArray:
        """``(areas, years, 2, 101)`` of one variant."""
        if name not in self.variants:
            raise UserError(
                f"没有方案 {name}（可选：{', '.join(self.variants)}）",
                f"no variant {name} (choose {', '.join(self.variants)})",
            )
        return self.population[:, self.variants.index(name)]


def last_event(db: Path) -> date:
    """The date of the register's last event."""
    from renkou.register.store import Register
    from renkou.stats.counts import register_range

    if not db.exists():
        raise UserError(f"找不到登记库 {db}", f"register database not found: {db}")
    register = Register.open(db, read_only=True)
    try:
        last = register_range(register.engine, date.today()).last_event
    finally:
        register.close()
    if last is None:
        raise UserError(f"登记库 {db} 中没有任何事件", f"the register {db} has no events")
    return last


def project_register(db: Path, as_of: date | None = None, to_year: int = DEFAULT_TO_YEAR) -> ProjectedPopulation:
    """Project the register's resident population from ``as_of`` (default: its last event) to ``to_year``."""
    from renkou.projection.from_register import default_variants, estimate_from_register, to_scenario
    from renkou.projection.scenario import compile_scenario
    from renkou.register.store import Register

    day = as_of or last_event(db)
    steps = to_year - day.year
    if steps < 1:
        raise UserError(
            f"预测终止年 {to_year} 应晚于起始日 {day}", f"the last projected year {to_year} must be after {day}"
        )
    register = Register.open(db, read_only=True)
    try:
        estimates = estimate_from_register(register, day, "resident")
        city = register.city
    finally:
        register.close()
    inputs = compile_scenario(to_scenario(estimates, steps, default_variants()))
    result = inputs.run()
    variants = list(dict.fromkeys(v for _, v in inputs.series))
    codes = list(estimates.codes)
    shape = (len(codes) + 1, len(variants), *result.population.shape[1:])
    population = np.zeros(shape)
    for k, (code, variant) in enumerate(inputs.series):
        population[codes.index(code), variants.index(variant)] = result.population[k]
    population[-1] = population[:-1].sum(axis=0)
    from renkou.ids import lookup

    division = lookup(city)
    areas = [Area(code, name) for code, name in zip(codes, estimates.names, strict=True)]
    areas.append(Area(city, division.name if division else city))
    return ProjectedPopulation(
        as_of=day,
        city=city,
        areas=areas,
        years=inputs.years,
        variants=variants,
        population=population,
        inputs=inputs,
        profile=estimates.profile,
    )


def run_medium_with(inputs: ExplicitInputs, extra: FloatArray, variant: str = "medium") -> FloatArray:
    """Re-run ``variant`` of every district with ``extra (districts, steps, 2, A)`` net migrants added to its own;
    returns ``(districts + city, years, 2, A)`` (pure)."""
    rows = [k for k, (_, v) in enumerate(inputs.series) if v == variant]
    extra = np.asarray(extra, dtype=np.float64)
    if extra.shape != (len(rows), inputs.steps, 2, len(inputs.ages)):
        raise ValueError(f"extra migrants {extra.shape} do not match {len(rows)} districts x {inputs.steps} steps")
    chosen = replace(
        inputs,
        series=[inputs.series[k] for k in rows],
        base=inputs.base[rows],
        asfr=inputs.asfr[rows],
        nLx=inputs.nLx[rows],
        radix=inputs.radix[rows],
        sex_ratio_at_birth=inputs.sex_ratio_at_birth[rows],
        net_migrants=inputs.net_migrants[rows] + extra,
    )
    population = chosen.run().population
    return np.concatenate([population, population.sum(axis=0, keepdims=True)])
