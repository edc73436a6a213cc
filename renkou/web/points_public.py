"""The public points list pages (积分公示): the published rounds, and one round's list of admitted applicants.

No log-in: anyone may read a list once the officer has published it (:mod:`renkou.api.routers.points`,
``/api/points/published/{round_id}`` is the JSON twin). The page shows only what the publicity rules allow: rank,
the masked ID number (first 6 and last 4 characters) and masked name, the score and, where the rules allocate by
group, the group. Rendered on the server, so it needs no script; 100 rows a page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from renkou.api.context import service_of
from renkou.api.permissions import Action, Principal, requires
from renkou.web.templating import Page, render, request_lang

router = APIRouter(include_in_schema=False)

Public = Annotated[Principal, requires(Action.PUBLIC_READ)]
PAGE_ROWS = 100


def _rule_titles() -> dict[str, dict[str, str]]:
    from renkou.api.routers.points import rules_view

    return {found["name"]: {"zh": found["zh"], "en": found["en"]} for found in rules_view()}


def _score(value: float) -> str:
    """A score as published: whole points without decimals, else up to two decimals (Beijing's 0.5 per year)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@router.get("/points/published", response_class=HTMLResponse)
async def published_index(request: Request, principal: Public) -> HTMLResponse:
    """积分公示: the published rounds, newest first."""
    from renkou.api.routers.points import published_rounds

    service = service_of(request)
    found = await run_in_threadpool(published_rounds, service)
    titles = await run_in_threadpool(_rule_titles)
    lang = request_lang(request)
    for entry in found:
        entry["rules_title"] = titles.get(entry["rules"], {}).get(lang, entry["rules"])
    return render(request, principal, Page("points_public_index.html", "ppub.index_title", (), {"rounds": found}))


@router.get("/points/published/{round_id}", response_class=HTMLResponse)
async def published_page(
    request: Request,
    principal: Public,
    round_id: Annotated[int, PathParam(ge=1, le=10**9)],
    page: Annotated[int, Query(ge=1, le=10**6, description="页码 / page")] = 1,
) -> HTMLResponse:
    """One published round's public list, a page of 100 rows."""
    from renkou.api.routers.points import published_round

    service = service_of(request)
    listed: dict[str, Any] = await run_in_threadpool(
        published_round, service, round_id, (page - 1) * PAGE_ROWS, PAGE_ROWS
    )
    pages = max(1, -(-int(listed["total"]) // PAGE_ROWS))
    lang = request_lang(request)
    rows = [
        {**row, "score_text": _score(float(row["score"])), "rank_text": "" if row["rank"] is None else row["rank"]}
        for row in listed["rows"]
    ]
    context = {
        "round": listed,
        "rules_title": listed["rules_title"][lang],
        "rows": rows,
        "grouped": any("group" in row for row in rows),
        "page": page,
        "pages": pages,
        "first_row": (page - 1) * PAGE_ROWS + 1,
        "lang_param": "" if lang == "zh" else "&lang=en",
    }
    twins = ("/api/points/published/{round_id}",)
    return render(request, principal, Page("points_public.html", "ppub.title", twins, context))
