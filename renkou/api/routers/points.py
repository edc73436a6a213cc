"""The points officer's endpoints (积分): rule sets, scoring one applicant with the explanation, rounds (upload,
rank, publish the masked public list), objections and their re-scoring with the hash-chained history.

Every endpoint needs ``points.manage`` except the published public list (公示), which anyone may read once the
officer has published it (masked IDs and names only). A score that reads the register, a round's upload and every
objection or decision is audited (masked ID, never the full number); the applicants' files and histories are kept
sealed in the database (:mod:`renkou.points.store`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from renkou.api import audit
from renkou.api.context import event_for, service_of
from renkou.api.errors import bad_request, not_found
from renkou.api.models import StrictModel
from renkou.api.permissions import Action, Principal, requires
from renkou.api.service import Service
from renkou.errors import UserError

router = APIRouter(prefix="/api/points", tags=["points 积分"])

Officer = Annotated[Principal, requires(Action.POINTS_MANAGE)]
RoundId = Annotated[int, PathParam(ge=1, le=10**9, description="轮次编号 / round number")]
Offset = Annotated[int, Query(ge=0, le=10**8)]
Limit = Annotated[int, Query(ge=1, le=1000)]
RulesName = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="内置规则名 / rule set")
MAX_CSV_BYTES = 256 << 20


def _store(service: Service) -> Any:
    from renkou.points.store import RoundStore

    return RoundStore(service.register.engine, service.register.keys.identity)


def _shipped(name: str) -> str:
    """Only the rule sets shipped with renkou (a path would let a caller read any file of the server)."""
    from renkou.points.loader import shipped_rule_sets

    if name not in shipped_rule_sets():
        raise bad_request(
            "unknown_rules",
            f"未知的规则集 {name}（可用：{', '.join(shipped_rule_sets())}）",
            f"unknown rule set {name} (available: {', '.join(shipped_rule_sets())})",
        )
    return name


# -- rule sets ---------------------------------------------------------------------------------------------------


def rules_view() -> list[dict[str, Any]]:
    """The shipped rule sets with their inputs (what a scoring form asks for)."""
    from renkou.points.loader import load_rules, shipped_rule_sets

    found = []
    for name in shipped_rule_sets():
        rule_set = load_rules(name)
        rules = rule_set.rules
        inputs = []
        for key, spec in rules.inputs.items():
            default = spec.default if not hasattr(spec.default, "by") else None
            inputs.append(
                {
                    "name": key,
                    "type": spec.type,
                    "zh": spec.zh,
                    "en": spec.en,
                    "levels": [{"code": c, "zh": v.zh, "en": v.en} for c, v in (spec.levels or {}).items()],
                    "default": default,
                    "min": spec.min,
                    "max": spec.max,
                    "from_register": spec.from_register,
                }
            )
        found.append(
            {
                "name": name,
                "id": rules.id,
                "revision": rules.revision,
                "sha256": rule_set.sha256,
                "zh": rules.zh,
                "en": rules.en,
                "city": rules.city.zh,
                "purpose": rules.purpose,
                "year": rules.year,
                "passing_score": rules.ranking.passing_score,
                "quota": rules.ranking.quota,
                "sources": [s.title for s in rules.sources],
                "inputs": inputs,
            }
        )
    return found


@router.get("/rules", summary="内置积分规则 / shipped rule sets")
async def rules(principal: Officer) -> dict[str, Any]:
    """内置规则集及其输入项（打分表单所需）。 / The shipped rule sets and the inputs a scoring form asks for."""
    return {"rule_sets": await run_in_threadpool(rules_view)}


# -- scoring one applicant ---------------------------------------------------------------------------------------


class ScoreRequest(StrictModel):
    """One applicant's values; with ``use_register`` the register's values replace the inputs it holds."""

    rules: str = RulesName
    applicant_id: str | None = Field(default=None, max_length=24, description="公民身份号码 / citizen ID")
    name: str | None = Field(default=None, max_length=40, description="姓名 / name")
    values: dict[str, str | int | float | bool] = Field(default_factory=dict, max_length=64)
    sources: dict[str, str] = Field(
        default_factory=dict, max_length=64, description="输入 -> self_declared|verified / input -> source"
    )
    use_register: bool = Field(default=False, description="从登记库取数 / take values from the register")
    on: date | None = Field(default=None, description="证据日期（默认今天） / evidence date (default today)")


def _score(service: Service, principal: Principal, request: Request, body: ScoreRequest) -> dict[str, Any]:
    from renkou.ids import InvalidCitizenID, mask, parse_id
    from renkou.points.applicants import RecordApplicants
    from renkou.points.evidence import REGISTER
    from renkou.points.explain import explain
    from renkou.points.loader import load_rules
    from renkou.points.register_evidence import RegisterEvidence
    from renkou.points.scoring import score

    rule_set = load_rules(_shipped(body.rules))
    record: dict[str, object] = {k: v for k, v in body.values.items() if v != ""}
    for name, source in body.sources.items():
        if source not in ("self_declared", "verified"):  # "register" is for the register to say
            raise bad_request(
                "source", f"证据来源 {source} 无效（自报或已核验）", f"source {source}: use self_declared or verified"
            )
        record[f"{name}_source"] = source
    number = None
    if body.applicant_id:
        try:
            number = parse_id(body.applicant_id).number
        except InvalidCitizenID as error:
            raise bad_request("invalid_id", error.zh, error.en) from None
    elif body.use_register:
        raise bad_request("id_required", "从登记库取数须给出身份号码", "taking values from the register needs the ID")
    record["applicant_id"] = number or "-"
    if body.name:
        record["name"] = body.name
    on = body.on or service.today()
    placeholders = _placeholders(rule_set.rules, record) if body.use_register else []
    for name in rule_set.rules.inputs:
        # A field left empty on the form is an empty cell: the rule file's default, without the warning a missing
        # file column gets; an input without a default is then named in a one-line error.
        record.setdefault(name, "")
    provider: Any = RecordApplicants([record], origin="表单 / form")
    subject = None
    with service.database() as engine:
        if body.use_register:
            provider = RegisterEvidence(service.register, on, provider)
        table = provider.evidence(rule_set.rules)
        unfilled = [name for name in placeholders if int(table.sources[name][0]) != REGISTER]
        if unfilled:
            spec = rule_set.rules.inputs[unfilled[0]]
            raise bad_request(
                "register_missing",
                f"登记库中没有该申请人的“{spec.zh}”，请在表单中填写",
                f"the register has no '{spec.en}' for this applicant: fill it in on the form",
            )
        if number and body.use_register:
            from renkou.api.persons import subject_key

            subject = subject_key(engine, service.register.keys, number)
            from_register = [k for k, marks in table.sources.items() if int(marks[0]) == 1]
            event = event_for(
                principal,
                request,
                "points.score",
                target=mask(number),
                subject_id=subject,
                detail={"rules": rule_set.rules.id, "on": on.isoformat(), "from_register": from_register},
            )
            audit.append(engine, event, service.now())
    explanation = explain(rule_set.rules, table, score(rule_set.rules, table), 0)
    return {
        "rules": rule_set.rules.id,
        "revision": rule_set.rules.revision,
        "rules_title": {"zh": rule_set.rules.zh, "en": rule_set.rules.en},
        "applicant_id_masked": mask(number) if number else "",
        "on": on.isoformat(),
        "passing_score": rule_set.rules.ranking.passing_score,
        "warnings": [{"zh": zh, "en": en} for zh, en in table.warnings],
        **explanation.as_dict(),
    }


def _placeholders(rules: Any, record: dict[str, object]) -> list[str]:
    """Inputs left empty on the form that the register is to give: a stand-in value makes the form's record
    complete, and the caller checks that the register did replace it."""
    from renkou.points.register_evidence import measure_of

    chosen = []
    for name, spec in rules.inputs.items():
        if name in record or spec.default is not None or measure_of(name, rules) is None:
            continue
        record[name] = {"flag": "false", "level": next(iter(spec.levels or {"": None}))}.get(spec.type, spec.min or 0)
        chosen.append(name)
    return chosen


@router.post("/score", summary="为一名申请人打分 / score one applicant")
async def score_one(body: ScoreRequest, request: Request, principal: Officer) -> dict[str, Any]:
    """逐项说明依据、来源（登记/自报/已核验）、分值与封顶；读取登记库时记入审计日志。

    Score one applicant with the line-by-line explanation (evidence, its source: register / self-declared /
    verified, points, cap). Reading the register is audited.
    """
    return await run_in_threadpool(_score, service_of(request), principal, request, body)


# -- rounds ------------------------------------------------------------------------------------------------------


def _round_event(
    principal: Principal,
    request: Request,
    action: str,
    round_id: int,
    detail: dict[str, Any],
    target: str | None,
    subject_id: str | None = None,
) -> audit.AuditEvent:
    return event_for(
        principal, request, action, target=target, subject_id=subject_id, detail={"round_id": round_id, **detail}
    )


@router.post("/rounds", status_code=201, summary="新建积分轮次并排名 / create and rank a round")
async def create_round(
    request: Request,
    principal: Officer,
    rules: Annotated[str, Form(min_length=1, max_length=64, description="内置规则名 / rule set")],
    opens: Annotated[date, Form(description="公示开始日 / publicity opens")],
    closes: Annotated[date, Form(description="公示截止日 / publicity closes")],
    file: Annotated[UploadFile | None, File(description="申请人 CSV / applicants CSV")] = None,
    source_round: Annotated[
        int | None, Form(ge=1, description="沿用某轮的申请人 / applicants of a stored round")
    ] = None,
    quota: Annotated[int | None, Form(ge=1, le=10**8, description="名额 / places")] = None,
    title: Annotated[str, Form(max_length=100, description="名称 / title")] = "",
    use_register: Annotated[bool, Form(description="从登记库取数 / take values from the register")] = False,
    evidence_on: Annotated[date | None, Form(description="登记库证据日期 / register evidence date")] = None,
) -> dict[str, Any]:
    """上传申请人 CSV（或沿用已存轮次的申请人），按所选规则和名额打分排名，保存（加密）并记入审计日志；
    选“从登记库取数”时，登记库在证据日期的数据替换申报值（按当日数据保存）。

    Upload an applicants CSV (or reuse a stored round's applicants), score and rank under the chosen rule set and
    quota; the round is stored (sealed) and audited. With ``use_register`` the register's values on the evidence
    date replace the declared ones (kept as they were that day).
    """
    service = service_of(request)
    name = _shipped(rules)
    if (file is None) == (source_round is None):
        raise bad_request(
            "applicants", "请上传申请人文件或选择已存轮次（二者选一）", "upload a file or pick a stored round"
        )
    data = b""
    file_name = ""
    if file is not None:
        data = await file.read(MAX_CSV_BYTES + 1)
        file_name = (file.filename or "applicants.csv").replace("\\", "/").rsplit("/", 1)[-1][:120]
        if not data:
            raise bad_request("empty", f"文件 {file_name} 为空", f"{file_name} is empty")

    def work() -> dict[str, Any]:
        from renkou.points import rounds

        nonlocal data, file_name
        with service.database() as engine:
            store = _store(service)
            if source_round is not None:
                data = store.applicants(source_round)
                file_name = store.info(source_round).file_name
            with engine.transaction():
                opened = rounds.create_round(
                    store,
                    rules=name,
                    data=data,
                    file_name=file_name,
                    quota=quota,
                    opens=opens,
                    closes=closes,
                    title=title.strip() or f"{name} {opens.isoformat()}",
                    user=principal.username,
                    now=service.now(),
                    clock=service.now,
                    register=service.register if use_register else None,
                    evidence_on=(evidence_on or service.today()) if use_register else None,
                )
                detail = {
                    "rules": name,
                    "applicants": opened.info.applicant_count,
                    "source_round": source_round,
                    "evidence_on": opened.info.evidence_on.isoformat() if opened.info.evidence_on else None,
                }
                audit.append(
                    engine,
                    _round_event(principal, request, "points.round.create", opened.info.round_id, detail, None),
                    service.now(),
                )
            _remember(service, opened)  # once stored: the officer's next look at the round needs no reopening
            return {"summary": rounds.summary(opened), "ranking": rounds.ranking_page(opened, 0, 100)}

    return await run_in_threadpool(work)


@router.get("/rounds", summary="积分轮次列表 / stored rounds")
async def list_rounds(request: Request, principal: Officer) -> dict[str, Any]:
    """已保存的积分轮次（最新在前）。 / Stored rounds, newest first."""
    service = service_of(request)

    def read() -> list[dict[str, Any]]:
        with service.database():
            return [info.as_dict() for info in _store(service).rounds()]

    return {"rounds": await run_in_threadpool(read)}


CACHE_KEY = "points_round"  # one slot: the round last opened (a big round's evidence is large)


def _round_key(service: Service, round_id: int) -> tuple[int, str, str]:
    """What identifies a round's state: its number, a digest of its stored history records (so an altered record
    is not served from memory: the round is opened again and refuses it), when it was published."""
    store = _store(service)
    try:
        info = store.info(round_id)
    except UserError as error:
        raise not_found(error.zh, error.en) from None
    digest = service.register.engine.scalar(
        "SELECT md5(string_agg(md5(sealed), ',' ORDER BY seq)) FROM points_history WHERE round_id = ?", [round_id]
    )
    return round_id, str(digest), str(info.published_at)


def _opened(service: Service, round_id: int, *, fresh: bool = False) -> Any:
    """The round, rebuilt from its sealed file and history (several seconds for a million applicants), or the one
    opened last when nothing changed since. ``fresh`` for a change: a copy of its own (of the one in memory when it
    is current: a change then costs no reopening), cached only once stored."""
    from renkou.points import rounds

    key = _round_key(service, round_id)
    with service.cache_lock:
        cached = service.cache.get(CACHE_KEY)
    if cached is not None and cached[0] == key:
        return cached[1].copy() if fresh else cached[1]
    opened = rounds.open_round(_store(service), round_id, service.now)
    _remember(service, opened, key)
    return opened.copy() if fresh else opened


def _remember(service: Service, opened: Any, key: tuple[int, str, str] | None = None) -> None:
    """Keep ``opened`` as the round last opened (after a change: once the change is stored)."""
    key = key or _round_key(service, opened.info.round_id)
    with service.cache_lock:
        service.cache[CACHE_KEY] = (key, opened)


@router.get("/rounds/{round_id}", summary="轮次排名 / a round's ranking")
async def round_ranking(
    round_id: RoundId, request: Request, principal: Officer, offset: Offset = 0, limit: Limit = 100
) -> dict[str, Any]:
    """轮次概况与排名（身份号码、姓名脱敏；不符合条件者列出未通过的条件）。

    The round's summary and ranking (IDs and names masked; the ineligible with the gates they fail).
    """
    service = service_of(request)

    def read() -> dict[str, Any]:
        from renkou.points import rounds

        with service.database():
            opened = _opened(service, round_id)
        return {
            "summary": rounds.summary(opened),
            "ranking": rounds.ranking_page(opened, offset, limit),
            "objections": rounds.objection_view(opened),
        }

    return await run_in_threadpool(read)


def _notify(
    service: Service, principal: Principal, request: Request, opened: Any, build: Callable[[Any], Any]
) -> dict[str, Any]:
    """Queue the notifications ``build(contacts)`` makes (contacts: the round's, by row) in the service's outbox,
    audited with the counts (no person named). Without an outbox nothing is queued; a failing outbox is reported in
    the answer, not raised: the publication or decision stands, and doing it again queues what is missing (every
    message has a dedupe key)."""
    from renkou.points import rounds

    outbox = service.settings.outbox
    if outbox is None:
        return {"outbox": False}
    round_id = opened.info.round_id
    try:
        with service.database():
            contacts = rounds.contacts(_store(service), opened)
        counts = rounds.queue(outbox, build(contacts), service.now())
    except UserError as error:
        detail = {"round_id": round_id, "reason": error.en}
        service.record(event_for(principal, request, "points.notify", outcome=error.code, detail=detail))
        return {"outbox": True, "error": {"zh": error.zh, "en": error.en}}
    counts["invalid_contacts"] = contacts.invalid
    service.record(_round_event(principal, request, "points.notify", round_id, counts, None))
    return {"outbox": True, **counts}


@router.post("/rounds/{round_id}/publish", summary="发布公示名单 / publish the public list")
async def publish(round_id: RoundId, request: Request, principal: Officer) -> dict[str, Any]:
    """发布脱敏的公示名单（此后公众可查阅），并将每名有联系方式的申请人的结果放入通知发件箱（重复发布不重复放入）。

    Publish the masked public list (the public may read it from then) and queue each applicant's result in the
    notification outbox when the applicants file gives a phone or e-mail (publishing again queues nothing twice).
    """
    service = service_of(request)

    def work() -> dict[str, Any]:
        from renkou.points import notices, rounds

        with service.database() as engine:
            opened = _opened(service, round_id, fresh=True)
            with engine.transaction():
                opened.info = _store(service).publish(round_id, principal.username, service.now())
                audit.append(
                    engine,
                    _round_event(principal, request, "points.round.publish", round_id, {}, None),
                    service.now(),
                )
            _remember(service, opened)
        answer = rounds.public_list(opened, 0, 1000)
        answer["notifications"] = _notify(
            service,
            principal,
            request,
            opened,
            lambda contacts: notices.result_notices(rounds.facts(opened), rounds.standings(opened), contacts.by_row),
        )
        return answer

    return await run_in_threadpool(work)


@router.get("/rounds/{round_id}/public", summary="公示名单（工作人员） / public list (officers)")
async def public_preview(
    round_id: RoundId, request: Request, principal: Officer, offset: Offset = 0, limit: Limit = 100
) -> dict[str, Any]:
    """公示名单（录取者，仅脱敏字段），发布前可预览。 / The public list (admitted, masked fields), before or after publishing."""
    service = service_of(request)

    def read() -> dict[str, Any]:
        from renkou.points import rounds

        with service.database():
            opened = _opened(service, round_id)
        return rounds.public_list(opened, offset, limit)

    return await run_in_threadpool(read)


class ObjectionBody(StrictModel):
    """An applicant's objection during publicity: the evidence they say is right."""

    applicant_id: str = Field(min_length=1, max_length=24, description="公民身份号码 / citizen ID")
    filed_on: date
    statement: str = Field(default="", max_length=500)
    corrections: dict[str, str | int | float | bool] = Field(default_factory=dict, max_length=32)


class DecisionBody(StrictModel):
    """The officer's decision on an objection."""

    accepted: bool
    decided_on: date
    note: str = Field(default="", max_length=500)


def _history_change(service: Service, opened: Any, round_id: int) -> None:
    _store(service).append(round_id, opened.round.history.records)


@router.post("/rounds/{round_id}/objections", status_code=201, summary="登记异议 / record an objection")
async def file_objection(
    round_id: RoundId, body: ObjectionBody, request: Request, principal: Officer
) -> dict[str, Any]:
    """在公示期内登记异议及申请人主张的更正（校验后记入历史与审计日志）。

    Record an objection filed during publicity, with the corrections the applicant asks for (checked, then kept in
    the history and the audit log).
    """
    from renkou.ids import InvalidCitizenID, mask, parse_id

    try:
        number = parse_id(body.applicant_id).number
    except InvalidCitizenID as error:
        raise bad_request("invalid_id", error.zh, error.en) from None
    service = service_of(request)

    def work() -> dict[str, Any]:
        from renkou.api.persons import subject_key
        from renkou.points import rounds

        with service.database() as engine:
            opened = _opened(service, round_id, fresh=True)
            objection = opened.round.file_objection(
                number, body.filed_on, body.statement, rounds.corrections_text(body.corrections)
            )
            with engine.transaction():
                _history_change(service, opened, round_id)
                detail = {"number": objection.number, "corrections": sorted(objection.corrections)}
                subject = subject_key(engine, service.register.keys, number)
                event = _round_event(principal, request, "points.objection", round_id, detail, mask(number), subject)
                audit.append(engine, event, service.now())
            _remember(service, opened)
        return {"objection": rounds.objection_view(opened)[objection.number - 1]}

    return await run_in_threadpool(work)


@router.post(
    "/rounds/{round_id}/objections/{number}/decision", summary="处理异议并重新打分 / decide an objection and re-score"
)
async def decide(
    round_id: RoundId,
    number: Annotated[int, PathParam(ge=1, le=10**6)],
    body: DecisionBody,
    request: Request,
    principal: Officer,
) -> dict[str, Any]:
    """采纳则以核验后的更正重新打分（可能改变他人名次），前后说明均记入历史；驳回也记入。处理结果通知异议人，
    已公示的轮次中录取情况因此改变的申请人也收到通知（经通知发件箱）。

    Accepting re-scores the round with the verified corrections (others' ranks may move); the explanations before
    and after go into the history. A rejection is recorded too. The objector is told the decision, and in a
    published round so is every applicant whose admission it changed (through the notification outbox).
    """
    service = service_of(request)

    def work() -> dict[str, Any]:
        from renkou.ids import mask
        from renkou.points import notices, rounds

        with service.database() as engine:
            opened = _opened(service, round_id, fresh=True)
            # The standings before the decision, to tell whom a re-scoring admits or drops (only when messages go).
            before = rounds.standings(opened) if service.settings.outbox is not None else None
            record = opened.round.decide(number, accepted=body.accepted, decided_on=body.decided_on, note=body.note)
            with engine.transaction():
                _history_change(service, opened, round_id)
                detail = {"number": number, "accepted": body.accepted}
                event = _round_event(
                    principal, request, "points.objection.decision", round_id, detail, mask(record.applicant_id)
                )
                audit.append(engine, event, service.now())
            _remember(service, opened)
        objection = next(o for o in opened.round.objections if o.number == number)

        def build(contacts: Any) -> Any:
            assert before is not None
            return notices.decision_notices(
                rounds.facts(opened),
                number=number,
                accepted=body.accepted,
                objector=opened.round.table.row_of(objection.applicant_id),
                before=before,
                after=rounds.standings(opened),
                contacts=contacts.by_row,
                published=opened.info.published_at is not None,
            )

        return {
            "record": rounds.record_view(record),
            "summary": rounds.summary(opened),
            "notifications": _notify(service, principal, request, opened, build),
        }

    return await run_in_threadpool(work)


@router.get("/rounds/{round_id}/history", summary="轮次历史 / a round's history")
async def history(round_id: RoundId, request: Request, principal: Officer) -> dict[str, Any]:
    """公示、异议、处理与重新打分的全部记录（哈希链，已校验）。 / Every record of the round, hash-chained and verified."""
    service = service_of(request)

    def read() -> dict[str, Any]:
        from renkou.points import rounds

        with service.database():
            opened = _opened(service, round_id)
        records = opened.round.history.records
        return {"intact": opened.round.history.verify(), "records": [rounds.record_view(r) for r in records]}

    return await run_in_threadpool(read)


@router.get("/published/{round_id}", summary="已发布的积分公示名单 / a published points list")
async def published_list(
    round_id: RoundId,
    request: Request,
    principal: Annotated[Principal, requires(Action.PUBLIC_READ)],
    offset: Offset = 0,
    limit: Limit = 100,
) -> dict[str, Any]:
    """已发布的公示名单：名次、脱敏身份号码与姓名、分数。未发布的轮次不存在。

    A published public list: rank, masked ID and name, score. A round not published does not exist here.
    """
    return await run_in_threadpool(published_round, service_of(request), round_id, offset, limit)


PUBLIC_CACHE = "points_published"  # round number -> (round key, its whole public list)
PUBLIC_KEPT = 8


def published_round(service: Service, round_id: int, offset: int, limit: int) -> dict[str, Any]:
    """One page of a published round's public list; a round not published (or unknown) is not found. Shared by the
    JSON endpoint and the public page (:mod:`renkou.web.points_public`).

    The whole list of each of the last few rounds asked for is kept (it is small: the admitted only), apart from the
    officers' one-round slot, so anonymous readers of several rounds never make the service reopen a large round
    again and again; a change to the round (its key) makes it be built anew."""
    from renkou.points import rounds

    with service.database():
        try:
            info = _store(service).info(round_id)
        except UserError:
            info = None
        if info is None or info.published_at is None:
            raise not_found(f"没有已发布的第 {round_id} 轮公示", f"no published points list {round_id}")
        key = _round_key(service, round_id)
        with service.cache_lock:
            kept = service.cache.get(PUBLIC_CACHE, {}).get(round_id)
        if kept is None or kept[0] != key:
            kept = (key, rounds.public_snapshot(_opened(service, round_id)))
            with service.cache_lock:
                lists = service.cache.setdefault(PUBLIC_CACHE, {})
                lists.pop(round_id, None)
                lists[round_id] = kept
                while len(lists) > PUBLIC_KEPT:
                    del lists[next(iter(lists))]
    return rounds.snapshot_page(kept[1], offset, limit)


def published_rounds(service: Service) -> list[dict[str, Any]]:
    """The published rounds, newest first: what the public may know of them without opening any."""
    with service.database():
        found = [info for info in _store(service).rounds() if info.published_at is not None]
    return [
        {
            "round_id": info.round_id,
            "title": info.title,
            "rules": info.rules,
            "opens": info.opens.isoformat(),
            "closes": info.closes.isoformat(),
            "published_at": info.published_at.isoformat() if info.published_at else None,
        }
        for info in found
    ]
