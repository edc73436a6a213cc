"""Registered, resident and floating populations projected separately from the register (issue 5, item 5).

Three projections, each of every district and the city as their sum, under the low, medium and high variants of
:func:`renkou.projection.from_register.default_variants`:

- **registered** (户籍人口, by hukou district): the cohort-component projection of the registered population with its
  own fertility, mortality and net hukou migration, estimated by
  :func:`renkou.projection.from_register.estimate_from_register` with ``kind="registered"`` (hukou moves in and out,
  births and deaths of persons with hukou in the city);
- **registered residents** and **floating residents** (by district of residence), the two parts of the resident
  population (:mod:`renkou.projection.parts`): the base of each is the register's count on the as-of date; the
  fertility and mortality of both are the resident population's of the district (the statistics compute rates for
  the registered and the resident populations, not for the floating one); the migration of each is its own, as gross
  flows estimated by the residual method over the year to the as-of date (:func:`renkou.projection.parts.gross_flows`):
  in-migrants a count per year held constant (each district its own total, ages and sexes by the part's city-wide
  inflow profile), out-migrants a rate of the population at risk (the part's city-wide outflow schedule scaled to each
  district's outflow), so a part's cohorts never turn negative; the low and high variants scale the in-migrants;
- **resident** = registered residents + floating residents, exactly, in every year, district, sex and age.

The floating population as a whole (流动人口, any length of stay) is not projected: those here less than six months
are not residents, and their numbers turn over within a year.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.projection.engine import SEXES, Projection
from renkou.projection.from_register import (
    AGES,
    OPEN_AGE,
    RegisterEstimates,
    default_variants,
    estimate_from_register,
    to_scenario,
)
from renkou.projection.inputs import FloatArray
from renkou.projection.parts import (
    PART_ZH,
    PARTS,
    GrossFlows,
    PartsProjection,
    combine_parts,
    gross_flows,
    project_gross,
    residual_migrants,
)
from renkou.projection.scenario import MEDIUM, Scenario, Variant, compile_scenario

if TYPE_CHECKING:
    from renkou.register.store import Register

PART_COLUMNS = ("variant", "population", "region", "year", "sex", "age", "persons")


def part_stocks(register: Register, on: date, codes: list[str]) -> dict[str, FloatArray]:
    """Registered and floating residents on ``on`` by district of residence (``codes``), sex and single age
    ``(R, 2, 101)``; persons of other districts or unknown sex or age are left out, as in the resident base."""
    from renkou.register.population import age_sql, membership_sql
    from renkou.register.state import state_sql

    resident, district = membership_sql("resident", on)
    registered, _ = membership_sql("registered", on)
    index = {code: r for r, code in enumerate(codes)}
    rows = register.engine.rows(
        f"SELECT ({registered}) AS hukou_here, {district} AS district, s.sex, {age_sql(on)} AS age, count(*) "
        f"FROM ({state_sql(on)}) s WHERE {resident} GROUP BY ALL"
    )
    stocks = {part: np.zeros((len(codes), 2, OPEN_AGE + 1)) for part in PARTS}
    for hukou_here, code, sex, age, count in rows:
        r = index.get(code)
        if r is None or sex not in ("F", "M") or age is None or age < 0:
            continue
        part = PARTS[0] if hukou_here else PARTS[1]
        stocks[part][r, "FM".index(sex), min(int(age), OPEN_AGE)] += count
    return stocks


@dataclass(frozen=True)
class PartsEstimates:
    """The resident estimates (rates, districts) and, per part, the base on the as-of date ``(R, 2, 101)``, the
    population a year earlier, the residual net migrants of that year ``(R, 2, 101)`` and the gross flows the
    projection holds constant."""

    resident: RegisterEstimates
    start: dict[str, FloatArray]
    base: dict[str, FloatArray]
    net_migrants: dict[str, FloatArray]
    flows: dict[str, GrossFlows]
    notes: list[str]


def estimate_parts(register: Register, as_of: date, resident: RegisterEstimates | None = None) -> PartsEstimates:
    """Bases, residual net migration and gross flows of the two parts of the resident population (module
    docstring)."""
    from renkou.stats.counts import year_start

    estimates = resident if resident is not None else estimate_from_register(register, as_of, "resident")
    codes = estimates.codes
    start = part_stocks(register, year_start(as_of), codes)
    end = part_stocks(register, as_of, codes)
    migrants: dict[str, FloatArray] = {}
    flows: dict[str, GrossFlows] = {}
    for part in PARTS:
        # The resident rates of the year, applied to the part's start: one step, end timing.
        plan = replace(to_scenario(estimates, 1, [MEDIUM]), base=start[part], migration_timing="end")
        rates = compile_scenario(plan).rates(0)
        migrants[part] = residual_migrants(start[part], end[part], rates)
        flows[part] = gross_flows(start[part], end[part], rates)
    return PartsEstimates(estimates, start, end, migrants, flows, [])


def _part_scenario(estimates: PartsEstimates, part: str, steps: int, variants: list[Variant]) -> Scenario:
    """The resident rates over the horizon on the part's base (migration comes from the gross flows instead)."""
    scenario = to_scenario(estimates.resident, steps, variants)
    return replace(scenario, base=estimates.base[part], migration_timing="end")


def _project_part(
    estimates: PartsEstimates, part: str, steps: int, variants: list[Variant]
) -> tuple[Projection, list[tuple[str, str]], list[int]]:
    """One part's projection of every (district, variant): the variants scale the in-migrants as they scale net
    migration elsewhere (``migration_factor``, phased in over ``ramp_steps``)."""
    inputs = compile_scenario(_part_scenario(estimates, part, steps, variants))
    flows = estimates.flows[part]
    region_of = {code: r for r, code in enumerate(estimates.resident.codes)}
    by_name = {variant.name: variant for variant in variants}
    inflow = np.empty((len(inputs.series), steps, 2, OPEN_AGE + 1))
    outflow = np.empty((len(inputs.series), 2, OPEN_AGE + 1))
    for k, (code, name) in enumerate(inputs.series):
        variant = by_name[name]
        factor = 1.0 + (variant.migration_factor - 1.0) * variant.ramp(steps)
        inflow[k] = factor[:, None, None] * flows.inflow[region_of[code]]
        outflow[k] = flows.outflow_rate[region_of[code]]
    projection = project_gross(inputs.base, inputs.rates, lambda t: inflow[:, t], outflow, steps)
    return projection, inputs.series, inputs.years


@dataclass(frozen=True)
class PopulationsProjection:
    """The registered population and the resident population with its two parts, each ``Projection`` over
    ``series`` (district or city, variant) and ``years``."""

    years: list[int]
    series: list[tuple[str, str]]
    registered_series: list[tuple[str, str]]
    registered: Projection
    parts: PartsProjection
    estimates: PartsEstimates
    notes: list[str]

    def populations(self) -> dict[str, tuple[list[tuple[str, str]], Projection]]:
        """Every population projected, by name: registered, registered_resident, floating_resident, resident."""
        out: dict[str, tuple[list[tuple[str, str]], Projection]] = {
            "registered": (self.registered_series, self.registered)
        }
        for part, projection in self.parts.parts.items():
            out[part] = (self.series, projection)
        out["resident"] = (self.series, self.parts.resident)
        return out


def project_populations(register: Register, as_of: date, steps: int = 15) -> PopulationsProjection:
    """Project the registered population and the two parts of the resident population of every district and the
    city (as the sum of its districts) under the low, medium and high variants."""
    from renkou.projection.districts import add_city

    variants = default_variants()
    estimates = estimate_parts(register, as_of)
    city = register.city
    projected: dict[str, Projection] = {}
    series: list[tuple[str, str]] = []
    years: list[int] = []
    for part in PARTS:
        projection, part_series, years = _project_part(estimates, part, steps, variants)
        projected[part], series = add_city(projection, part_series, city)
    registered_estimates = estimate_from_register(register, as_of, "registered")
    registered_inputs = compile_scenario(to_scenario(registered_estimates, steps, variants))
    registered, registered_series = add_city(registered_inputs.run(), registered_inputs.series, city)
    notes = [*estimates.notes, *(f"registered: {note}" for note in registered_estimates.notes)]
    if (registered.population < -1e-6).any():
        notes.append(
            "registered: the net hukou outflow held constant empties some small cohorts (negative cells): read the "
            "later years of those cells with care"
        )
    return PopulationsProjection(
        years, series, registered_series, registered, combine_parts(projected), estimates, notes
    )


def write_populations(path: Path, run: PopulationsProjection) -> int:
    """Write ``variant,population,region,year,sex,age,persons`` for every population, series and year."""
    from renkou.projection.output import _open_writer, number_text

    rows = 0
    with _open_writer(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PART_COLUMNS)
        for name, (series, projection) in run.populations().items():
            for k, (region, variant) in enumerate(series):
                for t, year in enumerate(run.years):
                    for s, sex in enumerate(SEXES):
                        values = projection.population[k, t, s].tolist()
                        writer.writerows(
                            (variant, name, region, year, sex, age, number_text(v))
                            for age, v in zip(AGES, values, strict=True)
                        )
                        rows += len(values)
    return rows


def populations_json(run: PopulationsProjection, city: str) -> dict[str, Any]:
    """The city's totals by population and variant, the method in one paragraph, and notes."""
    return {
        "years": run.years,
        "city": city,
        "method": (
            "registered: cohort-component with the registered population's own fertility, mortality and net hukou "
            "migration; resident = registered residents + floating residents, each part projected with the resident "
            "rates and its own gross migration (residual method over the year before the base date: in-migrants a "
            "count held constant, out-migrants a rate of the population at risk)"
        ),
        "populations": {
            name: {
                "name_zh": PART_ZH[name],
                "city": {
                    variant: [round(v, 2) for v in projection.population[k].sum(axis=(-1, -2)).tolist()]
                    for k, (region, variant) in enumerate(series)
                    if region == city
                },
            }
            for name, (series, projection) in run.populations().items()
        },
        "migration_base_year": {
            part: {
                "net": round(float(run.estimates.net_migrants[part].sum()), 2),
                "inflow": round(float(run.estimates.flows[part].inflow.sum()), 2),
                "outflow": round(
                    float(run.estimates.flows[part].inflow.sum() - run.estimates.net_migrants[part].sum()), 2
                ),
            }
            for part in PARTS
        },
        "notes": run.notes,
    }
