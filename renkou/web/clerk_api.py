"""The clerk's workbench endpoints: record an event through a form (a batch of one), list the forms, list one's own
recent entries.

A form becomes a one-row department file of its feed, ingested by the register the service holds
(:meth:`renkou.register.store.Register.ingest`): the same validation, quarantine, hash chain and cross-department
checks as any department file. The write and its audit entry share one transaction. A clerk records events only in
their own districts: for a new person (birth, move-in, first permit) the form's district must be theirs; for a
person already in the register (death, move-out, permit renewal or cancellation) the person must belong to one of
their districts (:func:`renkou.api.permissions.person_access`).
"""

from __future__ import annotations

import csv
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import Field

from renkou.api import audit, persons
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request, forbidden, not_found
from renkou.api.models import StrictModel
from renkou.api.permissions import Action, Principal, person_access, requires
from renkou.api.service import Service
from renkou.engine import Engine
from renkou.ids import InvalidCitizenID, mask, parse_id
from renkou.register.findings import KINDS_ZH
from renkou.register.ingest import BatchSummary
from renkou.register.reasons import REASONS
from renkou.web import clerk_forms
from renkou.web.clerk_forms import FormSpec
from renkou.web.templating import request_lang

router = APIRouter(tags=["web 网页"])

Writer = Annotated[Principal, requires(Action.PERSON_WRITE)]
AUDIT_ACTION = "person.write"


class EventForm(StrictModel):
    """One event recorded at the desk: the event type and the form's fields (column -> text)."""

    event_type: str = Field(max_length=32, description="事件类型 / event type, e.g. hukou_in")
    values: dict[str, str | int] = Field(max_length=32, description="字段 / fields (column name -> value)")


@dataclass(frozen=True)
class Outcome:
    """What the desk tells the clerk: HTTP status and body."""

    status: int
    body: dict[str, Any]


def new_record_no(now: datetime) -> str:
    """A record number for a desk form: time and randomness, nothing personal."""
    return f"W{now:%Y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


def write_one_row_file(folder: Path, row: dict[str, str]) -> Path:
    """The department file of one form: UTF-8 CSV, English column names, one data row."""
    path = folder / f"desk-{row['event_type']}-{row['record_no']}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


@router.get(
    "/web/api/events/forms",
    summary="窗口登记表单 / the desk's event forms",
)
async def forms(request: Request, principal: Writer) -> dict[str, Any]:
    """窗口可登记的事件及其字段（代码表、必填项）。 / The events a desk records, with fields, code lists, required marks."""
    return {"forms": clerk_forms.form_view(request_lang(request)), "districts": list(principal.districts)}


@router.post(
    "/web/api/events",
    status_code=201,
    responses={
        400: {"description": "bad form (unknown field, missing value, invalid ID number)"},
        403: {"description": "not a clerk, or not one of the clerk's districts"},
        404: {"description": "the person is not in the register"},
        409: {"description": "the same event is already in the register"},
        422: {"description": "the row was quarantined by ingest (reasons in the body)"},
    },
    summary="登记一个事件 / record an event",
)
async def record_event(body: EventForm, request: Request, principal: Writer) -> JSONResponse:
    """以一行部门文件的形式入库（与批量入库相同的校验、隔离、哈希链和比对），并记入审计日志。

    Record an event as a one-row department file (the same validation, quarantine, hash chain and cross-department
    checks as any file), audited in the same transaction.
    """
    spec = clerk_forms.form_spec(body.event_type)
    cleaned = clerk_forms.clean_values(spec, body.values)
    service = service_of(request)
    outcome = await run_in_threadpool(_record, service, principal, request, spec, cleaned)
    return JSONResponse(outcome.body, status_code=outcome.status)


def _record(
    service: Service, principal: Principal, request: Request, spec: FormSpec, cleaned: dict[str, str]
) -> Outcome:
    now = service.now()
    masked = mask(cleaned["id_number"])
    with service.database() as engine:
        desk = _Desk(engine, service, principal, request, spec, masked)
        number = desk.checked_number(cleaned)
        record = persons.find(engine, service.register.keys, number, now.date()) if number else None
        subject = persons.subject_key(engine, service.register.keys, number) if number else None
        desk.check_district(cleaned, record, subject)
        if record is not None and clerk_forms.repeats(spec, cleaned, record.events):
            desk.log("duplicate", subject)
            return _duplicate(spec, masked)
        row = clerk_forms.department_row(spec, cleaned, new_record_no(now))
        with tempfile.TemporaryDirectory(prefix="renkou-desk-") as folder:
            path = write_one_row_file(Path(folder), row)
            with engine.transaction():
                summary = service.register.ingest([path], feed=spec.feed, today=now.date())[0]
                outcome = _outcome(engine, summary, spec, row["record_no"], masked)
                if subject is None and summary.accepted and number:
                    subject = persons.subject_key(engine, service.register.keys, number)
                detail = {"batch_id": summary.batch_id, "record_no": row["record_no"], "reasons": summary.reasons}
                desk.log(outcome.body["status"], subject, detail)
    if summary.accepted:
        service.data_changed()
    return outcome


class _Desk:
    """The checks a desk makes before ingesting a form, each refusal audited."""

    def __init__(
        self, engine: Engine, service: Service, principal: Principal, request: Request, spec: FormSpec, masked: str
    ) -> None:
        self.engine, self.service, self.principal, self.request = engine, service, principal, request
        self.spec, self.masked = spec, masked

    def log(self, outcome: str, subject: str | None, detail: dict[str, Any] | None = None) -> None:
        """Append the audit entry of this form (written, or refused and why)."""
        event = event_for(
            self.principal,
            self.request,
            AUDIT_ACTION,
            outcome=outcome,
            target=self.masked,
            subject_id=subject,
            detail={"event_type": self.spec.event_type, "status": outcome, **(detail or {})},
        )
        audit.append(self.engine, event, self.service.now())

    def checked_number(self, cleaned: dict[str, str]) -> str | None:
        """The normalised ID number; for an event of a known person an invalid number is refused here, for a new
        person it is left to ingest (which quarantines the row with its reason)."""
        try:
            return parse_id(cleaned["id_number"]).number
        except InvalidCitizenID as error:
            if self.spec.new_person:
                return None
            raise bad_request("invalid_id", f"id_number：{error.zh}", f"id_number: {error.en}") from None

    def check_district(self, cleaned: dict[str, str], record: persons.PersonRecord | None, subject: str | None) -> None:
        """Refuse unless the event is in one of the clerk's districts (see the module docstring)."""
        districts = self.principal.districts
        if self.spec.new_person:
            assert self.spec.district_field is not None
            field = self.spec.district_field
            district = cleaned.get(field, "")
            if district not in districts:
                self.log("denied_district", subject)
                raise forbidden(
                    f"{field}：{district} 不是您负责的区县（{', '.join(sorted(districts)) or '无'}）",
                    f"{field}: {district} is not one of your districts ({', '.join(sorted(districts)) or 'none'})",
                )
            return
        if record is None:
            self.log("not_found", subject)
            raise not_found(f"登记库中没有 {self.masked}", f"{self.masked} is not in the register")
        if not person_access(self.principal, record.districts).full_identity:
            self.log("denied_district", subject)
            raise forbidden(
                f"{self.masked} 不在您负责的区县，不能为其登记事件",
                f"{self.masked} is not in your districts: you cannot record events for this person",
            )


def _duplicate(spec: FormSpec, masked: str) -> Outcome:
    error = {"code": "duplicate", "zh": "登记库中已有相同的事件", "en": "the same event is already in the register"}
    body = {"event_type": spec.event_type, "feed": spec.feed, "id_number": masked, "batch_id": None}
    return Outcome(409, {**body, "record_no": None, "status": "duplicate", "error": error})


def _outcome(engine: Engine, summary: BatchSummary, spec: FormSpec, record_no: str, masked: str) -> Outcome:
    """The clerk's answer: recorded (201), quarantined with reasons (422), a duplicate (409) or a rejected file."""
    base: dict[str, Any] = {
        "event_type": spec.event_type,
        "feed": spec.feed,
        "record_no": record_no,
        "id_number": masked,
        "batch_id": summary.batch_id,
    }
    if summary.accepted:
        return Outcome(201, {**base, "status": "recorded", "findings": _findings(engine, summary.batch_id)})
    if summary.quarantined:
        rows = engine.rows(
            "SELECT column_name, value_masked, reason FROM quarantine WHERE batch_id = ? ORDER BY line",
            [summary.batch_id],
        )
        reasons = [
            {
                "code": reason,
                "column": column,
                "value": value,
                "zh": REASONS.get(reason, (reason, reason))[0],
                "en": REASONS.get(reason, (reason, reason))[1],
            }
            for column, value, reason in rows
        ]
        first = reasons[0] if reasons else {"column": None, "zh": "", "en": ""}
        where = f"{first['column']}：" if first["column"] else ""
        where_en = f"{first['column']}: " if first["column"] else ""
        error = {
            "code": "quarantined",
            "zh": f"{where}{first['zh']}（已隔离）",
            "en": f"{where_en}{first['en']} (quarantined)",
        }
        return Outcome(422, {**base, "status": "quarantined", "error": error, "reasons": reasons})
    if summary.duplicates:
        error = {"code": "duplicate", "zh": "登记库中已有相同的事件", "en": "the same event is already in the register"}
        return Outcome(409, {**base, "status": "duplicate", "error": error})
    message = summary.message or "rejected"
    return Outcome(400, {**base, "status": "rejected", "error": {"code": "rejected", "zh": message, "en": message}})


def _findings(engine: Engine, batch_id: int | None) -> list[dict[str, Any]]:
    rows = engine.rows("SELECT kind, detail FROM findings WHERE batch_id = ? ORDER BY finding_id", [batch_id])
    return [
        {"kind": kind, "zh": KINDS_ZH.get(kind, (kind, kind))[0], "en": KINDS_ZH.get(kind, (kind, kind))[1]}
        for kind, _detail in rows
    ]


@router.get("/web/api/workbench/recent", summary="本人最近的登记 / my recent entries")
async def recent(
    request: Request,
    principal: Annotated[Principal, requires(Action.PERSON_WRITE)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """本人最近通过表单登记的事件（身份号码脱敏）。 / The events this clerk recorded lately (ID numbers masked)."""
    service = service_of(request)

    def read() -> list[dict[str, Any]]:
        with service.database() as engine:
            query = audit.AuditQuery(actor=principal.username, action=AUDIT_ACTION, limit=limit)
            return audit.search(engine, query)[1]

    entries = await run_in_threadpool(read)
    return {
        "entries": [
            {
                "logged_at": entry["logged_at"],
                "id_number": entry["target"],
                "event_type": entry["detail"].get("event_type"),
                "status": entry["outcome"],
                "batch_id": entry["detail"].get("batch_id"),
                "record_no": entry["detail"].get("record_no"),
            }
            for entry in entries
        ]
    }
