"""The clerk's linkage review page (关联复核): pairs the model could not decide, side by side, and the decision.

A pair is a quarantined department row (left) and the register's person the model proposes (right). A clerk sees
the pairs whose person belongs to one of the clerk's districts (latest hukou or residence district), with ID numbers
masked (first 6, last 4), and decides match or non-match. The decision is appended to ``link_decisions``; a match
re-files the row under the person through the register's ingest (:mod:`renkou.linkage.apply`). Reads and decisions
go to the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import Field

from renkou.api.context import event_for, service_of
from renkou.api.errors import forbidden, not_found
from renkou.api.models import StrictModel
from renkou.api.permissions import Action, Principal, requires
from renkou.api.service import Service
from renkou.engine import Engine
from renkou.ids import mask
from renkou.linkage import store
from renkou.linkage.features import clean_sex
from renkou.linkage.secrets_io import identity_of, quarantined_row
from renkou.web.templating import Page, render

router = APIRouter(tags=["web 网页"])

Reader = Annotated[Principal, requires(Action.PERSON_READ)]
Writer = Annotated[Principal, requires(Action.PERSON_WRITE)]
QUEUE_LIMIT = 50  # pairs shown at once; a clerk works through them and reloads


class LinkDecision(StrictModel):
    """A clerk's decision on one reviewed pair."""

    run_id: int = Field(ge=1, description="比对编号 / run id")
    batch_id: int = Field(ge=1, description="批次 / batch id")
    line: int = Field(ge=1, description="行号 / line")
    accept: bool = Field(description="是否同一人 / whether the row is this person")
    note: str = Field(default="", max_length=200, description="备注 / note")


def _person(engine: Engine, service: Service, subject: str) -> dict[str, Any] | None:
    found = engine.rows(
        "SELECT sex, CAST(birth_date AS VARCHAR), hukou_region, residence_region FROM spells "
        "WHERE hex(subject_id) = ? ORDER BY valid_from DESC LIMIT 1",
        [subject],
    )
    identity = identity_of(engine, service.register.keys, subject)
    if not found or identity is None:
        return None
    sex, born, hukou, residence = found[0]
    return {
        "id": mask(identity[0]),
        "name": identity[1],
        "sex": sex,
        "birth_date": born,
        "hukou_region": hukou,
        "residence_region": residence,
    }


def _row(raw: dict[str, object]) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = raw.get(key)
        return None if value in (None, "") else str(value)

    number = text("id_number")
    return {
        "id": mask(number) if number else None,
        "name": text("name"),
        "sex": clean_sex(text("sex")),
        "birth_date": text("birth_date"),
        "hukou_region": text("hukou_region"),
        "residence_region": text("residence_region"),
        "event_type": text("event_type"),
        "occurred_on": text("occurred_on"),
        "permit_no": text("permit_no"),
    }


def _own(principal: Principal, person: dict[str, Any]) -> bool:
    return bool(principal.districts & {person["hukou_region"], person["residence_region"]} - {None})


def _queue(service: Service, principal: Principal, request: Request) -> dict[str, Any]:
    with service.database() as engine:
        store.ensure_schema(engine)
        run = engine.scalar("SELECT max(run_id) FROM link_runs")
        pairs: list[dict[str, Any]] = []
        total = 0
        if run is not None:
            for pair in store.review_queue(engine, int(run)).to_pylist():
                person = _person(engine, service, pair["subject"])
                if person is None or not _own(principal, person):
                    continue
                total += 1
                if len(pairs) >= QUEUE_LIMIT:
                    continue
                raw = quarantined_row(engine, service.register.keys, pair["batch_id"], pair["line"]) or {}
                pairs.append(
                    {
                        "run_id": int(run),
                        "batch_id": pair["batch_id"],
                        "line": pair["line"],
                        "file_name": pair["file_name"],
                        "reason": pair["reason"],
                        "probability": pair["match_probability"],
                        "row": _row(raw),
                        "person": person,
                    }
                )
    service.record(event_for(principal, request, "person.read", target="linkage.queue", detail={"pairs": len(pairs)}))
    return {"run_id": run, "total": total, "pairs": pairs}


@router.get("/web/api/linkage/queue", summary="待复核的关联 / the linkage review queue")
async def queue(request: Request, principal: Reader) -> dict[str, Any]:
    """本辖区待复核的记录对（身份证号遮蔽）。 / The pairs waiting for a clerk of these districts (IDs masked)."""
    return await run_in_threadpool(_queue, service_of(request), principal, request)


def _decide(service: Service, principal: Principal, request: Request, body: LinkDecision) -> dict[str, Any]:
    from renkou.linkage.apply import decide_and_apply

    with service.database() as engine:
        store.ensure_schema(engine)
        found = engine.rows(
            "SELECT subject FROM link_results WHERE run_id = ? AND batch_id = ? AND line = ? AND decision = 'review'",
            [body.run_id, body.batch_id, body.line],
        )
        if not found:
            raise not_found("没有这条待复核记录", "no such pair under review")
        subject = str(found[0][0])
        person = _person(engine, service, subject)
        if person is None or not _own(principal, person):
            raise forbidden()
        with engine.transaction():
            done = decide_and_apply(
                service.register,
                body.run_id,
                body.batch_id,
                body.line,
                accepted=body.accept,
                clerk=principal.username or "clerk",
                note=body.note,
                today=service.today(),
            )
            answer: dict[str, Any] = {"decision": "match" if body.accept else "non_match", "refiled": None}
            if done is not None:
                answer["refiled"] = {
                    "batch_id": done.batch_id,
                    "accepted": done.accepted,
                    "quarantined": done.quarantined,
                    "reasons": done.reasons,
                }
            from renkou.api import audit

            audit.append(
                engine,
                event_for(
                    principal,
                    request,
                    "person.write",
                    target=person["id"],
                    subject_id=subject,
                    detail={"linkage": answer["decision"], "batch_id": body.batch_id, "line": body.line},
                ),
                service.now(),
            )
    if done is not None and done.accepted:
        service.data_changed()
    return answer


@router.post("/web/api/linkage/decide", summary="记录复核结论 / decide a reviewed pair")
async def decide(body: LinkDecision, request: Request, principal: Writer) -> dict[str, Any]:
    """记录是否同一人；确认后该记录归档到此人名下。 / Record match or non-match; a match re-files the row."""
    return await run_in_threadpool(_decide, service_of(request), principal, request, body)


@router.get("/linkage", response_class=HTMLResponse, include_in_schema=False)
async def linkage_page(request: Request, principal: Writer) -> HTMLResponse:
    """关联复核: the review queue, pair by pair."""
    return render(request, principal, Page("linkage.html", "linkage.title", ("/web/api/linkage/queue",)))
