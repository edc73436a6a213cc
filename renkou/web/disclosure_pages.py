"""The disclosure pages: the public files a request online and reads its own status (number + secret); the
disclosure officer's desk (requests by due date with overdue and near-due highlighted, logging, publication
register, annual report) and, at ``/disclosure?no=...``, a request's page (timeline, actions, reply, fee, letters).

Each page is a frame filled by ``disclosure.js`` from its JSON twins in :mod:`renkou.api.routers.disclosure`, and
declares the same action as they do.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from renkou.api.context import service_of
from renkou.api.permissions import Action, Principal, requires
from renkou.disclosure.applicants import ApplicantKind
from renkou.disclosure.publications import CATEGORIES, RENKOU_SOURCES
from renkou.disclosure.responses import ResponseKind, WithholdingGround
from renkou.web.i18n import Lang, translate
from renkou.web.templating import Page, render, request_lang

router = APIRouter(include_in_schema=False)

CHANNELS = ("in_person", "mail", "ordinary_mail", "fax", "online")
MEDIA = ("email", "mail", "pickup", "fax", "online")
APPEAL_KINDS = ("review", "lawsuit_direct", "lawsuit_after_review")
APPEAL_OUTCOMES = ("maintained", "corrected", "other", "pending")
EVENT_KINDS = (
    "confirm",
    "correction_requested",
    "correction_received",
    "extension_approved",
    "consultation_started",
    "consultation_ended",
    "fee_paid",
    "withdrawn",
)


def choices(prefix: str, values: list[str] | tuple[str, ...], lang: Lang) -> list[tuple[str, str]]:
    """(value, label in the page language) for a select list; labels are catalogue keys ``prefix + value``."""
    return [(value, translate(prefix + value, lang)) for value in values]


Anyone = Annotated[Principal, requires(Action.DISCLOSURE_FILE)]
Officer = Annotated[Principal, requires(Action.DISCLOSURE_MANAGE)]


@router.get("/disclosure/apply", response_class=HTMLResponse)
async def apply(request: Request, principal: Anyone) -> HTMLResponse:
    """政府信息公开申请 (online form)."""
    lang = request_lang(request)
    context = {
        "applicant_kinds": choices("disc.akind.", [k.value for k in ApplicantKind], lang),
        "media": choices("disc.medium.", MEDIA, lang),
    }
    return render(
        request,
        principal,
        Page("disclosure_apply.html", "disc.apply.title", ("/api/disclosure/public/requests",), context),
    )


@router.get("/disclosure/status", response_class=HTMLResponse)
async def status(request: Request, principal: Anyone) -> HTMLResponse:
    """申请办理状态查询 (by number and secret)."""
    context = {"request_no": request.query_params.get("no", "")[:12]}
    return render(
        request,
        principal,
        Page("disclosure_status.html", "disc.status.title", ("/api/disclosure/public/status",), context),
    )


@router.get("/disclosure", response_class=HTMLResponse)
async def desk(
    request: Request,
    principal: Officer,
    no: Annotated[str | None, Query(pattern=r"^\d{4}-\d{4,6}$", description="申请编号 / request number")] = None,
) -> HTMLResponse:
    """The disclosure officer's desk; with ``?no=`` one request's page (timeline, actions, reply, fee, letters)."""
    lang = request_lang(request)
    today = service_of(request).today()
    if no is not None:
        return _request_page(request, principal, no, lang, today.isoformat())
    context = {
        "applicant_kinds": choices("disc.akind.", [k.value for k in ApplicantKind], lang),
        "channels": choices("disc.channel.", CHANNELS, lang),
        "categories": [(key, text.zh if lang == "zh" else text.en) for key, text in CATEGORIES.items()],
        "appeal_kinds": choices("disc.appeal_kind.", APPEAL_KINDS, lang),
        "appeal_outcomes": choices("disc.appeal_outcome.", APPEAL_OUTCOMES, lang),
        "sources": [(key, text.zh if lang == "zh" else text.en) for key, text in RENKOU_SOURCES.items()],
        "years": list(range(today.year, today.year - 6, -1)),
        "today": today.isoformat(),
    }
    twins = (
        "/api/disclosure/requests",
        "/api/disclosure/overdue",
        "/api/disclosure/publications",
        "/api/disclosure/appeals",
        "/api/disclosure/annual-report",
    )
    return render(request, principal, Page("disclosure_desk.html", "disc.desk.title", twins, context))


def _request_page(request: Request, principal: Principal, request_no: str, lang: Lang, today: str) -> HTMLResponse:
    context = {
        "request_no": request_no,
        "today": today,
        "response_kinds": choices("disc.rkind.", [k.value for k in ResponseKind], lang),
        "grounds": choices("disc.ground.", [g.value for g in WithholdingGround], lang),
        "event_kinds": choices("disc.event.", EVENT_KINDS, lang),
    }
    twins = (
        f"/api/disclosure/requests/{request_no}",
        f"/api/disclosure/requests/{request_no}/events",
        f"/api/disclosure/requests/{request_no}/reply",
        f"/api/disclosure/requests/{request_no}/fee",
        f"/api/disclosure/requests/{request_no}/letter.docx",
    )
    return render(request, principal, Page("disclosure_request.html", "disc.request.title", twins, context))
