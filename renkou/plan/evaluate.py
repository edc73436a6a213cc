"""Plan evaluation: the status of each indicator from its latest value, its history and a trend forecast (pure).

Status rules (green 绿 / amber 黄 / red 红):

1. No value (not measured by the register and none entered by hand, or the register cannot compute it): amber.
2. "falling" targets are judged on the yearly series up to the as-of date: falling every year green, otherwise red;
   with a single value amber.
3. At or after the end of the target year (end-term evaluation) a level target is met (green) or not (red).
4. Before it (mid-term), where the projection gives the indicator (sizes, age shares, dependency ratios, crude rates;
   see :mod:`renkou.plan.projected`), the low / medium / high variants at the end of the target year decide:
   met in all variants green, met in the medium variant but not all amber, missed in the medium variant red.
5. Otherwise, mid-term, the current value and the forecast for 31 December of the target year are both judged.
   The forecast is a least-squares straight line through the yearly history (at least ``MIN_TREND_POINTS``
   values), extrapolated; this is a stated trend, not a cohort-component projection.
   - met now and forecast met (or no forecast): green;
   - met now but the forecast misses, or not met now but the forecast meets: amber;
   - not met now and the forecast misses: red;
   - not met now and no forecast: red for a binding (约束性) indicator, amber for an expected (预期性) one.
6. Order: binding indicators in red first, then other reds, ambers, greens; file order within each group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from renkou.plan.loader import NATURES, Indicator, Plan
from renkou.plan.targets import Target, meets, meets_series

MIN_TREND_POINTS = 3
_STATUS_ORDER = {"red": 1, "amber": 2, "green": 3}


@dataclass(frozen=True)
class Forecast:
    """A straight-line trend through ``points`` values, read at ``on``."""

    on: date
    value: float
    slope_per_year: float
    points: int


def decimal_year(day: date) -> float:
    """A date as a decimal year (day of year over the year's length), for fitting trends."""
    start = date(day.year, 1, 1)
    length = (date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def linear_trend(series: Sequence[tuple[date, float]], on: date) -> Forecast | None:
    """Least-squares line through the series, read at ``on``; None with fewer than ``MIN_TREND_POINTS`` values."""
    if len(series) < MIN_TREND_POINTS:
        return None
    xs = [decimal_year(day) for day, _ in series]
    ys = [value for _, value in series]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    value = mean_y + slope * (decimal_year(on) - mean_x)
    return Forecast(on=on, value=value, slope_per_year=slope, points=n)


def progress(base: float | None, value: float, target: Target) -> float | None:
    """Share of the way from the base-year value to the target point (1 = reached); None when undefined."""
    point = target.point()
    if base is None or point is None or point == base:
        return None
    return (value - base) / (point - base)


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _status_level(
    indicator: Indicator, value: float, forecast: Forecast | None, end_term: bool
) -> tuple[str, str, str]:
    """Status and bilingual reason of a level target (rules 3 and 4)."""
    target = indicator.target
    now = meets(target, value)
    shown = f"{_fmt(value)} {indicator.unit}".strip()
    goal = target.describe()
    if end_term:
        if now:
            return "green", f"期末值 {shown} 达到目标 {goal}", f"end-term value {shown} meets the target {goal}"
        return "red", f"期末值 {shown} 未达到目标 {goal}", f"end-term value {shown} misses the target {goal}"
    if forecast is None:
        method_zh, method_en = "历史值不足，无法外推趋势", "too few past values for a trend"
        if now:
            return (
                "green",
                f"当前值 {shown} 达到目标 {goal}（{method_zh}）",
                f"value {shown} meets {goal} ({method_en})",
            )
        status = "red" if indicator.nature == "binding" else "amber"
        return (
            status,
            f"当前值 {shown} 未达到目标 {goal}（{method_zh}）",
            f"value {shown} does not meet {goal} ({method_en})",
        )
    later = meets(target, forecast.value)
    trend_zh = f"按近 {forecast.points} 年线性趋势，{forecast.on.year} 年末约为 {_fmt(forecast.value)}"
    trend_en = f"a straight-line trend of {forecast.points} yearly values gives {_fmt(forecast.value)} at the end of {forecast.on.year}"
    if now and later:
        return (
            "green",
            f"当前值 {shown} 达到目标 {goal}；{trend_zh}，仍达标",
            f"value {shown} meets {goal}; {trend_en}, still met",
        )
    if now:
        return (
            "amber",
            f"当前值 {shown} 达到目标 {goal}，但{trend_zh}，将不达标",
            f"value {shown} meets {goal} now but {trend_en}, which misses it",
        )
    if later:
        return (
            "amber",
            f"当前值 {shown} 未达到目标 {goal}；{trend_zh}，可望达标",
            f"value {shown} misses {goal} now; {trend_en}, which meets it",
        )
    return (
        "red",
        f"当前值 {shown} 未达到目标 {goal}；{trend_zh}，仍不达标",
        f"value {shown} misses {goal}; {trend_en}, which still misses it",
    )


def _status_variants(indicator: Indicator, value: float, variants: Mapping[str, float]) -> tuple[str, str, str]:
    """Status and bilingual reason from the projection's variants at the target year (rule 4)."""
    target = indicator.target
    met = [name for name, projected in variants.items() if meets(target, projected)]
    shown = ", ".join(f"{name} {_fmt(projected)}" for name, projected in variants.items())
    goal = target.describe()
    now_zh = f"当前值 {_fmt(value)}；预测目标年末：{shown}"
    now_en = f"value {_fmt(value)}; projected at the end of the target year: {shown}"
    if len(met) == len(variants):
        return "green", f"{now_zh}，各方案均达到 {goal}", f"{now_en}; every variant meets {goal}"
    if "medium" in met:
        return (
            "amber",
            f"{now_zh}，中方案达到 {goal}，但并非所有方案都达到",
            f"{now_en}; met in the medium variant, not in all ({', '.join(met)})",
        )
    return "red", f"{now_zh}，中方案未达到 {goal}", f"{now_en}; the medium variant misses {goal}"


def evaluate_indicator(
    indicator: Indicator,
    plan: Plan,
    as_of: date,
    series: Sequence[tuple[date, float]],
    source: str,
    variants: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Judge one indicator from its series of (date, value) in the plan's unit, latest last, none after ``as_of``;
    ``variants`` are the projection's values at the end of the target year in the plan's unit, where available."""
    series = sorted((day, value) for day, value in series if day <= as_of)
    result: dict[str, Any] = {
        "name": indicator.name,
        "name_zh": indicator.name_zh,
        "domain": indicator.domain,
        "unit": indicator.unit,
        "nature": indicator.nature,
        "nature_zh": NATURES[indicator.nature],
        "value": None,
        "value_date": None,
        "target": indicator.target.describe(),
        "target_year": plan.target_year,
        "base": indicator.base,
        "base_year": plan.base_year,
        "progress": None,
        "forecast": None,
        "source": source,
        "history": [{"date": day.isoformat(), "value": round(value, 6)} for day, value in series],
    }
    if not series:
        if source.startswith("register"):
            reason = (
                f"登记库截至 {as_of} 无法计算此指标（原因见 renkou stats 的 notes） / the register cannot compute it "
                f"as of {as_of} (see the notes of renkou stats)"
            )
        else:
            reason = (
                "无数值（登记库不测量此指标，也未手工填报） / no value (not measured by the register and none entered)"
            )
        return {**result, "status": "amber", "reason": reason}
    last_day, value = series[-1]
    result["value"] = round(value, 6)
    result["value_date"] = last_day.isoformat()
    if indicator.target.kind == "falling":
        falling = meets_series([v for _, v in series])
        if falling is None:
            status, zh, en = (
                "amber",
                "只有一个年度值，无法判断是否逐年下降",
                "one yearly value only: cannot tell whether it falls each year",
            )
        elif falling:
            status, zh, en = "green", f"{len(series)} 个年度值逐年下降", f"falls in each of {len(series) - 1} years"
        else:
            status, zh, en = (
                "red",
                f"{len(series)} 个年度值并非逐年下降",
                f"does not fall every year over {len(series)} yearly values",
            )
        return {**result, "status": status, "reason": f"{zh} / {en}"}
    end = date(plan.target_year, 12, 31)
    end_term = as_of >= end
    forecast = None if end_term else linear_trend(series, end)
    if forecast is not None:
        result["forecast"] = {
            "date": end.isoformat(),
            "value": round(forecast.value, 6),
            "method": "linear_trend",
            "points": forecast.points,
            "slope_per_year": round(forecast.slope_per_year, 6),
            "meets_target": meets(indicator.target, forecast.value),
        }
    share = progress(indicator.base, value, indicator.target)
    result["progress"] = None if share is None else round(share, 4)
    if variants and not end_term:
        result["projection"] = {
            "date": end.isoformat(),
            "variants": {name: round(projected, 6) for name, projected in variants.items()},
            "met_in": [name for name, projected in variants.items() if meets(indicator.target, projected)],
        }
        status, zh, en = _status_variants(indicator, value, variants)
        return {**result, "status": status, "reason": f"{zh} / {en}"}
    status, zh, en = _status_level(indicator, value, forecast, end_term)
    return {**result, "status": status, "reason": f"{zh} / {en}"}


def order_results(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Binding reds first, then reds, ambers, greens; the given order within each group (rule 5)."""

    def rank(item: tuple[int, Mapping[str, Any]]) -> tuple[int, int]:
        position, result = item
        group = 0 if result["status"] == "red" and result["nature"] == "binding" else _STATUS_ORDER[result["status"]]
        return group, position

    return [dict(result) for _, result in sorted(enumerate(results), key=rank)]


def evaluate_plan(
    plan: Plan,
    as_of: date,
    series: Mapping[str, Sequence[tuple[date, float]]],
    sources: Mapping[str, str],
    projected: Mapping[str, Mapping[str, float]] | None = None,
    method: str = "linear trend of yearly values up to the as-of date",
) -> dict[str, Any]:
    """The whole plan: one object as ``renkou plan evaluate --json`` prints it (series, sources and projected
    variant values by indicator name); ``method`` says how attainment at the target year was forecast."""
    projected = projected or {}
    results = [
        evaluate_indicator(
            ind, plan, as_of, series.get(ind.name, []), sources.get(ind.name, ""), projected.get(ind.name)
        )
        for ind in plan.indicators
    ]
    ordered = order_results(results)
    counts = {status: sum(1 for r in ordered if r["status"] == status) for status in ("red", "amber", "green")}
    return {
        "plan": plan.name,
        "title": plan.title,
        "source": plan.source,
        "as_of": as_of.isoformat(),
        "base_year": plan.base_year,
        "target_year": plan.target_year,
        "method": method,
        "counts": counts,
        "indicators": ordered,
    }


def entered_series(indicator: Indicator) -> list[tuple[date, float]]:
    """Values entered by hand, dated 31 December of their year."""
    return [(date(year, 12, 31), value) for year, value in indicator.entered.items()]
