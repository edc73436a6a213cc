"""The points officer's page (积分管理): score an applicant with the line-by-line explanation, rank a round from an
applicants file or a stored round, publish the masked public list, record objections and decide them.

The page is a frame; its data come from the API's points endpoints (:mod:`renkou.api.routers.points`), its JSON
twins, which need the same action (``points.manage``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from renkou.api.context import service_of
from renkou.api.permissions import Action, Principal, requires
from renkou.web.templating import Page, render

router = APIRouter(include_in_schema=False)

TWINS = (
    "/api/points/rules",
    "/api/points/score",
    "/api/points/rounds",
    "/api/points/rounds/{round_id}",
    "/api/points/rounds/{round_id}/publish",
    "/api/points/rounds/{round_id}/public",
    "/api/points/rounds/{round_id}/objections",
    "/api/points/rounds/{round_id}/history",
)
PUBLICITY_DAYS = 7  # a usual 公示 lasts five working days; the form proposes a week and the officer may change it


@router.get("/points", response_class=HTMLResponse)
async def points_page(
    request: Request, principal: Annotated[Principal, requires(Action.POINTS_MANAGE)]
) -> HTMLResponse:
    """积分管理: score, rank, publish, objections."""
    from renkou.api.routers.points import rules_view

    rule_sets = await run_in_threadpool(rules_view)
    today = service_of(request).today()
    context = {
        "rule_sets": rule_sets,
        "today": today.isoformat(),
        "closes": (today + timedelta(days=PUBLICITY_DAYS)).isoformat(),
    }
    return render(request, principal, Page("points.html", "points.title", TWINS, context))
