"""The dashboard's plan-target status board and early warnings, from :mod:`renkou.plan` on the served register.

The same evaluation as ``renkou plan evaluate --json`` and ``renkou plan warnings --json`` with ``--as-of`` the
31 December of the dashboard's year: the register's indicator sets at that year-end and the year-ends before it
(:func:`renkou.api.analytics.year_stats`, cached and shared with the rest of the dashboard), the plan's series
(:func:`renkou.plan.gather.plan_series`), attainment at the target year judged on the register's projection where it
yields the indicator (the run of :mod:`renkou.api.register_projection`, shared with the fan chart) and on a stated
linear trend otherwise (:func:`renkou.plan.evaluate.evaluate_plan`), and the shipped warning rules
(:func:`renkou.plan.warnings.evaluate_rules`). ``renkou.plan.gather`` opens the database file itself, which the
service (holding it open for writing) cannot do, so the register side is read here through the service's
analytics connection instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from renkou.api.analytics import indicator_years, memo, year_stats
from renkou.api.register_projection import HORIZON, Unavailable, deterministic
from renkou.api.service import Service
from renkou.plan.loader import Plan

HISTORY_YEARS = 5  # renkou.plan.gather.DEFAULT_YEARS: yearly values for the trend and the warnings
TREND = "linear trend of yearly values up to the as-of date"  # renkou.plan.gather.plan_projections' wording


def plan_names() -> list[str]:
    """The shipped plans, by name (the default first)."""
    from renkou.plan.loader import DEFAULT_PLAN, shipped_plans

    names = list(shipped_plans())
    return [DEFAULT_PLAN.stem, *(name for name in names if name != DEFAULT_PLAN.stem)]


def figures_until(service: Service, last: int, years: int = HISTORY_YEARS) -> dict[date, dict[str, Any]]:
    """Indicator sets at 31 December of ``last`` and of the consecutive years before it, at most ``years`` in all,
    stopping where the register cannot compute one (as ``renkou.plan.gather.stats_series`` does)."""
    available = set(indicator_years(service))
    figures: dict[date, dict[str, Any]] = {}
    for year in range(last, last - years, -1):
        if year not in available:
            break
        figures[date(year, 12, 31)] = year_stats(service, year)
    return dict(sorted(figures.items()))


def projected_values(service: Service, plan: Plan, as_of: date) -> tuple[dict[str, dict[str, float]], str]:
    """``renkou.plan.gather.plan_projections`` on the service's register: the indicators' values at the end of the
    target year under each variant (plan units), and the sentence stating the method."""
    from renkou.plan.projected import PROJECTED_NAMES, indicators_from_population

    wanted = [
        ind
        for ind in plan.indicators
        if ind.key is not None and ind.key.split(".", 1)[-1] in PROJECTED_NAMES and not ind.key.startswith("floating")
    ]
    if as_of.year >= plan.target_year or not wanted:
        return {}, TREND
    projected: dict[str, dict[str, float]] = {}
    failures: list[str] = []
    for kind in sorted({str(ind.key).split(".", 1)[0] for ind in wanted}):
        run = deterministic(service, as_of.year, kind, max(HORIZON, plan.target_year))
        if isinstance(run, Unavailable):
            failures.append(f"{kind}: {run.en}")
            continue
        by_variant = {
            variant: indicators_from_population(**run.at_year(variant, plan.target_year))
            for region, variant in run.series
            if region == run.city
        }
        for ind in wanted:
            key = str(ind.key)
            if key.startswith(kind + "."):
                name = key.split(".", 1)[1]
                projected[ind.name] = {v: values[name] * ind.factor for v, values in by_variant.items()}
    method = (
        f"cohort-component projection from the register (low/medium/high variants) for {len(projected)} "
        f"indicators; {TREND} for the others"
    )
    if failures:
        method += "; no projection for " + "; ".join(failures)
    return projected, method


def _split(reason: str) -> dict[str, str]:
    zh, _, en = reason.partition(" / ")
    return {"zh": zh, "en": en or zh}


def board(service: Service, year: int, plan_name: str) -> dict[str, Any]:
    """The plan's evaluation as of 31 December ``year`` (not after the end of its target year), each indicator's
    reason also split by language; ``available`` false with a reason when the register has no figures then.
    Cached until the register changes."""
    return memo(service, ("plan-board", year, plan_name), lambda: _board(service, year, plan_name))


def _board(service: Service, year: int, plan_name: str) -> dict[str, Any]:
    from renkou.plan.evaluate import evaluate_plan
    from renkou.plan.gather import plan_series
    from renkou.plan.loader import load_plan, shipped_plans

    plan = load_plan(shipped_plans()[plan_name])
    last = min(year, plan.target_year)
    figures = figures_until(service, last)
    listing = [{"name": name} for name in plan_names()]
    head = {"plan": plan.name, "title": plan.title, "base_year": plan.base_year, "target_year": plan.target_year}
    if not figures:
        return {
            **head,
            "available": False,
            "plans": listing,
            "reason": {
                "zh": f"登记库没有 {last} 年末的统计数据，无法评估此规划",
                "en": f"the register has no figures for the end of {last}: this plan cannot be evaluated",
            },
        }
    as_of = max(figures)
    series, sources = plan_series(plan, figures)
    projected, method = projected_values(service, plan, as_of)
    result = evaluate_plan(plan, as_of, series, sources, projected, method)
    for item in result["indicators"]:
        item["reasons"] = _split(item["reason"])
    return {**result, "available": True, "plans": listing}


def warnings(service: Service, year: int) -> dict[str, Any]:
    """The shipped early-warning rules on the figures up to 31 December ``year`` (``renkou plan warnings``), cached
    until the register changes."""
    return memo(service, ("warnings", year), lambda: _warnings(service, year))


def _warnings(service: Service, year: int) -> dict[str, Any]:
    from renkou.plan.warnings import DEFAULT_RULES, evaluate_rules, load_rules

    rules = load_rules(DEFAULT_RULES)
    figures = figures_until(service, year)
    found = evaluate_rules(rules, figures) if figures else []
    for warning in found:
        warning["messages"] = _split(warning["message"])
        warning["titles"] = _split(warning["title"])
    return {
        "as_of": max(figures).isoformat() if figures else None,
        "rules": [{"id": rule.id, "title": {"zh": rule.title_zh, "en": rule.title_en}} for rule in rules],
        "warnings": found,
    }


def stored_warnings(service: Service) -> dict[str, Any]:
    """The warnings stored by the latest evaluation after an ingest or upload (:func:`renkou.plan.store.
    latest_warnings`), each message also split by language; read each time (a cheap query, changed by uploads)."""
    from renkou.plan.store import latest_warnings

    with service.reading() as engine:
        found = latest_warnings(engine)
    for warning in found["warnings"]:
        warning["messages"] = _split(warning["message"])
        warning["titles"] = _split(warning["title"])
    return found
