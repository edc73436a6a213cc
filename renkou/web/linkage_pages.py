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
from renkou.linkage.secrets_io import identities_of, quarantined_row
from renkou.web.templating import Page, render

router = APIRouter(tags=["web 网页"])

Reader = Annotated[Principal, requires(Action.PERSON_READ)]
Writer = Annotated[Principal, requires(Action.PERSON_WRITE)]
QUEUE_LIMIT = 50  # pairs shown at once; a clerk works through them and reloads
PERSON_FIELDS = ("id", "name", "sex", "birth_date", "hukou_region", "residence_region")


class LinkDecision(StrictModel):
    """A clerk's decision on one reviewed pair."""

    run_id: int = Field(ge=1, le=2**62, description="比对编号 / run id")
    batch_id: int = Field(ge=1, le=2**62, description="批次 / batch id")
    line: int = Field(ge=1, le=2**62, description="行号 / line")
    accept: bool = Field(description="是否同一人 / whether the row is this person")
    note: str = Field(default="", max_length=200, description="备注 / note")


def _persons(engine: Engine, service: Service, subjects: list[str]) -> dict[str, dict[str, Any]]:
    """Latest state of the persons (one query), without identities."""
    if not subjects:
        return {}
    found = engine.rows(
        "SELECT hex(subject_id), arg_max(sex, valid_from), CAST(arg_max(birth_date, valid_from) AS VARCHAR), "
        "arg_max(hukou_region, valid_from), arg_max(residence_region, valid_from) FROM spells "
        "WHERE hex(subject_id) IN (SELECT unnest(?)) GROUP BY 1",
        [subjects],
    )
    return {
        str(subject): {"sex": sex, "birth_date": born, "hukou_region": hukou, "residence_region": residence}
        for subject, sex, born, hukou, residence in found
    }


def _with_identities(engine: Engine, service: Service, persons: dict[str, dict[str, Any]]) -> None:
    """Add the masked ID number and the name to each person (decrypted in one scan)."""
    found = identities_of(engine, service.register.keys, list(persons))
    for subject, person in persons.items():
        number, name = found.get(subject, ("", ""))
        person["id"] = mask(number) if number else None
        person["name"] = name or None


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
        queue = store.review_queue(engine, int(run)).to_pylist() if run is not None else []
        persons = _persons(engine, service, sorted({pair["subject"] for pair in queue}))
        own = [pair for pair in queue if pair["subject"] in persons and _own(principal, persons[pair["subject"]])]
        shown = own[:QUEUE_LIMIT]
        _with_identities(engine, service, {pair["subject"]: persons[pair["subject"]] for pair in shown})
        pairs = []
        for pair in shown:
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
                    "person": {key: persons[pair["subject"]].get(key) for key in PERSON_FIELDS},
                }
            )
    service.record(event_for(principal, request, "person.read", target="linkage.queue", detail={"pairs": len(pairs)}))
    return {"run_id": run, "total": len(own), "pairs": pairs}


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
        person = _persons(engine, service, [subject]).get(subject)
        if person is None or not _own(principal, person):
            raise forbidden()
        _with_identities(engine, service, {subject: person})
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
