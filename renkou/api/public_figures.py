"""Published main indicators and projections of the public query service (公众人口信息查询), small cells protected.

**Main indicators** of the city and each district on 31 December of a year, for the registered, resident or
floating population, are those of ``renkou stats`` (:func:`renkou.api.analytics.year_stats`), published under these
rules so that no count under the threshold can be read or worked out:

- populations and age shares come from the protected population table of :mod:`renkou.api.published` (the same
  cells the population query shows): a district's population is its total cell, a share is the sum of published
  age-group cells over the published total, withheld when any cell it needs is suppressed;
- births and deaths by district (a remainder of unknown district included) are each one protected table with its
  total (:func:`renkou.api.suppression.protect`: under the threshold suppressed, and complementary cells so that no
  hidden one can be recovered from the city's total);
- a rate is withheld when a count it is computed from is withheld: the crude birth rate and the total fertility rate
  with the births, the crude death rate and the life expectancy with the deaths, the natural increase rate with
  either; and every rate when the area's population at the start or the end of the year is withheld (its mean is
  the denominator, so a rate and the births would give it away).

**Projections** by variant (low, medium, high) are the register's own (:mod:`renkou.api.register_projection`, base
year the latest year with indicators, resident population): for every projected year the persons by district, sex
and five-year age group are rounded to whole persons and protected as one table exactly as a year's population table
is (the base year *is* the published population table, so both queries show the same cells).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from renkou.api import published
from renkou.api.analytics import indicator_years, memo, year_stats
from renkou.api.cube import age_group_labels
from renkou.api.register_projection import HORIZON, VARIANTS, RegisterRun, Unavailable, deterministic
from renkou.api.service import Service
from renkou.api.suppression import protect
from renkou.register.population import Kind

COUNTS = ("population", "births", "deaths")
RATES = (
    "crude_birth_rate",
    "crude_death_rate",
    "natural_increase_rate",
    "total_fertility_rate",
    "life_expectancy_at_birth",
)
SHARES = {  # share -> (first age, last age or None for "and over")
    "share_0_14": (0, 14),
    "share_15_59": (15, 59),
    "share_60_plus": (60, None),
    "share_65_plus": (65, None),
}
INDICATORS = (*COUNTS, *RATES, *SHARES)
NEEDS = {  # a rate is published only with these counts
    "crude_birth_rate": ("births",),
    "total_fertility_rate": ("births",),
    "crude_death_rate": ("deaths",),
    "life_expectancy_at_birth": ("deaths",),
    "natural_increase_rate": ("births", "deaths"),
}
UNKNOWN = "unknown"


def _shown(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def protected_vector(values: list[int], threshold: int, min_range: int) -> list[bool]:
    """Which cells of a one-way table (the last entry being its total) are suppressed (pure)."""
    inner = np.asarray(values[:-1], dtype=np.int64)
    table = protect(inner, threshold=threshold, min_range=min_range)
    return [bool(flag) for flag in table.suppressed]


def share_cells(labels: list[str], first: int, last: int | None) -> list[int] | None:
    """Indices of the age groups (``0-4`` ... ``85+``) that make up ages ``first``..``last`` (None: and over)
    exactly; None when a group straddles a bound (pure)."""
    top = float("inf") if last is None else last
    chosen = []
    for index, label in enumerate(labels):
        low = int(label.rstrip("+").split("-")[0])
        high = float("inf") if label.endswith("+") else int(label.split("-")[1])
        if first <= low and high <= top:
            chosen.append(index)
        elif low <= top and high >= first:  # overlaps the range without lying inside it
            return None
    return chosen


def indicator_rows(
    stats: dict[str, Any],
    kind: Kind,
    table: published.PublishedTable,
    previous: published.PublishedTable | None,
    threshold: int,
    min_range: int,
) -> list[dict[str, Any]]:
    """The published rows (city first, then every district) of ``kind``'s main indicators (pure; module rules)."""
    codes = list(stats["districts"])
    areas = [(stats["city"]["code"], stats["city"]["name"], "city", stats["city"])]
    areas += [(code, stats["districts"][code].get("name"), "district", stats["districts"][code]) for code in codes]
    blocks = [area[kind] if isinstance(area.get(kind), dict) else {} for *_, area in areas]

    def population_cell(source: published.PublishedTable | None, code: str, level: str) -> tuple[int | None, bool]:
        if source is None:
            return None, True
        cube = source.table
        total = cube.shape
        if level == "city":
            index: tuple[int, ...] = total
        elif code in source.districts:
            index = (source.districts.index(code), total[1], total[2])
        else:
            return 0, True  # nobody there: zero is under the threshold
        return int(cube.values[index]), bool(cube.suppressed[index])

    # Births and deaths: one protected table each, districts and a remainder of unknown district, with the total.
    event_hidden: dict[str, list[bool]] = {}
    for count in ("births", "deaths"):
        values = [_shown(block.get(count)) for block in blocks]
        if values[0] is None:
            event_hidden[count] = [True] * len(blocks)
            continue
        inner = [int(v or 0) for v in values[1:]]
        remainder = max(int(values[0]) - sum(inner), 0)
        flags = protected_vector([*inner, remainder, int(values[0])], threshold, min_range)
        event_hidden[count] = [flags[-1], *flags[: len(inner)]]

    labels = list(table.age_groups)
    rows = []
    for position, ((code, name, level, _), block) in enumerate(zip(areas, blocks, strict=True)):
        row: dict[str, Any] = {"area": code, "area_name": name, "level": level}
        withheld: list[str] = []
        population, hidden = population_cell(table, code, level)
        start_hidden = population_cell(previous, code, level)[1]
        row["population"] = None if hidden else population
        if hidden:
            withheld.append("population")
        for count in ("births", "deaths"):
            value = _shown(block.get(count))
            if value is not None and event_hidden[count][position]:
                withheld.append(count)
                value = None
            row[count] = None if value is None else int(value)
        for rate in RATES:
            value = _shown(block.get(rate))
            blocked = any(need in withheld for need in NEEDS[rate]) or hidden or start_hidden
            if value is not None and blocked:
                withheld.append(rate)
                value = None
            row[rate] = value
        for share, (first, last) in SHARES.items():
            row[share] = None
            cells = share_cells(labels, first, last)
            if cells is None or population in (None, 0):
                continue
            cube = table.table
            d = cube.shape[0] if level == "city" else (table.districts.index(code) if code in table.districts else -1)
            if d < 0:
                continue
            sex_total = cube.shape[1]
            if hidden or any(cube.suppressed[d, sex_total, a] for a in cells):
                withheld.append(share)
                continue
            part = sum(int(cube.values[d, sex_total, a]) for a in cells)
            row[share] = round(part / int(cube.values[d, sex_total, cube.shape[2]]), 4)
        row["withheld"] = withheld
        rows.append(row)
    return rows


def indicators(service: Service, year: int, kind: Kind) -> dict[str, Any]:
    """The main indicators of ``kind`` on 31 December ``year`` (cached until the register changes)."""

    def compute() -> dict[str, Any]:
        settings = service.settings
        stats = year_stats(service, year)
        table = published.table(service, year, kind)
        years = published.years(service)
        previous = published.table(service, year - 1, kind) if year - 1 in years else None
        rows = indicator_rows(
            stats, kind, table, previous, settings.suppression_threshold, settings.suppression_min_range
        )
        return {
            "year": year,
            "as_of": date(year, 12, 31).isoformat(),
            **published.describe_kind(kind),
            "threshold": settings.suppression_threshold,
            "indicators": list(INDICATORS),
            "rows": rows,
        }

    return memo(service, ("public-indicators", year, kind), compute)


# --- projections --------------------------------------------------------------------------------------------------


def projection_base_year(service: Service) -> int | None:
    """The base year of the public projection: the latest year with indicators (None when there is none)."""
    found = indicator_years(service)
    return found[-1] if found else None


def group_ages(population: np.ndarray, width: int, open_age: int) -> np.ndarray:
    """Single ages ``(..., A)`` summed into five-year groups with the open group last (pure)."""
    groups = open_age // width + 1
    out = np.zeros((*population.shape[:-1], groups))
    for age in range(population.shape[-1]):
        out[..., min(age // width, groups - 1)] += population[..., age]
    return out


def projected_table(run: RegisterRun, variant: str, year: int, service: Service) -> published.PublishedTable:
    """The protected district x sex x age-group table of ``variant`` at the end of ``year`` (persons rounded)."""
    settings = service.settings
    i = year - run.base_year
    cube = np.stack([run.result.population[run.index(code, variant), i] for code in run.districts])
    # A shrinking cell can go below zero in the model (more projected out-migrants than persons): shown as none.
    grouped = np.maximum(np.rint(group_ages(cube, settings.age_group_width, settings.open_age_group)), 0).astype(
        np.int64
    )
    protected = protect(grouped, threshold=settings.suppression_threshold, min_range=settings.suppression_min_range)
    labels = age_group_labels(settings.age_group_width, settings.open_age_group)
    names = tuple(run.names.get(code, code) for code in run.districts)
    return published.PublishedTable(
        year, "resident", date(year, 12, 31), tuple(run.districts), names, tuple(labels), protected
    )


def projection_table(service: Service, variant: str, year: int) -> published.PublishedTable | Unavailable:
    """The published table of ``variant`` at the end of ``year`` (cached), or why there is none."""
    base = projection_base_year(service)
    if base is None:
        return Unavailable("登记库中还没有可预测的年份", "the register has no year to project from")
    if year == base:
        return published.table(service, year, "resident")
    run = deterministic(service, base, "resident")
    if isinstance(run, Unavailable):
        return run
    return memo(
        service, ("public-projection", base, variant, year), lambda: projected_table(run, variant, year, service)
    )


def projection_years(service: Service) -> tuple[int | None, list[int]]:
    """(base year, every year of the public projection)."""
    base = projection_base_year(service)
    return base, ([] if base is None else list(range(base, HORIZON + 1)))


__all__ = ["INDICATORS", "VARIANTS", "indicators", "projection_table", "projection_years"]
