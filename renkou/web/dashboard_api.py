"""The dashboard's JSON endpoints (analysts: exact aggregates, never a single person).

Everything is computed from the register the service holds and cached until the register changes
(:meth:`renkou.api.service.Service.data_changed`): indicator sets per year (:mod:`renkou.stats.compute`), the trend
over the years, the register's projection (:mod:`renkou.api.register_projection`), the plan board and warnings
(:mod:`renkou.web.plan_board`). The pyramid reads the API's own
``/api/stats/population``. District shapes come from ``renkou.geo`` (another part) when it is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api.analytics import indicator_years, year_stats
from renkou.api.context import service_of
from renkou.api.errors import ApiError, not_found
from renkou.api.permissions import Action, Principal, requires
from renkou.api.service import Service
from renkou.errors import UserError
from renkou.register.population import Kind
from renkou.register.store import Register
from renkou.web import dashboard_data
from renkou.web.reader import cached

router = APIRouter(prefix="/web/api", tags=["web 网页"])

Analyst = Annotated[Principal, requires(Action.AGGREGATE_READ)]
YearParam = Annotated[int | None, Query(ge=1900, le=2200, description="年份（12 月 31 日）/ year (31 December)")]


def years(service: Service) -> list[int]:
    """The years the dashboard can show (:func:`renkou.api.analytics.indicator_years`)."""
    return indicator_years(service)


def _pick_year(service: Service, year: int | None) -> tuple[int, list[int]]:
    available = years(service)
    if not available:
        raise not_found("登记库中还没有可统计的年份", "the register has no year to show yet")
    if year is None:
        return available[-1], available
    if year not in available:
        raise not_found(
            f"{year} 年无法统计（可选：{', '.join(map(str, available))}）",
            f"no figures for {year} (available: {', '.join(map(str, available))})",
        )
    return year, available


@router.get("/dashboard/years", summary="可选年份 / years available")
async def dashboard_years(request: Request, principal: Analyst) -> dict[str, Any]:
    """仪表盘可显示的年份（年末）。 / The year-ends the dashboard can show."""
    available = await run_in_threadpool(years, service_of(request))
    return {"years": available, "default": available[-1] if available else None}


@router.get(
    "/dashboard/overview",
    responses={404: {"description": "no such year"}},
    summary="年度概览 / the year's overview",
)
async def overview(request: Request, principal: Analyst, year: YearParam = None) -> dict[str, Any]:
    """当年主要指标及其较上年的变化，各区县人口。 / The year's main figures and change, and every district."""
    service = service_of(request)

    def build() -> dict[str, Any]:
        chosen, available = _pick_year(service, year)
        current = year_stats(service, chosen)
        previous = year_stats(service, chosen - 1) if chosen - 1 in available else None
        return {
            "year": chosen,
            "as_of": current["as_of"],
            "previous_year": chosen - 1 if previous else None,
            "city": {"code": current["city"]["code"], "name": current["city"]["name"]},
            "cards": dashboard_data.overview_cards(current["city"], previous["city"] if previous else None),
            "districts": dashboard_data.district_rows(
                current["districts"], previous["districts"] if previous else None
            ),
            "notes": current.get("notes", []),
        }

    return await run_in_threadpool(build)


@router.get(
    "/dashboard/pyramid",
    responses={404: {"description": "no such year"}},
    summary="人口金字塔 / population pyramid",
)
async def pyramid(
    request: Request,
    principal: Analyst,
    year: YearParam = None,
    kind: Annotated[Kind, Query(description="户籍 registered | 常住 resident | 流动 floating")] = "resident",
) -> dict[str, Any]:
    """年末人口按性别和五岁年龄组（85 岁及以上合并）。 / Year-end population by sex and five-year age group (85+)."""
    service = service_of(request)

    def build() -> dict[str, Any]:
        from renkou.register.population import population_by

        chosen, _ = _pick_year(service, year)

        def compute(register: Register) -> dict[str, Any]:
            counts = population_by(register.engine, date(chosen, 12, 31), kind, ("sex", "age"))
            columns = [counts.column(name).to_pylist() for name in ("sex", "age", "population")]
            return {
                "year": chosen,
                "as_of": date(chosen, 12, 31).isoformat(),
                "kind": kind,
                "age_groups": dashboard_data.pyramid_labels(),
                **dashboard_data.pyramid(zip(*columns, strict=True)),
            }

        return cached(service, ("pyramid", chosen, kind), compute)

    return await run_in_threadpool(build)


@router.get("/dashboard/trend", summary="历年趋势 / trend over the years")
async def trend(request: Request, principal: Analyst) -> dict[str, Any]:
    """历年年末人口、出生、死亡与出生率、死亡率、自然增长率（全市）。

    Year-end populations, births, deaths and crude rates of the city over the years.
    """
    service = service_of(request)

    def build() -> dict[str, Any]:
        available = years(service)
        return dashboard_data.trend(available, {y: year_stats(service, y) for y in available})

    return await run_in_threadpool(build)


@router.get(
    "/dashboard/projection",
    responses={404: {"description": "no such year"}},
    summary="人口预测扇形图 / projection fan chart",
)
async def projection(request: Request, principal: Analyst, year: YearParam = None) -> dict[str, Any]:
    """由登记库估计参数的分区县队列要素预测（全市为各区县之和）：常住人口总量和出生人数的低、中、高方案与随机中位数、80%、95% 区间。

    The register's cohort-component projection by district (the city is their sum), inputs estimated from the base
    year: resident population and births under the low, medium and high variants, with the stochastic median and
    80% and 95% intervals.
    """
    service = service_of(request)

    def build() -> dict[str, Any]:
        from renkou.api import register_projection as rp

        chosen, _ = _pick_year(service, year)
        run = rp.deterministic(service, chosen, "resident")
        summary = rp.stochastic(service, chosen, "resident")
        if isinstance(run, rp.Unavailable) or isinstance(summary, rp.Unavailable):
            missing = run if isinstance(run, rp.Unavailable) else summary
            assert isinstance(missing, rp.Unavailable)
            return {"base_year": chosen, "available": False, "reason": missing.reason()}
        return {
            "base_year": chosen,
            "available": True,
            "kind": "resident",
            **rp.fan_chart(run, summary),
            "assumptions": rp.assumptions(run),
        }

    return await run_in_threadpool(build)


PlanParam = Annotated[
    str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$", description="内置规划名 / shipped plan name")
]


@router.get(
    "/dashboard/plan",
    responses={404: {"description": "no such year or plan"}},
    summary="规划目标完成情况 / plan-target status board",
)
async def plan_board(request: Request, principal: Analyst, year: YearParam = None, plan: PlanParam = None) -> Any:
    """规划指标评估（同 renkou plan evaluate --json，评估日为所选年份年末）：现状、目标、进度、红黄绿状态及理由，约束性红灯在前。

    The plan's evaluation as ``renkou plan evaluate --json`` gives it as of the chosen year's 31 December: value,
    target, progress, green/amber/red status with its reason, binding reds first.
    """
    service = service_of(request)

    def build() -> dict[str, Any]:
        from renkou.web import plan_board as pb

        chosen, _ = _pick_year(service, year)
        names = pb.plan_names()
        name = plan or names[0]
        if name not in names:
            raise not_found(f"没有名为 {name} 的内置规划", f"no shipped plan named {name}")
        return pb.board(service, chosen, name)

    return await run_in_threadpool(build)


@router.get(
    "/dashboard/warnings",
    responses={404: {"description": "no such year"}},
    summary="人口监测预警 / early warnings",
)
async def warnings(request: Request, principal: Analyst, year: YearParam = None) -> dict[str, Any]:
    """按内置预警规则检查所选年份及此前各年（同 renkou plan warnings --json），每条预警附证据；stored 为最近一次入库后的预警。

    The shipped early-warning rules on the chosen year and the years before it (``renkou plan warnings --json``),
    each warning with its evidence; ``stored``: those evaluated after the latest ingest or upload.
    """
    service = service_of(request)

    def build() -> dict[str, Any]:
        from renkou.web import plan_board as pb

        chosen, _ = _pick_year(service, year)
        return {"year": chosen, **pb.warnings(service, chosen), "stored": pb.stored_warnings(service)}

    return await run_in_threadpool(build)


@router.get(
    "/geo/districts",
    dependencies=[requires(Action.PUBLIC_READ)],
    responses={404: {"description": "district shapes not installed"}},
    summary="区县边界 GeoJSON / district shapes (GeoJSON)",
)
async def districts_geojson(request: Request) -> Any:
    """本市区县边界（GeoJSON，来自 renkou.geo，附数据来源）。 / The city's district shapes (GeoJSON from renkou.geo)."""
    service = service_of(request)
    city = await run_in_threadpool(lambda: _city_code(service))
    shapes = load_geojson(city)
    if shapes is None:
        raise ApiError(
            404,
            "geo_unavailable",
            "没有本市的区县边界数据",
            "no district shapes for this city",
        )
    return shapes


def _city_code(service: Service) -> str:
    with service.database():
        return service.register.city


GEO_SOURCE = {
    "zh": "区县边界来自 renkou.geo（来源与许可见 renkou/geo/data/SOURCES.md），仅供示意。",
    "en": "District shapes from renkou.geo (sources and licence in renkou/geo/data/SOURCES.md), for display only.",
}


def load_geojson(city: str) -> Any | None:
    """``renkou.geo.districts_geojson(city)`` with a ``source`` note, or None when no shapes ship for ``city``."""
    if importlib.util.find_spec("renkou.geo") is None:
        return None
    geo: Any = importlib.import_module("renkou.geo")
    function = getattr(geo, "districts_geojson", None)
    if not callable(function):
        return None
    try:
        shapes = function(city)
    except UserError:  # no shapes for this city
        return None
    return {**shapes, "source": GEO_SOURCE}
