"""The audit log for auditors: search it and verify its chain. Searches are themselves audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api import audit, persons
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request
from renkou.api.models import AuditPage, AuditVerifyOut
from renkou.api.permissions import Action, Principal, requires
from renkou.ids import InvalidCitizenID, parse_id

router = APIRouter(prefix="/api/audit", tags=["audit 审计"])

Auditor = Annotated[Principal, requires(Action.AUDIT_READ)]
Word = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


@router.get("", response_model=AuditPage, responses={400: {"description": "bad parameter"}}, summary="查询 / search")
async def search(
    request: Request,
    principal: Auditor,
    actor: Word = None,
    action: Word = None,
    outcome: Word = None,
    id_number: Annotated[str | None, Query(max_length=24, description="人员身份号码 / a person's ID number")] = None,
    since: Annotated[datetime | None, Query(description="起 / from (UTC)")] = None,
    until: Annotated[datetime | None, Query(description="止 / until (UTC, exclusive)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """按操作人、操作、结果、人员、时间查询审计日志（最新的在前）。

    Search the audit log by actor, action, outcome, person and time, newest first.
    """
    service = service_of(request)
    number = None
    if id_number:
        try:
            number = parse_id(id_number).number
        except InvalidCitizenID as error:
            raise bad_request("invalid_id", error.zh, error.en) from None

    def read() -> tuple[int, list[dict[str, Any]]]:
        with service.reading() as engine:
            subject = persons.subject_key(engine, service.register.keys, number) if number else None
            query = audit.AuditQuery(
                actor=actor,
                action=action,
                outcome=outcome,
                subject_id=subject,
                since=since.replace(tzinfo=None) if since else None,
                until=until.replace(tzinfo=None) if until else None,
                limit=limit,
                offset=offset,
            )
            found = audit.search(engine, query)
        filters = {k: v for k, v in (("actor", actor), ("action", action), ("outcome", outcome)) if v}
        detail = {"filters": filters, "by_person": subject is not None, "matches": found[0]}
        service.record(event_for(principal, request, "audit.search", subject_id=subject, detail=detail))
        return found

    total, entries = await run_in_threadpool(read)
    return {"total": total, "entries": entries}


@router.get("/verify", response_model=AuditVerifyOut, summary="校验审计链 / verify the chain")
async def verify(request: Request, principal: Auditor) -> dict[str, Any]:
    """重新计算审计日志的哈希链。 / Recompute the audit log's hash chain."""
    service = service_of(request)

    def run() -> audit.AuditVerifyResult:
        with service.reading() as engine:
            return audit.verify_audit(engine)

    result = await run_in_threadpool(run)
    return {
        "ok": result.ok,
        "entries": result.entries,
        "head_hash": result.head_hash,
        "message": result.message,
        "first_broken_seq": result.first_broken_seq,
    }
