"""Exact aggregates for analysts (internal use: no suppression, but never a single person's record)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api.context import service_of
from renkou.api.models import AggregateOut
from renkou.api.permissions import Action, requires
from renkou.register.population import Kind, population_by

router = APIRouter(prefix="/api/stats", tags=["stats 统计"])

BY_PATTERN = r"^((district|sex|age|urban)(,(district|sex|age|urban)){0,3})?$"


@router.get(
    "/population",
    response_model=AggregateOut,
    dependencies=[requires(Action.AGGREGATE_READ)],
    responses={400: {"description": "bad parameter"}},
    summary="人口数（内部，精确）/ population (internal, exact)",
)
async def population(
    request: Request,
    on: Annotated[date, Query(description="日期 / date", ge=date(1880, 1, 1), le=date(2200, 12, 31))],
    kind: Annotated[Kind, Query()] = "resident",
    by: Annotated[str, Query(max_length=40, pattern=BY_PATTERN)] = "district",
    known_at: Annotated[datetime | None, Query(description="截至该时刻已登记的信息 / as known at")] = None,
) -> dict[str, Any]:
    """某日的户籍、常住或流动人口，按区县、性别、年龄、城乡分组的精确数。

    Registered, resident or floating population on a date, exact counts grouped by district, sex, age, urban.
    """
    groups = tuple(dict.fromkeys(part for part in by.split(",") if part))
    service = service_of(request)
    stamp = known_at.replace(tzinfo=None) if known_at is not None else None

    def read() -> list[dict[str, Any]]:
        with service.reading() as engine:
            return population_by(engine, on, kind, groups, stamp).to_pylist()

    return {"on": on, "kind": kind, "by": list(groups), "rows": await run_in_threadpool(read)}
