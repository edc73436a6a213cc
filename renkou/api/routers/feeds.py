"""A department's feed for its steward: the files loaded and the lines quarantined, with reasons (values masked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api.context import service_of
from renkou.api.errors import forbidden
from renkou.api.models import BatchOut, QuarantineRow
from renkou.api.permissions import Action, Principal, may_read_feed, requires
from renkou.register.reasons import REASONS

router = APIRouter(prefix="/api/feeds", tags=["feeds 部门数据"])

Steward = Annotated[Principal, requires(Action.FEED_READ)]
Feed = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z_]+$", description="数据源 / feed")]
ERRORS: dict[int | str, dict[str, Any]] = {403: {"description": "not this steward's feed"}}


def _own_feed(principal: Principal, feed: str) -> None:
    if not may_read_feed(principal, feed):
        raise forbidden(
            f"您只能查看本部门的数据源（{principal.feed}）", f"you may read only your own feed ({principal.feed})"
        )


@router.get("/{feed}/batches", response_model=list[BatchOut], responses=ERRORS, summary="已载入的文件 / loaded files")
async def batches(
    feed: Feed,
    request: Request,
    principal: Steward,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[dict[str, Any]]:
    """本部门载入的文件与接收、隔离、重复行数（最新的在前）。

    The feed's loaded files with accepted, quarantined and duplicate counts, newest first.
    """
    _own_feed(principal, feed)
    service = service_of(request)

    def read() -> list[tuple[Any, ...]]:
        with service.reading() as engine:
            return engine.rows(
                "SELECT batch_id, file_name, recorded_at, n_rows, n_accepted, n_quarantined, n_duplicates "
                "FROM batches WHERE feed = ? ORDER BY batch_id DESC LIMIT ? OFFSET ?",
                [feed, limit, offset],
            )

    keys = ("batch_id", "file_name", "recorded_at", "rows", "accepted", "quarantined", "duplicates")
    return [dict(zip(keys, row, strict=True)) for row in await run_in_threadpool(read)]


@router.get(
    "/{feed}/quarantine", response_model=list[QuarantineRow], responses=ERRORS, summary="隔离的行 / quarantined lines"
)
async def quarantine(
    feed: Feed,
    request: Request,
    principal: Steward,
    batch_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[dict[str, Any]]:
    """本部门被隔离的行及原因（身份号码脱敏）。 / The feed's quarantined lines with reasons (ID numbers masked)."""
    _own_feed(principal, feed)
    service = service_of(request)

    def read() -> list[tuple[Any, ...]]:
        with service.reading() as engine:
            return engine.rows(
                "SELECT q.batch_id, q.file_name, q.line, q.column_name, q.value_masked, q.reason FROM quarantine q "
                "JOIN batches b USING (batch_id) WHERE b.feed = ? AND (? IS NULL OR q.batch_id = ?) "
                "ORDER BY q.batch_id DESC, q.line LIMIT ? OFFSET ?",
                [feed, batch_id, batch_id, limit, offset],
            )

    rows = []
    for batch, file_name, line, column, value, reason in await run_in_threadpool(read):
        zh, en = REASONS.get(reason, (reason, reason))
        rows.append(
            {
                "batch_id": batch,
                "file_name": file_name,
                "line": line,
                "column_name": column,
                "value_masked": value,
                "reason": reason,
                "reason_text": f"{zh} / {en}",
            }
        )
    return rows
