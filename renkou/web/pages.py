"""The HTML pages. Each is a frame whose figures come from JSON endpoints (its "twins", listed in the footer).

A page declares the same action as its data: the dashboard needs ``aggregate.read`` (analysts), the workbench
``person.read`` (clerks), the steward's page ``feed.read``; a visitor who is not signed in is sent to the log-in page,
a signed-in user of another role gets a page saying the role may not open it (see :mod:`renkou.web.app`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from renkou.api.context import service_of
from renkou.api.permissions import Action, Principal, requires
from renkou.api.service import Service
from renkou.ids import lookup
from renkou.register.codes import (
    EDUCATION,
    EMPLOYMENT,
    HOUSING,
    INSURANCE,
    MARITAL_STATUS,
    RELATION,
    SEX,
    URBAN_RURAL,
)
from renkou.register.feeds import FEEDS
from renkou.web import clerk_forms
from renkou.web.templating import LANDING, Page, render, request_lang

router = APIRouter(include_in_schema=False)

Public = Annotated[Principal, requires(Action.PUBLIC_READ)]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, principal: Public) -> HTMLResponse:
    """The start page: what the service offers, and each role's own page."""
    landing = LANDING.get(principal.role)
    return render(request, principal, Page("home.html", "home.title", ("/api/public",), {"landing": landing}))


@router.get("/login", response_class=HTMLResponse)
async def login(request: Request, principal: Annotated[Principal, requires(Action.LOGIN)]) -> HTMLResponse:
    """The log-in form (it posts to ``/api/auth/login``)."""
    target = request.query_params.get("next", "")
    # Only a path on this site: an absolute or protocol-relative URL would make the form an open redirect.
    safe_next = target if target.startswith("/") and not target.startswith("//") and "\\" not in target else ""
    context = {"next": safe_next, "landing": {role.value: path for role, path in LANDING.items()}}
    return render(request, principal, Page("login.html", "login.title", ("/api/auth/login",), context))


@router.get("/public", response_class=HTMLResponse)
async def public_query(request: Request, principal: Public) -> HTMLResponse:
    """公众人口信息查询: published population by district, sex, age group and year, with CSV download."""
    twins = (
        "/api/public",
        "/api/public/population",
        "/api/public/population.csv",
        "/api/public/indicators",
        "/api/public/projection",
    )
    return render(request, principal, Page("public.html", "public.title", twins))


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard(request: Request, principal: Annotated[Principal, requires(Action.AGGREGATE_READ)]) -> HTMLResponse:
    """The analysts' dashboard: overview cards, pyramid, trends, district map and table, projection fan chart."""
    twins = (
        "/web/api/dashboard/years",
        "/web/api/dashboard/overview",
        "/web/api/dashboard/trend",
        "/web/api/dashboard/pyramid",
        "/web/api/dashboard/projection",
        "/web/api/dashboard/plan",
        "/web/api/dashboard/warnings",
        "/web/api/geo/districts",
    )
    return render(request, principal, Page("dashboard.html", "dashboard.title", twins))


@router.get("/workbench", response_class=HTMLResponse)
async def workbench(request: Request, principal: Annotated[Principal, requires(Action.PERSON_READ)]) -> HTMLResponse:
    """The clerk's workbench: find a person by ID number, read the history, record an event."""
    lang = request_lang(request)
    twins = ("/api/persons/{id_number}", "/web/api/events", "/web/api/events/forms", "/web/api/workbench/recent")
    own = [(code, _division_name(code)) for code in sorted(principal.districts)]
    context = {
        "forms": clerk_forms.form_view(lang),
        "district_choices": own,
        "district_names": [f"{code} {name}" for code, name in own],
        "city_districts": await run_in_threadpool(_city_districts, service_of(request)),
        "code_lists": clerk_forms.code_list_view(
            {
                "sex": SEX,
                "urban_rural": URBAN_RURAL,
                "education": EDUCATION,
                "relation": RELATION,
                "housing": HOUSING,
                "marital_status": MARITAL_STATUS,
                "employment": EMPLOYMENT,
                "insurance": INSURANCE,
            },
            lang,
        ),
    }
    return render(request, principal, Page("workbench.html", "workbench.title", twins, context))


def _division_name(code: str) -> str:
    division = lookup(code)
    return division.name if division else ""


def _city_districts(service: Service) -> list[tuple[str, str]]:
    """(code, name) of the register's city's districts in use this year (for the forms' district lists)."""
    from renkou.stats.counts import district_list

    with service.database():
        register = service.register
        return district_list(register.engine, register.city, register.city_prefix, service.now().year)


@router.get("/steward", response_class=HTMLResponse)
async def steward(request: Request, principal: Annotated[Principal, requires(Action.FEED_READ)]) -> HTMLResponse:
    """The department steward's page: upload the feed's file, read its quarantine and findings."""
    feed = principal.feed or ""
    declared = FEEDS.get(feed)
    lang = request_lang(request)
    department = (declared.department_zh if lang == "zh" else declared.department_en) if declared else feed
    twins = (
        f"/api/feeds/{feed}/batches",
        f"/api/feeds/{feed}/quarantine",
        f"/web/api/feeds/{feed}/findings",
        "/web/api/feeds/upload",
    )
    return render(
        request, principal, Page("steward.html", "steward.title", twins, {"feed": feed, "department": department})
    )
