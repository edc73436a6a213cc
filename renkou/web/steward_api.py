"""The department steward's endpoints: upload the feed's periodic file, and read the cross-department findings
(比对) its batches raised. The loaded files and quarantined lines are the API's (``/api/feeds/{feed}/...``).

An upload is ingested exactly as ``renkou ingest`` would (:meth:`renkou.register.store.Register.ingest`, with the
steward's feed named, so a file of another department is refused by its header), and audited in the same
transaction. The same file sent twice changes nothing (ingest keeps each file's checksum).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from renkou.api import audit
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request, forbidden
from renkou.api.permissions import Action, Principal, may_read_feed, requires
from renkou.api.service import Service
from renkou.register.findings import KINDS_ZH
from renkou.register.reasons import REASONS
from renkou.web import upload_warnings

router = APIRouter(tags=["web 网页"])

MAX_UPLOAD_BYTES = 2 << 30  # 2 GiB: a year of a large department's events; larger deliveries go through the CLI
CHUNK = 1 << 20
SUFFIXES = (".csv", ".txt", ".xlsx", ".jsonl", ".ndjson", ".json", ".parquet")
Feed = Annotated[str, PathParam(min_length=1, max_length=32, pattern=r"^[a-z_]+$", description="数据源 / feed")]


def safe_file_name(name: str | None) -> str:
    """The uploaded file's base name with anything but letters, digits, CJK, ``.``, ``-`` and ``_`` replaced.

    The name is kept in the register (``batches.file_name``) and shown to the steward; the path is never used.
    """
    base = Path((name or "").replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-\u4e00-\u9fff]", "_", base).lstrip(".")[:120]
    return cleaned or "upload.csv"


def _own_feed(principal: Principal, feed: str) -> None:
    if not may_read_feed(principal, feed):
        raise forbidden(
            f"您只能查看本部门的数据源（{principal.feed}）", f"you may read only your own feed ({principal.feed})"
        )


@router.post(
    "/web/api/feeds/upload",
    status_code=201,
    responses={
        200: {"description": "the same file was loaded before: nothing changed"},
        400: {"description": "the file was refused as a whole (header, format, size)"},
        403: {"description": "not a steward"},
    },
    summary="上传本部门数据文件 / upload the feed's file",
)
async def upload(
    request: Request,
    principal: Annotated[Principal, requires(Action.FEED_UPLOAD)],
    file: Annotated[UploadFile, File(description="部门数据文件 / department file (CSV, XLSX, JSON lines, Parquet)")],
) -> JSONResponse:
    """载入本部门的数据文件：逐行校验，坏行隔离并说明原因，跨部门比对；返回接收、隔离、重复行数。

    Load the feed's file: every row validated, bad rows quarantined with reasons, cross-department checks run;
    returns the accepted, quarantined and duplicate counts.
    """
    if not principal.feed:
        raise forbidden("您的账户未绑定数据源", "your account is not bound to a feed")
    name = safe_file_name(file.filename)
    if not name.lower().endswith(SUFFIXES):
        raise bad_request(
            "file_type",
            f"文件 {name}：不支持的文件类型（可用 {', '.join(SUFFIXES)}）",
            f"file {name}: unsupported file type (use {', '.join(SUFFIXES)})",
        )
    service = service_of(request)
    with tempfile.TemporaryDirectory(prefix="renkou-upload-") as folder:
        path = Path(folder) / name
        size = 0
        with path.open("wb") as handle:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise bad_request(
                        "file_too_large",
                        f"文件 {name} 超过 {MAX_UPLOAD_BYTES >> 30} GiB，请用命令行 renkou ingest 载入",
                        f"file {name} exceeds {MAX_UPLOAD_BYTES >> 30} GiB: load it with renkou ingest",
                    )
                handle.write(chunk)
        summary = await run_in_threadpool(_ingest, service, principal, request, path)
    status = {"loaded": 201, "already_loaded": 200}.get(str(summary["status"]), 400)
    if status == 400:
        message = str(summary.get("message") or "")
        zh, _, en = message.partition(" / ")
        summary["error"] = {"code": "file_rejected", "zh": f"文件 {name}：{zh}", "en": f"file {name}: {en or zh}"}
    return JSONResponse(summary, status_code=status)


def _ingest(service: Service, principal: Principal, request: Request, path: Path) -> dict[str, Any]:
    now = service.now()
    with service.database() as engine, engine.transaction():
        result = service.register.ingest([path], feed=principal.feed, today=now.date())[0]
        summary = result.to_json()
        summary["file"] = path.name  # the temporary folder means nothing to the steward
        summary["reason_texts"] = {code: REASONS.get(code, (code, code)) for code in result.reasons}
        summary["finding_texts"] = {kind: KINDS_ZH.get(kind, (kind, kind)) for kind in result.findings}
        detail = {
            key: summary[key]
            for key in ("feed", "status", "batch_id", "rows", "accepted", "quarantined", "duplicates", "findings")
        }
        event = event_for(principal, request, "feed.upload", outcome=result.status, target=path.name, detail=detail)
        audit.append(engine, event, now)
    if result.accepted:
        service.data_changed()
        if result.batch_id is not None:
            upload_warnings.start(service, int(result.batch_id))
    return summary


@router.get(
    "/web/api/feeds/{feed}/findings",
    responses={403: {"description": "not this steward's feed"}},
    summary="比对发现 / cross-department findings",
)
async def findings(
    feed: Feed,
    request: Request,
    principal: Annotated[Principal, requires(Action.FEED_READ)],
    batch_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """本部门文件引发的跨部门比对发现（不含身份信息），最新的在前。

    Cross-department findings raised by the feed's files (no identities), newest first.
    """
    _own_feed(principal, feed)
    service = service_of(request)

    def read() -> tuple[int, list[tuple[Any, ...]]]:
        where = "WHERE b.feed = ? AND (? IS NULL OR f.batch_id = ?)"
        params: list[Any] = [feed, batch_id, batch_id]
        with service.database() as engine:
            total = int(
                engine.scalar(f"SELECT count(*) FROM findings f JOIN batches b USING (batch_id) {where}", params)
            )
            rows = engine.rows(
                "SELECT f.finding_id, f.batch_id, b.file_name, f.kind, f.event_id, e.record_no, f.occurred_on, "
                f"f.detail, f.found_at FROM findings f JOIN batches b USING (batch_id) "
                f"LEFT JOIN events e ON e.event_id = f.event_id {where} "
                "ORDER BY f.finding_id DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        return total, rows

    total, rows = await run_in_threadpool(read)
    keys = ("finding_id", "batch_id", "file_name", "kind", "event_id", "record_no", "occurred_on", "detail", "found_at")
    entries = []
    for row in rows:
        entry = dict(zip(keys, row, strict=True))
        zh, en = KINDS_ZH.get(entry["kind"], (entry["kind"], entry["kind"]))
        entry["kind_zh"], entry["kind_en"] = zh, en
        entries.append(entry)
    return {"feed": feed, "total": total, "findings": entries}
