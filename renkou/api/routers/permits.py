"""Residence permit endpoints for clerks (居住证): check an application with its reasons, issue, endorse, restore a
suspended permit, replace, cancel (on departure too), record the suspensions of missed endorsements, one person's
permit status, and the due-endorsement and overdue lists of the clerk's districts.

The rules are the permit desk's (:class:`renkou.permits.desk.PermitDesk`), the same as ``renkou permit``'s: this
module only checks the caller, audits and shapes the answers.

A clerk acts for persons living in their own districts only (:func:`renkou.api.permissions.person_access` on the
district of residence); every read of a person's permit and every write is audited with the masked ID number and
the register's keyed subject id. Writes are the permit desk's (:class:`renkou.permits.desk.PermitDesk`): a form
loaded as a batch of one, so the register validates, chains and checks it like any department file; the write and
its audit entry share one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from renkou.api import audit
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request, forbidden, not_found
from renkou.api.models import StrictModel
from renkou.api.permissions import Action, Principal, person_access, requires
from renkou.api.service import Service
from renkou.errors import UserError

router = APIRouter(prefix="/api/permits", tags=["permits 居住证"])

Reader = Annotated[Principal, requires(Action.PERSON_READ)]
Writer = Annotated[Principal, requires(Action.PERSON_WRITE)]
District = Annotated[str | None, Query(pattern=r"^\d{6}$", description="区划代码 / district code")]
OnQuery = Annotated[date | None, Query(description="日期（默认今天） / date (default today)")]
IdNumber = Annotated[str, PathParam(min_length=1, max_length=24, description="公民身份号码 / citizen ID number")]
Basis = Literal["employment", "residence", "study"]
T = TypeVar("T")


@cache
def _rules() -> Any:
    from renkou.permits.rules import load_rules

    return load_rules()


@cache
def _calendar() -> Any:
    from renkou.disclosure.notices import load_calendar

    return load_calendar()


def _desk(service: Service) -> Any:
    from renkou.permits.desk import PermitDesk

    return PermitDesk(service.register, _rules(), _calendar(), today=service.today())


def _day(value: date | None, service: Service) -> date:
    return value or service.today()


class PersonBody(StrictModel):
    """A person named by the clerk, and the date of the act."""

    id_number: str = Field(min_length=1, max_length=24, description="公民身份号码 / citizen ID number")
    on: date | None = Field(default=None, description="业务日期（默认今天） / date of the act (default today)")


class ApplyBody(PersonBody):
    """An application: bases proved at the counter besides what the register shows; whether to record it."""

    basis: list[Basis] = Field(default_factory=list, max_length=3)
    record: bool = Field(default=False, description="符合条件时登记受理 / record the accepted application")


class IssueBody(PersonBody):
    """An issue: the acceptance date (default the issue date), the number (default numbered), declared bases."""

    accepted: date | None = None
    permit_no: str | None = Field(default=None, min_length=4, max_length=32, pattern=r"^[0-9A-Za-z-]+$")
    basis: list[Basis] = Field(default_factory=list, max_length=3)


class CancelBody(PersonBody):
    """A cancellation; ``departed`` when the holder has left the city (the residence registration ends too)."""

    departed: bool = Field(default=False, description="持证人已离开本市 / the holder has left the city")


class ReplaceBody(PersonBody):
    """A replacement (换领/补领): the new number (default numbered)."""

    permit_no: str | None = Field(default=None, min_length=4, max_length=32, pattern=r"^[0-9A-Za-z-]+$")


class SuspendBody(StrictModel):
    """A run recording the suspensions of missed endorsements in one of the clerk's districts (default: all)."""

    district: str | None = Field(default=None, pattern=r"^\d{6}$", description="区划代码 / district code")
    on: date | None = Field(default=None, description="业务日期（默认今天） / date (default today)")


class _Case:
    """One clerk's act on one person: the checks, the audit entries (refusals too) and the answer."""

    def __init__(self, service: Service, principal: Principal, request: Request, action: str, number: str) -> None:
        from renkou.api.persons import subject_key
        from renkou.ids import mask

        self.service, self.principal, self.request, self.action = service, principal, request, action
        self.number = number
        self.masked = mask(number)
        self.subject = subject_key(service.register.engine, service.register.keys, number)

    def log(self, outcome: str, detail: dict[str, Any] | None = None) -> None:
        event = event_for(
            self.principal,
            self.request,
            self.action,
            outcome=outcome,
            target=self.masked,
            subject_id=self.subject,
            detail=detail,
        )
        audit.append(self.service.register.engine, event, self.service.now())

    def check_district(self, on: date) -> str | None:
        """The person's district of residence on ``on``; refused (and audited) unless it is one of the clerk's."""
        from renkou.permits import records

        person = records.Person(self.number, self.masked)
        found = records.person_state(self.service.register, person, on)
        if found is None:
            self.log("not_found")
            raise not_found(f"登记库中没有 {self.masked}", f"{self.masked} is not in the register")
        district = found.residence_region if found.residence_in_city else None
        if not person_access(self.principal, [district]).full_identity:
            self.log("denied_district", {"district": district})
            raise forbidden(
                f"{self.masked} 不在您负责的区县居住，不能办理其居住证",
                f"{self.masked} does not live in your districts: you cannot handle this permit",
            )
        return district

    def run(self, on: date, work: Callable[[], T], detail: Callable[[T], dict[str, Any]]) -> T:
        """Check the district, do ``work`` and log it in one transaction; a refusal by the desk is logged too."""
        engine = self.service.register.engine
        district = self.check_district(on)
        try:
            with engine.transaction():
                result = work()
                self.log("ok", {"district": district, "on": on.isoformat(), **detail(result)})
        except UserError as error:
            self.log(error.code, {"district": district, "on": on.isoformat(), "reason": error.en})
            raise
        return result


def _number(text: str) -> str:
    from renkou.ids import InvalidCitizenID, parse_id

    try:
        return parse_id(text).number
    except InvalidCitizenID as error:
        raise bad_request("invalid_id", error.zh, error.en) from None


def state_json(state: Any) -> dict[str, Any]:
    """A permit state as JSON (the CLI's form)."""
    from renkou.permits.views import state_json as view

    return view(state)


def _conditions(eligibility: Any) -> list[dict[str, Any]]:
    return [
        {"key": c.key, "met": c.met, "source": c.source, "zh": c.text.zh, "en": c.text.en}
        for c in eligibility.conditions
    ]


@router.post("/apply", summary="审核居住证申领 / check a permit application")
async def apply(body: ApplyBody, request: Request, principal: Writer) -> dict[str, Any]:
    """逐项列出申领条件是否满足及原因；符合时给出制证期限，可登记受理。

    Check every condition of an application with its reason; when eligible, the issue deadline (and, with
    ``record``, the accepted application is recorded in the register).
    """
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        from renkou.permits.eligibility import Basis as B

        with service.database():
            case = _Case(service, principal, request, "permit.apply", number)
            on = _day(body.on, service)
            desk = _desk(service)
            bases = tuple(B(b) for b in body.basis)
            application = case.run(
                on,
                lambda: desk.apply(number, on, bases, record=body.record),
                lambda a: {"eligible": a.eligibility.eligible, "recorded": bool(a.batch_id)},
            )
        if application.batch_id:
            service.data_changed()
        deadline = application.deadline
        return {
            "id": application.person.masked,
            "on": on.isoformat(),
            "eligible": application.eligibility.eligible,
            "conditions": _conditions(application.eligibility),
            "issue_due": deadline.due.isoformat() if deadline else None,
            "issue_latest": deadline.latest.isoformat() if deadline else None,
            "recorded": bool(application.batch_id),
            "batch_id": application.batch_id,
        }

    return await run_in_threadpool(work)


@router.post("/issue", status_code=201, summary="签发居住证 / issue a permit")
async def issue(body: IssueBody, request: Request, principal: Writer) -> dict[str, Any]:
    """核对条件后签发（首次免费），写入登记库并记入审计日志。 / Check and issue (free of charge); recorded and audited."""
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        from renkou.permits.eligibility import Basis as B

        with service.database():
            case = _Case(service, principal, request, "permit.issue", number)
            on = _day(body.on, service)
            desk = _desk(service)
            issued = case.run(
                on,
                lambda: desk.issue(
                    number,
                    on,
                    accepted=body.accepted,
                    permit_no=body.permit_no,
                    declared=tuple(B(b) for b in body.basis),
                ),
                lambda i: {"permit_no": i.permit_no, "batch_id": i.batch_id, "late": i.late},
            )
        service.data_changed()
        return {
            "id": issued.person.masked,
            "permit_no": issued.permit_no,
            "batch_id": issued.batch_id,
            "fee": _rules().fees.first_issue,
            "late": issued.late,
            "issue_due": issued.deadline.due.isoformat(),
            "issue_latest": issued.deadline.latest.isoformat(),
            "state": state_json(issued.state),
        }

    return await run_in_threadpool(work)


@router.post("/endorse", summary="居住证签注 / endorse a permit")
async def endorse(body: PersonBody, request: Request, principal: Writer) -> dict[str, Any]:
    """办理年度签注；逾期补办则恢复使用功能，居住年限自当日起重新计算。

    The yearly endorsement; a late one restores the permit and the residence years count again from that day.
    """
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        with service.database():
            case = _Case(service, principal, request, "permit.endorse", number)
            on = _day(body.on, service)
            desk = _desk(service)
            endorsed = case.run(
                on, lambda: desk.endorse(number, on), lambda e: {"late": e.late, "batch_id": e.batch_id}
            )
        service.data_changed()
        return _endorsed_json(endorsed)

    return await run_in_threadpool(work)


def _endorsed_json(endorsed: Any) -> dict[str, Any]:
    return {
        "id": endorsed.person.masked,
        "late": endorsed.late,
        "batch_id": endorsed.batch_id,
        "before": state_json(endorsed.before),
        "state": state_json(endorsed.after),
    }


@router.post("/restore", summary="恢复中止的居住证 / restore a suspended permit")
async def restore(body: PersonBody, request: Request, principal: Writer) -> dict[str, Any]:
    """恢复因逾期未签注而中止的居住证（即逾期补办签注），居住年限自当日起重新计算；未中止的不能恢复。

    Restore a permit suspended for a missed endorsement: the late endorsement, after which the residence years count
    again from that day. A permit that is not suspended is refused.
    """
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        with service.database():
            case = _Case(service, principal, request, "permit.restore", number)
            on = _day(body.on, service)
            desk = _desk(service)
            restored = case.run(on, lambda: desk.restore(number, on), lambda e: {"batch_id": e.batch_id})
        service.data_changed()
        return _endorsed_json(restored)

    return await run_in_threadpool(work)


@router.post("/replace", summary="换领、补领居住证 / replace a permit")
async def replace(body: ReplaceBody, request: Request, principal: Writer) -> dict[str, Any]:
    """换领或补领（新证号），居住年限与签注期连续计算。 / Replace a lost or worn permit; the years go on."""
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        with service.database():
            case = _Case(service, principal, request, "permit.replace", number)
            on = _day(body.on, service)
            desk = _desk(service)
            replaced = case.run(
                on,
                lambda: desk.replace(number, on, permit_no=body.permit_no),
                lambda r: {"old_permit_no": r.old_no, "permit_no": r.state.permit_no, "batch_id": r.batch_id},
            )
        service.data_changed()
        return {
            "id": replaced.person.masked,
            "old_permit_no": replaced.old_no,
            "permit_no": replaced.state.permit_no,
            "batch_id": replaced.batch_id,
            "state": state_json(replaced.state),
        }

    return await run_in_threadpool(work)


@router.post("/cancel", summary="注销居住证 / cancel a permit")
async def cancel(body: CancelBody, request: Request, principal: Writer) -> dict[str, Any]:
    """注销居住证；持证人离开本市时（departed）同时注销居住登记。

    Cancel a permit; when the holder has left the city (``departed``) the residence registration ends too.
    """
    service = service_of(request)
    number = _number(body.id_number)

    def work() -> dict[str, Any]:
        with service.database():
            case = _Case(service, principal, request, "permit.cancel", number)
            on = _day(body.on, service)
            desk = _desk(service)
            cancelled = case.run(
                on,
                lambda: desk.cancel(number, on, departed=body.departed),
                lambda c: {"batch_id": c.batch_id, "departed": body.departed},
            )
        service.data_changed()
        return {
            "id": cancelled.person.masked,
            "departed": body.departed,
            "batch_id": cancelled.batch_id,
            "state": state_json(cancelled.state),
        }

    return await run_in_threadpool(work)


@router.post("/suspend", summary="登记逾期中止 / record the suspensions")
async def suspend(body: SuspendBody, request: Request, principal: Writer) -> dict[str, Any]:
    """将本人辖区内逾期未签注而中止的居住证登记为中止事件（已登记的不重复）。

    Record ``permit_suspended`` for the permits of one's districts suspended by a missed endorsement (each once).
    """
    service = service_of(request)
    chosen = _districts(principal, body.district)
    on = _day(body.on, service)

    def work() -> dict[str, Any]:
        desk = _desk(service)
        found: dict[str, Any] = {}
        with service.database() as engine:
            for district in chosen:
                detail = {"district": district, "on": on.isoformat()}
                try:
                    with engine.transaction():
                        done = desk.record_suspensions(on, district)
                        detail |= {"suspended": done.suspended, "recorded": done.recorded, "batch_id": done.batch_id}
                        event = event_for(principal, request, "permit.suspend_overdue", detail=detail)
                        audit.append(engine, event, service.now())
                except UserError as error:
                    event = event_for(principal, request, "permit.suspend_overdue", outcome=error.code, detail=detail)
                    audit.append(engine, event, service.now())
                    raise
                found[district] = {"suspended": done.suspended, "recorded": done.recorded, "batch_id": done.batch_id}
        if any(entry["recorded"] for entry in found.values()):
            service.data_changed()
        return {
            "on": on.isoformat(),
            "suspended": sum(entry["suspended"] for entry in found.values()),
            "recorded": sum(entry["recorded"] for entry in found.values()),
            "districts": found,
        }

    return await run_in_threadpool(work)


@router.get("/status/{id_number}", summary="某人的居住证状态 / one person's permit")
async def status(id_number: IdNumber, request: Request, principal: Reader, on: OnQuery = None) -> dict[str, Any]:
    """居住证状态、连续居住年限、下次签注期、可享受的服务与经历（本辖区居民）。

    A resident's permit: status, continuous years, next endorsement, services and history (own districts only).
    """
    service = service_of(request)
    number = _number(id_number)

    def read() -> dict[str, Any]:
        from renkou.permits.entitlements import load_table

        table = load_table(None)
        with service.database():
            case = _Case(service, principal, request, "permit.status", number)
            day = _day(on, service)
            district = case.check_district(day)
            found = _desk(service).status(number, day, table)
            case.log("ok", {"district": district, "on": day.isoformat()})
        granted = found.entitlements.granted if found.entitlements else ()
        upcoming = found.entitlements.upcoming if found.entitlements else ()
        return {
            "id": found.person.masked,
            "district": found.district,
            **state_json(found.state),
            "services": [{"key": s.key, "zh": s.zh, "en": s.en, "article": s.article} for s in granted],
            "upcoming_services": [{"key": s.key, "zh": s.zh, "en": s.en, "from": d.isoformat()} for s, d in upcoming],
        }

    return await run_in_threadpool(read)


def _districts(principal: Principal, district: str | None) -> list[str]:
    own = sorted(principal.districts)
    if district is None:
        if not own:
            raise forbidden("您的账户未绑定区县", "your account is bound to no district")
        return own
    if district not in principal.districts:
        raise forbidden(
            f"{district} 不是您负责的区县（{', '.join(own) or '无'}）",
            f"{district} is not one of your districts ({', '.join(own) or 'none'})",
        )
    return [district]


def _list(
    service: Service, principal: Principal, request: Request, kind: str, districts: list[str], on: date, within: int
) -> dict[str, Any]:
    from renkou.permits import lists

    calendar = _calendar()
    rows: list[dict[str, Any]] = []
    with service.database():
        for district in districts:
            holdings = lists.collect(service.register, on, _rules(), calendar, district)
            if kind == "due":
                horizon = calendar.add_working_days(on, within) if within else on
                chosen = lists.due(holdings, on, horizon)
            else:
                chosen = lists.overdue(holdings)
            rows.extend(lists.rows(service.register, chosen, on, calendar))
        # A list names persons (masked): the read is audited like a person's record, once per list.
        event = event_for(
            principal,
            request,
            f"permit.{kind}_list",
            detail={"districts": districts, "on": on.isoformat(), "count": len(rows)},
        )
        audit.append(service.register.engine, event, service.now())
    return {"on": on.isoformat(), "kind": kind, "total": len(rows), "districts": lists.by_district(rows)}


@router.get("/due", summary="待签注名单 / due for endorsement")
async def due(
    request: Request,
    principal: Reader,
    district: District = None,
    on: OnQuery = None,
    within: Annotated[int, Query(ge=0, le=60, description="N 个工作日内开始 / opening within N working days")] = 0,
) -> dict[str, Any]:
    """本人辖区内签注期已开始（或 N 个工作日内开始）的居住证（身份号码脱敏）。

    Permits of one's districts whose endorsement window is open, or opens within N working days (IDs masked).
    """
    service = service_of(request)
    chosen = _districts(principal, district)
    day = _day(on, service)
    answer = await run_in_threadpool(_list, service, principal, request, "due", chosen, day, within)
    answer["within_working_days"] = within
    return answer


@router.get("/overdue", summary="逾期未签注名单 / overdue")
async def overdue(request: Request, principal: Reader, district: District = None, on: OnQuery = None) -> dict[str, Any]:
    """本人辖区内逾期未签注、使用功能已中止的居住证（身份号码脱敏）。

    Permits of one's districts suspended for a missed endorsement (IDs masked).
    """
    service = service_of(request)
    chosen = _districts(principal, district)
    return await run_in_threadpool(_list, service, principal, request, "overdue", chosen, _day(on, service), 0)
