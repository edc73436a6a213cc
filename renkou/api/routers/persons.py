"""A person's record for clerks, every read audited.

A clerk of the person's district (hukou or residence) sees the full ID number and name; any other clerk must state a
reason and sees them masked. Reads that are refused for want of a reason, and look-ups of unknown numbers, are
audited too. The audit log keeps the masked number and the register's keyed subject id, never the full number.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from renkou.api import audit, persons
from renkou.api.context import event_for, service_of
from renkou.api.errors import ApiError, bad_request, not_found
from renkou.api.models import PersonOut
from renkou.api.permissions import Action, Principal, person_access, requires
from renkou.ids import InvalidCitizenID, mask, parse_id

router = APIRouter(prefix="/api/persons", tags=["persons 人员"])

IdNumber = Annotated[str, Path(min_length=1, max_length=24, description="公民身份号码 / citizen ID number")]
Reason = Annotated[
    str | None,
    Query(max_length=200, description="查询本辖区以外人员的理由 / reason, required outside one's districts"),
]
MIN_REASON = 4  # characters: "核查" alone says nothing; a case number or a sentence does


@router.get(
    "/{id_number}",
    response_model=PersonOut,
    responses={
        400: {"description": "invalid ID number"},
        403: {"description": "not a clerk, or a reason is required"},
        404: {"description": "not in the register"},
    },
    summary="按身份号码查询人员 / a person by ID number",
)
async def person(
    id_number: IdNumber,
    request: Request,
    principal: Annotated[Principal, requires(Action.PERSON_READ)],
    reason: Reason = None,
) -> dict[str, Any]:
    """人员当前状态与事件历史。本辖区人员显示完整身份信息；查询辖区外人员须说明理由，身份信息脱敏。

    A person's current state and history of events. Full identity for a clerk of the person's district; outside
    one's districts a reason is required and the identity is masked. Every read is audited.
    """
    service = service_of(request)
    try:
        number = parse_id(id_number).number
    except InvalidCitizenID as error:
        raise bad_request("invalid_id", error.zh, error.en) from None
    stated = (reason or "").strip() or None

    def read() -> dict[str, Any]:
        now = service.now()
        with service.reading() as engine:  # the scan of the events may take a while: no lock held
            record = persons.find(engine, service.register.keys, number, service.today())
            subject = persons.subject_key(engine, service.register.keys, number)

        def log(outcome: str, detail: dict[str, Any] | None = None) -> None:
            event = event_for(
                principal,
                request,
                "person.read",
                outcome=outcome,
                target=mask(number),
                subject_id=subject,
                reason=stated,
                detail=detail,
            )
            with service.database() as engine:
                audit.append(engine, event, now)

        if record is None:
            log("not_found")
            raise not_found(f"登记库中没有 {mask(number)}", f"{mask(number)} is not in the register")
        access = person_access(principal, record.districts)
        detail = {"in_district": access.full_identity, "person_districts": list(record.districts)}
        if access.reason_required and (stated is None or len(stated) < MIN_REASON):
            log("denied_no_reason", detail)
            raise ApiError(
                403,
                "reason_required",
                f"该人员不在您的辖区，请在 reason 参数中说明查询理由（至少 {MIN_REASON} 个字）",
                f"this person is outside your districts: state why in the reason parameter "
                f"(at least {MIN_REASON} characters)",
            )
        log("ok", detail)  # logged before the record leaves the service
        return persons.present(record, access.full_identity)

    return await run_in_threadpool(read)
