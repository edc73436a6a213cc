"""The register side of plan evaluation and warnings: ``renkou stats`` figures at the as-of date and yearly before.

Kept apart from the pure rules so they can be tested on hand-made figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from renkou.errors import UserError
from renkou.plan.evaluate import entered_series
from renkou.plan.loader import Plan

DEFAULT_YEARS = 5


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
    from renkou.stats.compute import StatsRequest, compute_stats
    from renkou.stats.counts import register_range

    if not db.exists():
        raise UserError(f"找不到登记库 {db}", f"register database not found: {db}")
    register = Register.open(db, read_only=True)
    try:
        if as_of is None:
            last = register_range(register.engine, date.today()).last_event
            if last is None:
                raise UserError(f"登记库 {db} 中没有任何事件", f"the register {db} has no events")
            as_of = last if latest is None else min(last, latest)
        figures = {as_of: compute_stats(register, StatsRequest(as_of=as_of))}
        for back in range(1, years):
            day = years_before(as_of, back)
            try:
                figures[day] = compute_stats(register, StatsRequest(as_of=day))
            except UserError:
                break  # before the register starts (or an empty year): the history ends here
    finally:
        register.close()
    return dict(sorted(figures.items()))


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
