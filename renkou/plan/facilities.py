"""Public-service facility demand (公共服务设施需求) from a population by sex and single year of age (pure).

A facility standard says how many units (school places, beds, doctors) ``per_1000`` persons of an age range need:
school places 1000 per 1000 children of school age, elderly care beds 50 per 1000 aged 60+, hospital beds 6 per
1000 residents... (the defaults and their sources are in ``renkou/plan/rules/facilities.yaml``). Demand is that
rate times the population of the ages at the end of each year (the projection's populations are year-end ones, by
completed age: the children aged 6-11 on 31 December are the primary pupils of the school year begun that autumn).
Standards marked ``by_single_age`` also give the demand of each single year of age (one grade of school each).

Capacity (places, beds, doctors) comes by area, facility and year; a year without a figure takes the latest
earlier one (what was built stays), and a year before any figure has no known capacity. The city's capacity is its
own row when given, else the sum over its districts when every district has a figure. The gap is capacity minus
demand: negative means a shortfall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Standard:
    """One facility's planning standard: ``per_1000`` units per 1000 persons aged ``low``..``high`` (None: open)."""

    id: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    low: int
    high: int | None
    per_1000: float
    by_single_age: bool = False
    source: str = ""

    @property
    def ages(self) -> str:
        """``6-11`` or ``60+`` or ``all``."""
        if self.low == 0 and self.high is None:
            return "all"
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


def age_slice(standard: Standard, ages: int) -> slice:
    """The single ages of a standard on an age axis of ``ages`` entries (the last one open)."""
    high = ages if standard.high is None else min(standard.high + 1, ages)
    return slice(standard.low, high)


def served_population(population: FloatArray, standard: Standard) -> FloatArray:
    """Persons of the standard's ages in a population ``(..., 2, A)``: shape ``(...)``."""
    population = np.asarray(population, dtype=np.float64)
    return population[..., age_slice(standard, population.shape[-1])].sum(axis=(-1, -2))


def demand(population: FloatArray, standard: Standard) -> FloatArray:
    """Units needed by a population ``(..., 2, A)`` under ``standard``: shape ``(...)``."""
    return served_population(population, standard) * standard.per_1000 / 1000.0


def demand_by_age(population: FloatArray, standard: Standard) -> FloatArray:
    """Units needed by each single year of the standard's ages: shape ``(..., ages in range)``."""
    population = np.asarray(population, dtype=np.float64)
    return population[..., age_slice(standard, population.shape[-1])].sum(axis=-2) * standard.per_1000 / 1000.0


@dataclass(frozen=True)
class Area:
    """A district (or the city) whose population is given."""

    code: str
    name: str


def demand_rows(
    areas: Sequence[Area], years: Sequence[int], population: FloatArray, standards: Sequence[Standard]
) -> list[dict[str, Any]]:
    """One row per area, year and facility from ``population (areas, years, 2, A)``: the persons served, the units
    needed, and for single-age standards the units by age (``{"6": n, "7": n, ...}``)."""
    population = np.asarray(population, dtype=np.float64)
    if population.shape[:2] != (len(areas), len(years)):
        raise ValueError(f"population {population.shape[:2]} does not match {len(areas)} areas x {len(years)} years")
    rows: list[dict[str, Any]] = []
    for standard in standards:
        served = served_population(population, standard)
        needed = demand(population, standard)
        by_age = demand_by_age(population, standard) if standard.by_single_age else None
        first = standard.low
        for a, area in enumerate(areas):
            for y, year in enumerate(years):
                row: dict[str, Any] = {
                    "area": area.code,
                    "area_name": area.name,
                    "year": year,
                    "facility": standard.id,
                    "served": float(served[a, y]),
                    "demand": float(needed[a, y]),
                }
                if by_age is not None:
                    row["by_age"] = {str(first + i): float(v) for i, v in enumerate(by_age[a, y])}
                rows.append(row)
    return rows


Capacity = Mapping[tuple[str, str], Mapping[int, float]]  # (area, facility) -> year -> units


def capacity_in(capacity: Capacity, area: str, facility: str, year: int) -> float | None:
    """The capacity of ``area`` in ``year``: the figure of that year or the latest earlier one, else None."""
    by_year = capacity.get((area, facility))
    if not by_year:
        return None
    known = [y for y in by_year if y <= year]
    return None if not known else float(by_year[max(known)])


def city_capacity(capacity: Capacity, city: str, districts: Sequence[str], facility: str, year: int) -> float | None:
    """The city's own figure, else the sum of its districts' when every district has one."""
    own = capacity_in(capacity, city, facility, year)
    if own is not None:
        return own
    parts = [capacity_in(capacity, code, facility, year) for code in districts]
    if not parts or any(part is None for part in parts):
        return None
    return float(sum(part for part in parts if part is not None))


def add_gaps(rows: list[dict[str, Any]], capacity: Capacity, city: str | None = None) -> list[dict[str, Any]]:
    """The rows with ``capacity`` (None when unknown) and ``gap`` = capacity - demand (negative: a shortfall).

    Rows of ``city`` take :func:`city_capacity` over the other areas present in ``rows``."""
    districts = sorted({row["area"] for row in rows if row["area"] != city})
    out = []
    for row in rows:
        if city is not None and row["area"] == city:
            have = city_capacity(capacity, city, districts, row["facility"], row["year"])
        else:
            have = capacity_in(capacity, row["area"], row["facility"], row["year"])
        gap = None if have is None else have - row["demand"]
        out.append({**row, "capacity": have, "gap": gap})
    return out


def per_1000(units: float, persons: float) -> float | None:
    """Units per 1000 persons (None for no persons)."""
    return None if persons <= 0 else 1000.0 * units / persons


def aged_on(population: FloatArray, years: int) -> FloatArray:
    """A population ``(..., 2, A)`` ``years`` years later with no deaths, moves or births: everyone ``years`` older
    (the open group keeps its own and gains the oldest), nobody under ``years``. For the cohorts of school age a few
    years ahead, who are already born and rarely die, this is what a warning needs without a projection."""
    population = np.asarray(population, dtype=np.float64)
    if years <= 0:
        return population.copy()
    ages = population.shape[-1]
    out = np.zeros_like(population)
    out[..., years : ages - 1] = population[..., : ages - 1 - years]
    out[..., ages - 1] = population[..., ages - 1 - years :].sum(axis=-1)
    return out
