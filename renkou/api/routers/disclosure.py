"""Government information disclosure in the service: the officer's requests, replies, fees, letters, publication
register and annual report (``disclosure.manage``), and the public's online filing and status look-up
(``disclosure.file``: anyone, but a request's status only with its number and the secret given at filing).

Everything goes through :class:`renkou.disclosure.officer.Desk` on the service's database, under its lock, and every
write and every read of an applicant's full details is in the audit log. Lists show applicants masked; the request
page gives the officer the full details (audited), as the officer handling the request needs them to reply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from renkou.api.context import client_of, service_of
from renkou.api.errors import ApiError, bad_request, not_found
from renkou.api.permissions import Action, Principal, requires
from renkou.api.service import Service
from renkou.disclosure.store import Actor, DisclosureStore
from renkou.disclosure.text import DisclosureError

router = APIRouter(prefix="/api/disclosure", tags=["disclosure 政府信息公开"])

Officer = Annotated[Principal, requires(Action.DISCLOSURE_MANAGE)]
Anyone = Annotated[Principal, requires(Action.DISCLOSURE_FILE)]
RequestNo = Annotated[str, Path(pattern=r"^\d{4}-\d{4,6}$", description="申请编号 / request number")]
Lang = Annotated[Literal["zh", "en"], Query(description="语言 / language")]
T = TypeVar("T")
_setup_lock = threading.Lock()


# --- plumbing ----------------------------------------------------------------------------------------------------
def _resources(service: Service) -> tuple[Any, Any, Any]:
    """(sealer, calendar, fee schedule) of the service, made once."""
    cached = getattr(service, "_disclosure_resources", None)
    if cached is None:
        with _setup_lock:
            cached = getattr(service, "_disclosure_resources", None)
            if cached is None:
                from renkou.disclosure.applicants import Sealer
                from renkou.disclosure.fee_rules import load_fee_schedule
                from renkou.disclosure.notices import load_calendar
                from renkou.disclosure.store import ensure_schema

                keys = service.register.keys
                with service.database() as engine:
                    ensure_schema(engine)
                cached = (
                    Sealer.from_register_keys(keys.identity, keys.pseudonym),
                    load_calendar(),
                    load_fee_schedule(),
                )
                # Kept on the service itself: its ``cache`` dict is cleared whenever the register changes.
                service._disclosure_resources = cached  # type: ignore[attr-defined]
    return cached


@contextmanager
def desk_of(service: Service) -> Iterator[Any]:
    """The officer's desk on the service's database, under its lock."""
    from renkou.disclosure.officer import Desk

    sealer, calendar, schedule = _resources(service)
    with service.database() as engine:
        store = DisclosureStore(engine, sealer, clock=service.now, ensure=False)
        yield Desk(store, calendar, schedule)


def actor_of(principal: Principal, request: Request) -> Actor:
    """The audit actor for a principal's request."""
    return Actor(principal.username, principal.role.value, client_of(request), principal.via)


async def run(service: Service, work: Callable[[Any], T]) -> T:
    """Run ``work(desk)`` in a worker thread; disclosure errors become the API's errors (unknown number: 404)."""

    def call() -> T:
        with desk_of(service) as desk:
            return work(desk)

    try:
        return await run_in_threadpool(call)
    except DisclosureError as error:
        if error.code == "not_found":
            raise not_found(error.zh, error.en) from None
        raise bad_request(error.code, error.zh, error.en) from None


def _throttle(service: Service, client: str | None) -> None:
    """Refuse a client's filing beyond :data:`FILINGS_PER_HOUR` in the last hour (kept in memory: a restart forgets)."""
    from datetime import timedelta

    now = service.now()
    with _setup_lock:
        recent: dict[str | None, list[Any]] = getattr(service, "_disclosure_filings", None) or {}
        service._disclosure_filings = recent  # type: ignore[attr-defined]
        times = [t for t in recent.get(client, []) if now - t < timedelta(hours=1)]
        if len(times) >= FILINGS_PER_HOUR:
            raise ApiError(
                429,
                "too_many_requests",
                f"同一地址一小时内最多网上提交 {FILINGS_PER_HOUR} 件申请，请稍后再试或到窗口提交",
                f"at most {FILINGS_PER_HOUR} online requests an hour from one address: try later or file in person",
            )
        recent[client] = [*times, now]


# --- models ------------------------------------------------------------------------------------------------------
class ApplicantIn(BaseModel):
    """The applicant as the form gives it."""

    kind: Literal["person", "business", "research", "nonprofit", "legal_service", "other_org"] = "person"
    name: str = Field(min_length=1, max_length=200)
    id_type: str = Field("居民身份证", min_length=1, max_length=40)
    id_number: str = Field(min_length=1, max_length=64)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=200)
    address: str = Field("", max_length=300)


class FileIn(BaseModel):
    """An online request from the public."""

    applicant: ApplicantIn
    description: str = Field(min_length=1, max_length=4000)
    form_wanted: Literal["paper", "electronic"] = "electronic"
    medium: Literal["pickup", "mail", "email", "fax", "online"] = "email"


class LogIn(FileIn):
    """A request the officer logs (in person, mail, ordinary mail, fax or online), with the art. 31 days."""

    channel: Literal["in_person", "mail", "ordinary_mail", "online", "fax"]
    submitted: date | None = None
    signed_for: date | None = None
    arrived: date | None = None
    confirmed: date | None = None


class StatusIn(BaseModel):
    """The public's look-up of its own request."""

    request_no: str = Field(min_length=6, max_length=12)
    secret: str = Field(min_length=6, max_length=64)


class EventIn(BaseModel):
    """An event the officer records; the fields each kind needs are checked by the domain code."""

    kind: Literal[
        "confirm",
        "correction_requested",
        "correction_received",
        "extension_approved",
        "consultation_started",
        "consultation_ended",
        "fee_paid",
        "withdrawn",
    ]
    on: date
    days: int | None = Field(None, ge=1, le=60)
    items: str = Field("", max_length=2000)
    approved_by: str = Field("", max_length=100)
    party: str = Field("", max_length=200)
    agency: bool = False
    replied: bool = True


class ReplyIn(BaseModel):
    """The reply decision."""

    kind: Literal[
        "already_public",
        "provided",
        "partially_provided",
        "not_disclosed",
        "does_not_exist",
        "not_held",
        "repeated",
        "special_channel",
        "needs_processing",
        "not_a_request",
        "unreasonable_volume",
    ]
    on: date
    where: str = Field("", max_length=1000)
    grounds: list[
        Literal[
            "state_secret",
            "law_prohibits",
            "security_stability",
            "third_party_rights",
            "internal_affairs",
            "process_information",
            "enforcement_files",
        ]
    ] = Field(default_factory=list, max_length=7)
    reason: str = Field("", max_length=2000)
    referral: str = Field("", max_length=500)
    previous_reply: str = Field("", max_length=200)
    note: str = Field("", max_length=4000)


class FeeIn(BaseModel):
    """A fee notice: by count (the request's number this month comes from the store) or by pages."""

    method: Literal["count", "pages"]
    on: date
    pages: int | None = Field(None, ge=0, le=1_000_000)
    applicant_received: date | None = None


class PublicationIn(BaseModel):
    """An item of the proactive publication register."""

    title: str = Field(min_length=1, max_length=300)
    category: Literal["statistics", "report", "regulation", "normative_document", "plan", "procedure", "other"]
    source: str = Field("", max_length=200)
    formed_on: date
    published_on: date
    location: str = Field("", max_length=500)


class AppealIn(BaseModel):
    """An administrative review or lawsuit about a disclosure decision (annual report table 4)."""

    kind: Literal["review", "lawsuit_direct", "lawsuit_after_review"]
    filed_on: date
    outcome: Literal["maintained", "corrected", "other", "pending"] = "pending"
    decided_on: date | None = None
    request_no: str | None = Field(None, pattern=r"^\d{4}-\d{4,6}$")


class DecisionIn(BaseModel):
    """The decision of a pending review or lawsuit."""

    outcome: Literal["maintained", "corrected", "other"]
    decided_on: date


# --- the public ----------------------------------------------------------------------------------------------------
@router.post(
    "/public/requests",
    status_code=201,
    responses={400: {"description": "incomplete or invalid request"}, 429: {"description": "too many filings"}},
    summary="网上提交政府信息公开申请 / file a disclosure request online",
)
async def file_online(request: Request, principal: Anyone, body: FileIn) -> dict[str, Any]:
    """网上提交申请。收到申请之日为双方确认之日（条例第三十一条第三项）：本机关确认后开始计算答复期限。返回申请编号和查询密码（只显示一次）。

    File a request online. It counts as received on the day both sides confirm (art. 31(3)); the answer period runs
    from the office's confirmation. Returns the request number and the status secret (shown once).
    """
    from renkou.disclosure.applicants import Applicant, ApplicantKind
    from renkou.disclosure.receipt import RECEIPT_RULES, Channel
    from renkou.disclosure.store import RequestDetails

    service = service_of(request)
    actor = actor_of(principal, request)
    _throttle(service, actor.client)

    def work(desk: Any) -> dict[str, Any]:
        applicant = Applicant(ApplicantKind(body.applicant.kind), **body.applicant.model_dump(exclude={"kind"}))
        details = RequestDetails(body.description, body.form_wanted, body.medium)
        filed = desk.store.file(actor, applicant, details, Channel.ONLINE, service.today())
        rule = RECEIPT_RULES[Channel.ONLINE]
        return {
            "request_no": filed.request_no,
            "secret": filed.secret,
            "filed_on": service.today().isoformat(),
            "receipt_rule": {"zh": rule.zh, "en": rule.en},
        }

    return await run(service, work)


@router.post(
    "/public/status",
    responses={404: {"description": "no request with this number and secret"}},
    summary="查询本人申请的办理状态 / the status of one's own request",
)
async def public_status(request: Request, principal: Anyone, body: StatusIn, lang: Lang = "zh") -> dict[str, Any]:
    """凭申请编号和查询密码查看本人申请的状态（不含任何其他信息）。

    The status of one's own request, by its number and secret (nothing else is shown). A wrong secret and an
    unknown number get the same answer.
    """
    from renkou.disclosure.views import public_view, request_view

    service = service_of(request)

    def work(desk: Any) -> dict[str, Any]:
        number = body.request_no.strip()
        if not desk.store.check_secret(number, body.secret):
            raise DisclosureError(
                "申请编号或查询密码不正确", "request number or secret is not correct", code="not_found"
            )
        view = request_view(desk.store.get(number), desk.calendar, desk.schedule, service.today())
        return public_view(view, lang)

    return await run(service, work)


# --- the officer ---------------------------------------------------------------------------------------------------
@router.get("/requests", summary="申请列表（按期限）/ requests by due date")
async def list_requests(request: Request, principal: Officer, lang: Lang = "zh") -> list[dict[str, Any]]:
    """全部申请，按下一期限排列，标出逾期和临近期限的；申请人信息脱敏。

    Every request, by next due date, with overdue and near-due flags; applicants masked.
    """
    from renkou.disclosure.views import sort_for_officer

    service = service_of(request)
    return await run(service, lambda desk: [v.to_json(lang) for v in sort_for_officer(desk.views(service.today()))])


@router.post("/requests", status_code=201, summary="登记申请 / log a request")
async def log_request(request: Request, principal: Officer, body: LogIn) -> dict[str, Any]:
    """登记当面、邮寄、传真或网上申请；按渠道确定收到申请之日（条例第三十一条）。

    Log a request received in person, by mail, fax or online; the receipt day follows art. 31 for the channel.
    """
    from renkou.disclosure.applicants import Applicant, ApplicantKind
    from renkou.disclosure.receipt import Channel, receipt_date
    from renkou.disclosure.store import RequestDetails

    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        channel = Channel(body.channel)
        applicant = Applicant(ApplicantKind(body.applicant.kind), **body.applicant.model_dump(exclude={"kind"}))
        details = RequestDetails(body.description, body.form_wanted, body.medium)
        days = {"submitted": body.submitted, "signed_for": body.signed_for, "arrived": body.arrived}
        days["confirmed"] = body.confirmed
        waits = channel in (Channel.ONLINE, Channel.FAX) and body.confirmed is None
        receipt = None if waits else receipt_date(channel, **days)
        filed_on = body.submitted or body.arrived or body.signed_for or body.confirmed or service.today()
        filed = desk.store.file(
            actor, applicant, details, channel, filed_on, received_on=receipt.received if receipt else None
        )
        view = desk.view(filed.request_no, service.today())
        return {**view.to_json(), "secret": filed.secret}

    return await run(service, work)


@router.get("/requests/{request_no}", summary="一件申请 / one request")
async def get_request(request: Request, principal: Officer, request_no: RequestNo, lang: Lang = "zh") -> dict[str, Any]:
    """申请的时间线、期限及计算过程，以及申请人完整信息（读取记入审计日志）。

    The request's timeline, deadlines and how they were counted, with the applicant's full details (the read is
    audited).
    """
    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        view = desk.view(request_no, service.today())
        data: dict[str, Any] = view.to_json(lang)
        data["applicant"] = asdict(desk.store.applicant(actor, request_no, reason="officer page"))
        return data

    return await run(service, work)


@router.post("/requests/{request_no}/events", summary="记录事件 / record an event")
async def record_event(
    request: Request, principal: Officer, request_no: RequestNo, body: Annotated[EventIn, Body()], lang: Lang = "zh"
) -> dict[str, Any]:
    """确认收到、补正告知与收到补正、延期、征求意见开始与结束、缴费、撤回。

    Confirm receipt, correction notice and correction received, extension, consultation start and end, payment,
    withdrawal.
    """
    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        kind, on = body.kind, body.on
        if kind == "confirm":
            desk.store.confirm_receipt(actor, request_no, on)
        elif kind == "correction_requested":
            desk.correct(actor, request_no, on, days=body.days or 15, items=body.items)
        elif kind == "correction_received":
            desk.correction_received(actor, request_no, on)
        elif kind == "extension_approved":
            desk.extend(actor, request_no, on, days=body.days or 20, approved_by=body.approved_by)
        elif kind == "consultation_started":
            desk.consult(actor, request_no, on, party=body.party, agency=body.agency)
        elif kind == "consultation_ended":
            desk.consultation_ended(actor, request_no, on, party=body.party, replied=body.replied)
        elif kind == "fee_paid":
            desk.paid(actor, request_no, on)
        else:
            desk.withdraw(actor, request_no, on)
        result: dict[str, Any] = desk.view(request_no, service.today()).to_json(lang)
        return result

    return await run(service, work)


@router.post("/requests/{request_no}/reply", summary="答复 / reply")
async def reply(
    request: Request, principal: Officer, request_no: RequestNo, body: ReplyIn, lang: Lang = "zh"
) -> dict[str, Any]:
    """记录答复（条例第三十五至三十九条）；答复书可下载（Word 可编辑、PDF）。

    Record the reply (arts. 35-39); the reply letter can then be downloaded (editable Word, PDF).
    """
    from renkou.disclosure.responses import Response, ResponseKind, WithholdingGround

    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        response = Response(
            kind=ResponseKind(body.kind),
            where=body.where.strip(),
            grounds=tuple(WithholdingGround(g) for g in body.grounds),
            reason=body.reason.strip(),
            referral=body.referral.strip(),
            previous_reply=body.previous_reply.strip(),
        )
        desk.reply(actor, request_no, body.on, response, note=body.note)
        result: dict[str, Any] = desk.view(request_no, service.today()).to_json(lang)
        return result

    return await run(service, work)


@router.post("/requests/{request_no}/fee", summary="收费通知 / fee notice")
async def fee(
    request: Request, principal: Officer, request_no: RequestNo, body: FeeIn, lang: Lang = "zh"
) -> dict[str, Any]:
    """发出信息处理费收费通知（国办函〔2020〕109号）；按件时本月第几件由系统计算。

    Send a fee notice; by count, the request's number this month is computed from the stored requests.
    """
    from renkou.disclosure.fees import FeeMethod

    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        _, text = desk.fee(
            actor,
            request_no,
            body.on,
            method=FeeMethod(body.method),
            pages=body.pages,
            applicant_received=body.applicant_received,
        )
        result: dict[str, Any] = desk.view(request_no, service.today()).to_json(lang)
        result["notice"] = text
        return result

    return await run(service, work)


# Letters and reports as HTML carry their own print styles and no script: allow inline style, nothing else.
DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
FILINGS_PER_HOUR = 20  # online filings accepted from one client address in an hour (the form is public)

MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@router.get(
    "/requests/{request_no}/letter.{fmt}",
    response_class=Response,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, 400: {"description": "no such letter yet"}},
    summary="答复书或收费通知下载 / reply letter or fee notice",
)
async def letter(
    request: Request,
    principal: Officer,
    request_no: RequestNo,
    fmt: Annotated[Literal["docx", "pdf", "html"], Path(description="docx | pdf | html")],
    which: Annotated[Literal["reply", "fee"], Query(description="reply 答复书 | fee 收费通知")] = "reply",
) -> Response:
    """下载答复书或收费通知（Word 可编辑后发出）。Download the reply letter or the fee notice (edit the Word file)."""
    from renkou.disclosure.documents import to_docx, to_html, to_pdf

    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> Any:
        if which == "fee":
            return desk.fee_document(actor, request_no)
        return desk.reply_document(actor, request_no)

    document = await run(service, work)
    name = f"{'reply' if which == 'reply' else 'fee-notice'}-{request_no}.{fmt}"
    if fmt == "html":
        return HTMLResponse(to_html(document), headers={"content-security-policy": DOCUMENT_CSP})
    content = await run_in_threadpool(to_docx if fmt == "docx" else to_pdf, document)
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/overdue", summary="逾期与临近期限 / overdue and near due")
async def overdue(request: Request, principal: Officer, lang: Lang = "zh") -> list[dict[str, Any]]:
    """答复期限已过或将至（5个工作日内）的办理中申请。Open requests overdue or due within 5 working days."""
    from renkou.disclosure.reminders import overdue_views

    service = service_of(request)
    return await run(service, lambda desk: [v.to_json(lang) for v in overdue_views(desk.views(service.today()))])


@router.get("/publications", summary="主动公开登记 / proactive publication register")
async def publications(request: Request, principal: Officer, lang: Lang = "zh") -> list[dict[str, Any]]:
    """主动公开事项及是否超过20个工作日公开（条例第二十六条）。Items and whether each was published late (art. 26)."""
    from renkou.disclosure.publications import publication_rows

    service = service_of(request)
    return await run(service, lambda desk: publication_rows(desk.store.publications(), desk.calendar, lang))


@router.post("/publications", status_code=201, summary="登记主动公开 / add a published item")
async def add_publication(request: Request, principal: Officer, body: PublicationIn) -> dict[str, Any]:
    """登记一项主动公开。Add an item to the register."""
    from renkou.disclosure.publications import check_publication

    service = service_of(request)
    actor = actor_of(principal, request)

    def work(desk: Any) -> dict[str, Any]:
        number = desk.store.add_publication(actor, **body.model_dump())
        check = check_publication(body.formed_on, body.published_on, desk.calendar)
        return {"item_no": number, "due": check.due.isoformat(), "late": check.late}

    return await run(service, work)


@router.get("/appeals", summary="行政复议和行政诉讼 / reviews and lawsuits")
async def appeals(request: Request, principal: Officer) -> list[dict[str, Any]]:
    """政府信息公开行政复议、行政诉讼（年度报告表四）。Reviews and lawsuits about disclosure decisions."""
    service = service_of(request)
    return await run(
        service,
        lambda desk: [
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()} for row in desk.store.appeals()
        ],
    )


@router.post("/appeals", status_code=201, summary="登记复议或诉讼 / record a review or lawsuit")
async def add_appeal(request: Request, principal: Officer, body: AppealIn) -> dict[str, Any]:
    """登记一件行政复议或行政诉讼。Record a review or lawsuit."""
    service = service_of(request)
    actor = actor_of(principal, request)
    number = await run(service, lambda desk: desk.store.add_appeal(actor, **body.model_dump()))
    return {"appeal_no": number}


@router.post("/appeals/{appeal_no}/decision", summary="登记审结 / record the decision")
async def decide_appeal(
    request: Request,
    principal: Officer,
    appeal_no: Annotated[int, Path(ge=1, le=10_000_000)],
    body: DecisionIn,
) -> dict[str, Any]:
    """登记尚未审结案件的结果。Record the decision of a pending case."""
    service = service_of(request)
    actor = actor_of(principal, request)
    await run(service, lambda desk: desk.store.decide_appeal(actor, appeal_no, **body.model_dump()))
    return {"appeal_no": appeal_no, "outcome": body.outcome}


@router.get(
    "/annual-report",
    response_model=None,
    responses={200: {"content": {"application/json": {}, **{t: {} for t in MEDIA_TYPES.values()}}}},
    summary="政府信息公开工作年度报告 / annual disclosure work report",
)
async def annual_report(
    request: Request,
    principal: Officer,
    year: Annotated[int, Query(ge=2000, le=2200, description="报告年度 / year")],
    fmt: Annotated[Literal["json", "html", "pdf", "docx"], Query(alias="format")] = "json",
) -> Any:
    """年度报告（条例第四十九条，次年1月31日前）：表格按国办公开办函〔2021〕30号格式。

    The annual report (art. 49, by 31 January) with the tables of the national template.
    """
    from renkou.disclosure.annual import ROWS, annual_document, annual_figures
    from renkou.disclosure.applicants import ApplicantKind
    from renkou.disclosure.documents import to_docx, to_html, to_pdf
    from renkou.disclosure.letters import office_name

    service = service_of(request)

    def work(desk: Any) -> Any:
        return annual_figures(
            year,
            desk.store.requests(),
            desk.calendar,
            desk.schedule,
            appeals=desk.store.appeals(),
            publications=desk.store.publications(),
            today=service.today(),
        )

    figures = await run(service, work)
    if fmt == "json":
        return {
            "year": year,
            "table3": {
                key: {**{k.value: figures.cell(key, k) for k in ApplicantKind}, "total": figures.cell(key)}
                for key, _, _ in ROWS
            },
            "by_channel": {c.value: n for c, n in figures.by_channel.items()},
            "fees": {
                "notices": figures.fee_notices,
                "notice_amount": figures.fee_notice_amount,
                "paid": figures.fees_paid,
                "paid_amount": figures.fees_paid_amount,
            },
            "appeals": {kind: dict(counts) for kind, counts in figures.appeals.items()},
            "published": figures.published,
            "published_late": figures.published_late,
        }
    document = annual_document(figures, office=office_name(), generated=service.today())
    if fmt == "html":
        return HTMLResponse(to_html(document), headers={"content-security-policy": DOCUMENT_CSP})
    content = await run_in_threadpool(to_docx if fmt == "docx" else to_pdf, document)
    name = f"disclosure-annual-{year}.{fmt}"
    return Response(
        content, media_type=MEDIA_TYPES[fmt], headers={"content-disposition": f'attachment; filename="{name}"'}
    )
