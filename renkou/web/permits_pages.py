"""The clerk's residence permit page (居住证办理): check an application with its reasons, issue, endorse, restore a
suspended permit, replace, cancel (on departure too), look up one resident's permit, the due-endorsement and overdue
lists of the clerk's districts and the recording of their suspensions.

The page is a frame; its data come from the API's permit endpoints (:mod:`renkou.api.routers.permits`), its JSON
twins, which check the clerk's districts and audit every read and write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from renkou.api.context import service_of
from renkou.api.permissions import Action, Principal, requires
from renkou.ids import lookup
from renkou.web.templating import Page, render

router = APIRouter(include_in_schema=False)

TWINS = (
    "/api/permits/apply",
    "/api/permits/issue",
    "/api/permits/endorse",
    "/api/permits/restore",
    "/api/permits/replace",
    "/api/permits/cancel",
    "/api/permits/suspend",
    "/api/permits/status/{id_number}",
    "/api/permits/due",
    "/api/permits/overdue",
)


def _name(code: str) -> str:
    division = lookup(code)
    return division.name if division else ""


@router.get("/permits", response_class=HTMLResponse)
async def permits_page(
    request: Request, principal: Annotated[Principal, requires(Action.PERSON_WRITE)]
) -> HTMLResponse:
    """居住证办理: apply, issue, endorse, restore, replace, cancel, status, due and overdue lists, suspensions."""
    own = [(code, _name(code)) for code in sorted(principal.districts)]
    context = {
        "districts": own,
        "district_names": [f"{code} {name}" for code, name in own],
        "today": service_of(request).today().isoformat(),
    }
    return render(request, principal, Page("permits.html", "permits.title", TWINS, context))
