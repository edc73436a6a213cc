"""The public query service (公众人口信息查询): published population figures as JSON and CSV, no personal data.

Answers are cached as bytes per query (only successful ones: their parameters were checked against the table's own
categories; the cache is bounded in size), and :mod:`renkou.api.fastpath` replays a repeated URL before the request is
even parsed, so a repeated query costs a dictionary lookup.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from renkou.api import published
from renkou.api.context import service_of
from renkou.api.cube import SEX_EN, age_group_labels
from renkou.api.errors import bad_request, not_found
from renkou.api.models import Health, PublicIndex, PublicTable
from renkou.api.permissions import Action, requires
from renkou.api.service import Service
from renkou.register.population import KIND_ZH, KINDS, Kind

router = APIRouter(tags=["public 公众查询"])

PUBLIC = [requires(Action.PUBLIC_READ)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad parameter"},
    404: {"description": "no such year or category"},
}

BY_PATTERN = r"^((district|sex|age_group)(,(district|sex|age_group)){0,2})?$"
Year = Annotated[int | None, Query(ge=1900, le=2200, description="年份（12 月 31 日）/ year (as of 31 December)")]
KindParam = Annotated[Kind, Query(description="户籍 registered | 常住 resident | 流动 floating")]
By = Annotated[str, Query(max_length=40, pattern=BY_PATTERN, description="分组 / group by: district,sex,age_group")]
District = Annotated[str | None, Query(pattern=r"^(\d{6}|unknown)$", description="区县代码 / district code")]
Sex = Annotated[Literal["F", "M"] | None, Query(description="性别 / sex")]
AgeGroup = Annotated[str | None, Query(max_length=8, pattern=r"^\d{1,3}(-\d{1,3}|\+)$", description="如 / e.g. 20-24")]


@router.get("/api/health", response_model=Health, dependencies=PUBLIC, summary="服务状态 / liveness")
async def health() -> dict[str, str]:
    """服务是否在运行。 / Whether the service is up."""
    return {"status": "ok"}


@router.get("/api/public", response_model=PublicIndex, dependencies=PUBLIC, summary="公开数据目录 / what is published")
async def index(request: Request) -> dict[str, Any]:
    """可查询的年份、口径、维度与保护方法。 / Years, population kinds, dimensions and the protection method."""
    service = service_of(request)
    years = await run_in_threadpool(published.years, service)
    settings = service.settings
    return {
        "years": years,
        "kinds": [{"kind": kind, "kind_name": KIND_ZH[kind]} for kind in KINDS],
        "dimensions": list(published.DIMENSIONS),
        "age_groups": age_group_labels(settings.age_group_width, settings.open_age_group),
        "threshold": settings.suppression_threshold,
        "method": _method(service),
    }


@router.get("/api/public/method", dependencies=PUBLIC, summary="小单元格保护方法 / how small cells are protected")
async def method(request: Request) -> dict[str, Any]:
    """公开数据的小单元格抑制方法说明。 / The statement of the small-cell suppression method."""
    return _method(service_of(request))


def _method(service: Service) -> dict[str, Any]:
    settings = service.settings
    values = {"threshold": settings.suppression_threshold, "min_range": settings.suppression_min_range}
    return {
        "zh": published.METHOD_ZH.format(**values),
        "en": published.METHOD_EN.format(**values),
        **values,
    }


@router.get(
    "/api/public/population",
    response_model=PublicTable,
    dependencies=PUBLIC,
    responses=ERRORS,
    summary="人口数（JSON）/ population (JSON)",
)
async def population_json(
    request: Request,
    year: Year = None,
    kind: KindParam = "resident",
    by: By = "district",
    district: District = None,
    sex: Sex = None,
    age_group: AgeGroup = None,
) -> Response:
    """按区县、性别、年龄组的年末人口，少于阈值的单元格不公布（population 为 null）。

    Year-end population by district, sex and age group; cells under the threshold are suppressed (null).
    """
    body = await _answer(request, year, kind, by, district, sex, age_group, "json")
    return Response(content=body, media_type="application/json")


@router.get(
    "/api/public/population.csv",
    dependencies=PUBLIC,
    responses={**ERRORS, 200: {"content": {"text/csv": {}}, "description": "CSV (UTF-8 with BOM)"}},
    summary="人口数（CSV）/ population (CSV)",
)
async def population_csv(
    request: Request,
    year: Year = None,
    kind: KindParam = "resident",
    by: By = "district",
    district: District = None,
    sex: Sex = None,
    age_group: AgeGroup = None,
) -> Response:
    """同上，CSV 格式；被抑制的单元格 population 为空、flag 为 x。

    The same as CSV; a suppressed cell has an empty population and flag ``x``.
    """
    body = await _answer(request, year, kind, by, district, sex, age_group, "csv")
    # Built from validated values only (an integer and a fixed word), so nothing a caller sends reaches the header.
    name = f"population-{year if year is not None else 'latest'}-{kind}.csv"
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _answer(
    request: Request,
    year: int | None,
    kind: Kind,
    by: str,
    district: str | None,
    sex: str | None,
    age_group: str | None,
    form: str,
) -> bytes:
    service = service_of(request)
    groups = tuple(part for part in by.split(",") if part)
    if len(set(groups)) != len(groups):
        raise bad_request("bad_by", f"分组维度重复：{by}", f"a dimension repeats in by: {by}")
    if year is None:  # the latest published year, resolved now so that the cache key names the actual year
        years = await run_in_threadpool(published.years, service)
        year = years[-1] if years else None
    key = (year, kind, groups, district, sex, age_group, form)
    cached = service.answers.get(key)
    if cached is not None:
        return cached
    generation = service.generation
    body = await run_in_threadpool(_compute_answer, service, year, kind, groups, district, sex, age_group, form)
    service.answers.put(key, body, generation)
    return body


def _compute_answer(
    service: Service,
    year: int | None,
    kind: Kind,
    groups: tuple[str, ...],
    district: str | None,
    sex: str | None,
    age_group: str | None,
    form: str,
) -> bytes:
    years = published.years(service)
    if not years:
        raise not_found("尚无可公布的数据", "no published figures yet")
    chosen = years[-1] if year is None else year
    if chosen not in years:
        raise not_found(
            f"{chosen} 年没有公布的数据（可选 {years[0]}–{years[-1]}）",
            f"no published figures for {chosen} (available: {years[0]}-{years[-1]})",
        )
    table = published.table(service, chosen, kind)
    where: dict[str, str] = {}
    for dimension, value in (("district", district), ("sex", sex), ("age_group", age_group)):
        if value is None:
            continue
        if value not in table.categories(dimension):
            raise not_found(
                f"{chosen} 年的{_DIMENSION_ZH[dimension]}中没有“{value}”",
                f"no {dimension} '{value}' in the {chosen} table",
            )
        where[dimension] = value
    rows = table.cells(groups, where)
    if form == "csv":
        return _csv(rows, [d for d in published.DIMENSIONS if d in groups or d in where])
    document = {
        "year": chosen,
        "as_of": table.on.isoformat(),
        **published.describe_kind(kind),
        "by": list(groups),
        "threshold": service.settings.suppression_threshold,
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_DIMENSION_ZH = {"district": "区县", "sex": "性别", "age_group": "年龄组"}


def _csv(rows: list[dict[str, Any]], dimensions: list[str]) -> bytes:
    columns: list[str] = []
    for dimension in dimensions:
        columns.append(dimension)
        if dimension == "district":
            columns.append("district_name")
        elif dimension == "sex":
            columns.append("sex_name")
    columns += ["population", "flag"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        values = [row.get(c) for c in columns[:-2]]
        values = [f"{v}/{SEX_EN[row['sex']]}" if c == "sex_name" else v for c, v in zip(columns, values, strict=False)]
        writer.writerow([*values, "" if row["suppressed"] else row["population"], "x" if row["suppressed"] else ""])
    # A byte-order mark, so that spreadsheet programs read the Chinese names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
