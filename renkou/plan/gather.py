"""The register side of plan evaluation and warnings: ``renkou stats`` figures at the as-of date and yearly before.

Kept apart from the pure rules so they can be tested on hand-made figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from renkou.errors import UserError
from renkou.plan.evaluate import entered_series
from renkou.plan.facilities import Area, FloatArray
from renkou.plan.loader import Plan

if TYPE_CHECKING:
    from renkou.register.store import Register

DEFAULT_YEARS = 5
OPEN_AGE = 100  # single ages 0..99 and 100+, as the projection counts them


def years_before(as_of: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February in a common year)."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:
        return as_of.replace(year=as_of.year - years, day=28)


def stats_series(
    db: Path, as_of: date | None, years: int = DEFAULT_YEARS, latest: date | None = None
) -> dict[date, dict[str, Any]]:
    """``compute_stats`` at ``as_of`` and each of the ``years - 1`` anniversaries before it the register covers.

    Without ``as_of``, the date of the register's last event is used, but not after ``latest`` (a plan's end: an
    end-term evaluation of a past plan is made at the end of its target year).
    """
    from renkou.register.store import Register

    if not db.exists():
        raise UserError(f"找不到登记库 {db}", f"register database not found: {db}")
    register = Register.open(db, read_only=True)
    try:
        return register_stats_series(register, as_of, years, latest)
    finally:
        register.close()


def register_stats_series(
    register: Register, as_of: date | None, years: int = DEFAULT_YEARS, latest: date | None = None
) -> dict[date, dict[str, Any]]:
    """:func:`stats_series` on an open register."""
    from renkou.stats.compute import StatsRequest, compute_stats, compute_stats_series

    day = as_of or last_event_date(register, latest)
    wanted = [day] + [years_before(day, back) for back in range(1, years)]
    try:
        # One pass over the register for every year (the same figures as one compute_stats per year).
        return dict(sorted(compute_stats_series(register, wanted, StatsRequest(as_of=day)).results.items()))
    except UserError:
        pass  # some earlier year is outside the register: find where the history ends, year by year
    figures = {day: compute_stats(register, StatsRequest(as_of=day))}
    for earlier in wanted[1:]:
        try:
            figures[earlier] = compute_stats(register, StatsRequest(as_of=earlier))
        except UserError:
            break  # before the register starts (or an empty year): the history ends here
    return dict(sorted(figures.items()))


def last_event_date(register: Register, latest: date | None = None) -> date:
    """The date of the register's last event (not after ``latest`` when given)."""
    from renkou.stats.counts import register_range

    last = register_range(register.engine, date.today()).last_event
    if last is None:
        raise UserError("登记库中没有任何事件", "the register has no events")
    return last if latest is None else min(last, latest)


def population_now(register: Register, as_of: date) -> tuple[list[Area], FloatArray]:
    """The resident population on ``as_of`` by district, sex and single age (100+ open) as ``(areas, 1, 2, 101)``,
    the city's districts first (by code) and the city last; persons of unknown district, sex or age count in the
    city only when their district is known, so the city is the sum of its districts."""
    from renkou.ids import lookup as division
    from renkou.register.population import population_by

    rows = population_by(register.engine, as_of, "resident", ("district", "sex", "age")).to_pylist()
    prefix, city = register.city_prefix, register.city
    codes = sorted({str(r["district"]) for r in rows if r["district"] and str(r["district"]).startswith(prefix)})
    population = np.zeros((len(codes) + 1, 1, 2, OPEN_AGE + 1))
    index = {code: i for i, code in enumerate(codes)}
    for row in rows:
        i, sex, age = index.get(str(row["district"])), row["sex"], row["age"]
        if i is None or sex not in ("F", "M") or age is None or age < 0:
            continue
        population[i, 0, "FM".index(sex), min(int(age), OPEN_AGE)] += row["population"]
    population[-1] = population[:-1].sum(axis=0)
    areas = []
    for code in [*codes, city]:
        found = division(code)
        areas.append(Area(code, found.name if found else code))
    return areas, population


def lookup(block: Mapping[str, Any], key: str) -> float | None:
    """A dotted indicator key (``registered.crude_birth_rate``) in one area's block; None when absent or null."""
    node: Any = block
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def plan_series(
    plan: Plan, figures: Mapping[date, Mapping[str, Any]]
) -> tuple[dict[str, list[tuple[date, float]]], dict[str, str]]:
    """Each indicator's series in the plan's unit (register value x factor, or entered values) and its source."""
    series: dict[str, list[tuple[date, float]]] = {}
    sources: dict[str, str] = {}
    for indicator in plan.indicators:
        if indicator.key is not None:
            values = []
            for day, stats in figures.items():
                found = lookup(stats["city"], indicator.key)
                if found is not None:
                    values.append((day, found * indicator.factor))
            series[indicator.name] = values
            factor = "" if indicator.factor == 1 else f" × {indicator.factor:g}"
            sources[indicator.name] = f"register: {indicator.key}{factor}"
        elif indicator.entered:
            series[indicator.name] = entered_series(indicator)
            sources[indicator.name] = "entered by hand"
        else:
            series[indicator.name] = []
            sources[indicator.name] = "not measured"
    return series, sources


def plan_projections(db: Path, plan: Plan, as_of: date) -> tuple[dict[str, dict[str, float]], str]:
    """Projected values at the target year by indicator name and variant (in the plan's unit), and a sentence saying
    how attainment was forecast. Only mid-term, for indicators the projection yields (see
    :mod:`renkou.plan.projected`); when the register cannot support a projection (e.g. too few deaths for a life
    table) the reason is given and the trend is used."""
    from renkou.plan.projected import PROJECTED_NAMES, project_indicators

    trend = "linear trend of yearly values up to the as-of date"
    wanted = [
        ind
        for ind in plan.indicators
        if ind.key is not None and ind.key.split(".", 1)[-1] in PROJECTED_NAMES and not ind.key.startswith("floating")
    ]
    if as_of.year >= plan.target_year or not wanted:
        return {}, trend
    projected: dict[str, dict[str, float]] = {}
    failures: list[str] = []
    for kind in sorted({ind.key.split(".", 1)[0] for ind in wanted if ind.key is not None}):
        try:
            by_variant = project_indicators(db, as_of, kind, plan.target_year)
        except UserError as error:
            failures.append(f"{kind}: {error.en}")
            continue
        for ind in wanted:
            assert ind.key is not None
            if ind.key.startswith(kind + "."):
                name = ind.key.split(".", 1)[1]
                projected[ind.name] = {v: values[name] * ind.factor for v, values in by_variant.items()}
    method = (
        f"cohort-component projection from the register (low/medium/high variants) for {len(projected)} "
        f"indicators; {trend} for the others"
    )
    if failures:
        method += "; no projection for " + "; ".join(failures)
    return projected, method


def run_evaluation(
    db: Path,
    plan: Plan,
    as_of: date | None = None,
    years: int = DEFAULT_YEARS,
    rules: Path | None = None,
    *,
    projection: bool = True,
    capacity: Mapping[tuple[str, str], Mapping[int, float]] | None = None,
) -> dict[str, Any]:
    """``renkou plan evaluate --json``: the plan's indicators on the register at ``as_of`` (default: its last event,
    at most the end of the target year), attainment judged on the projection's variants (or the trend), and the
    warnings of the rules (``rules``: a rule file, default the shipped one) including the facility rules against
    ``capacity`` (default: the capacity stored in the register)."""
    from renkou.plan.evaluate import evaluate_plan
    from renkou.plan.facility_files import load_standards
    from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, facility_warnings, load_rules
    from renkou.register.store import Register

    rule_list = load_rules(rules or DEFAULT_RULES)
    figures = stats_series(db, as_of, years, latest=date(plan.target_year, 12, 31))
    series, sources = plan_series(plan, figures)
    day = max(figures)
    projected, method = plan_projections(db, plan, day) if projection else ({}, "linear trend (projection off)")
    result = evaluate_plan(plan, day, series, sources, projected, method)
    register = Register.open(db, read_only=True)
    try:
        extra = facility_warnings(register, day, rule_list, load_standards(), capacity)
    finally:
        register.close()
    result["warnings"] = evaluate_rules(rule_list, figures) + extra
    return result
