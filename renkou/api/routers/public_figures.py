"""The public query service's main indicators and projections by variant, as JSON and CSV
(:mod:`renkou.api.public_figures` states how small cells are protected). No personal data: aggregates only."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from renkou.api import public_figures as pf
from renkou.api.analytics import indicator_years
from renkou.api.context import service_of
from renkou.api.cube import SEX_EN
from renkou.api.errors import bad_request, not_found
from renkou.api.permissions import Action, requires
from renkou.api.register_projection import Unavailable
from renkou.api.routers.public import AgeGroup, By, District, KindParam, Sex, Year
from renkou.api.service import Service
from renkou.register.population import Kind

router = APIRouter(tags=["public 公众查询"])

PUBLIC = [requires(Action.PUBLIC_READ)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "bad parameter"},
    404: {"description": "no such year or category"},
}
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV (UTF-8 with BOM)"}
}
Variant = Annotated[Literal["low", "medium", "high"], Query(description="方案 / variant: low | medium | high")]
ProjectionYear = Annotated[int | None, Query(ge=1900, le=2200, description="预测年份 / projected year")]


def _json(document: dict[str, Any]) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content=body, media_type="application/json")


def _csv(header: list[str], rows: list[list[Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # Built from validated values only (integers and fixed words), so nothing a caller sends reaches the header.
    return Response(
        content=("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _indicator_document(service: Service, year: int | None, kind: Kind) -> dict[str, Any]:
    available = indicator_years(service)
    if not available:
        raise not_found("尚无可公布的指标", "no published indicators yet")
    chosen = available[-1] if year is None else year
    if chosen not in available:
        raise not_found(
            f"{chosen} 年没有公布的指标（可选：{', '.join(map(str, available))}）",
            f"no published indicators for {chosen} (available: {', '.join(map(str, available))})",
        )
    return {**pf.indicators(service, chosen, kind), "years": available}


@router.get("/api/public/indicators", dependencies=PUBLIC, responses=ERRORS, summary="主要指标 / main indicators")
async def indicators_json(request: Request, year: Year = None, kind: KindParam = "resident") -> Response:
    """全市和各区县的年末主要指标（人口、出生、死亡、出生率、死亡率、自然增长率、总和生育率、预期寿命、年龄结构）；
    由少于 10 人的数字算出或可推算出它们的值不公布（null，并列入 withheld）。

    Main indicators of the city and each district at the year's end; a value that is, or would reveal, a count
    under the threshold is withheld (null, and named in ``withheld``).
    """
    document = await run_in_threadpool(_indicator_document, service_of(request), year, kind)
    return _json(document)


@router.get(
    "/api/public/indicators.csv",
    dependencies=PUBLIC,
    responses={**ERRORS, **CSV_RESPONSE},
    summary="主要指标（CSV）/ main indicators (CSV)",
)
async def indicators_csv(request: Request, year: Year = None, kind: KindParam = "resident") -> Response:
    """同上，CSV 格式；不公布的值为空，withheld 列出其名称。 / The same as CSV; withheld values are empty."""
    document = await run_in_threadpool(_indicator_document, service_of(request), year, kind)
    header = ["area", "area_name", "level", *pf.INDICATORS, "withheld"]
    rows = [
        [row["area"], row["area_name"], row["level"], *(row[name] for name in pf.INDICATORS), ";".join(row["withheld"])]
        for row in document["rows"]
    ]
    return _csv(header, rows, f"indicators-{document['year']}-{kind}.csv")


def _projection_document(
    service: Service,
    variant: str,
    by: str,
    district: str | None,
    sex: str | None,
    age_group: str | None,
    year: int | None,
) -> dict[str, Any]:
    groups = tuple(part for part in by.split(",") if part)
    if len(set(groups)) != len(groups):
        raise bad_request("bad_by", f"分组维度重复：{by}", f"a dimension repeats in by: {by}")
    base, years = pf.projection_years(service)
    if base is None:
        raise not_found("登记库中还没有可预测的年份", "the register has no year to project from")
    if year is not None and year not in years:
        raise not_found(
            f"预测年份应在 {years[0]}–{years[-1]} 之间：{year}", f"projected years are {years[0]}-{years[-1]}: {year}"
        )
    rows: list[dict[str, Any]] = []
    for chosen in [year] if year is not None else years:
        table = pf.projection_table(service, variant, chosen)
        if isinstance(table, Unavailable):
            raise not_found(f"无法预测：{table.zh}", f"no projection: {table.en}")
        where: dict[str, str] = {}
        for dimension, value in (("district", district), ("sex", sex), ("age_group", age_group)):
            if value is None:
                continue
            if value not in table.categories(dimension):
                raise not_found(f"预测中没有“{value}”", f"no {dimension} '{value}' in the projection")
            where[dimension] = value
        rows.extend({"year": chosen, **cell} for cell in table.cells(groups, where))
    return {
        "base_year": base,
        "variant": variant,
        "kind": "resident",
        "by": list(groups),
        "threshold": service.settings.suppression_threshold,
        "years": years if year is None else [year],
        "method": {
            "zh": "由登记库估计参数的分区县队列要素预测（全市为各区县之和），基年为最近一个统计年度；"
            "各年按区县×性别×年龄组取整后整表保护，少于 10 人的单元格不公布。",
            "en": "Cohort-component projection by district from the register's latest statistical year (the city is "
            "the sum of its districts); each year's district x sex x age-group table is rounded to whole persons "
            "and protected as a whole: no cell under 10 persons is shown.",
        },
        "rows": rows,
    }


@router.get(
    "/api/public/projection", dependencies=PUBLIC, responses=ERRORS, summary="人口预测（JSON）/ projection (JSON)"
)
async def projection_json(
    request: Request,
    variant: Variant = "medium",
    by: By = "",
    district: District = None,
    sex: Sex = None,
    age_group: AgeGroup = None,
    year: ProjectionYear = None,
) -> Response:
    """常住人口预测（低、中、高方案）：全市或各区县逐年人口，可按性别、年龄组分组；少于 10 人的单元格不公布。

    Projected resident population (low, medium, high variants): city or district totals by year, by sex and age
    group; cells under the threshold are suppressed.
    """
    service = service_of(request)
    document = await run_in_threadpool(_projection_document, service, variant, by, district, sex, age_group, year)
    return _json(document)


@router.get(
    "/api/public/projection.csv",
    dependencies=PUBLIC,
    responses={**ERRORS, **CSV_RESPONSE},
    summary="人口预测（CSV）/ projection (CSV)",
)
async def projection_csv(
    request: Request,
    variant: Variant = "medium",
    by: By = "",
    district: District = None,
    sex: Sex = None,
    age_group: AgeGroup = None,
    year: ProjectionYear = None,
) -> Response:
    """同上，CSV 格式；被抑制的单元格 population 为空、flag 为 x。 / The same as CSV; a suppressed cell is empty, flag x."""
    service = service_of(request)
    document = await run_in_threadpool(_projection_document, service, variant, by, district, sex, age_group, year)
    dimensions = [d for d in ("district", "sex", "age_group") if any(d in row for row in document["rows"][:1])]
    header = ["year", "variant"]
    for dimension in dimensions:
        header += [dimension, "district_name"] if dimension == "district" else [dimension]
        if dimension == "sex":
            header.append("sex_name")
    header += ["population", "flag"]
    rows = []
    for row in document["rows"]:
        values: list[Any] = [row["year"], variant]
        for dimension in dimensions:
            values.append(row[dimension])
            if dimension == "district":
                values.append(row["district_name"])
            elif dimension == "sex":
                values.append(f"{row['sex_name']}/{SEX_EN[row['sex']]}")
        values += ["" if row["suppressed"] else row["population"], "x" if row["suppressed"] else ""]
        rows.append(values)
    return _csv(header, rows, f"projection-{variant}.csv")
