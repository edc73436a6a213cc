"""The FastAPI application factory.

``create_app(service)`` assembles the routers, the error handlers and the security headers. Web pages are another
router: a package ``renkou.web`` that defines ``register(app: FastAPI) -> None`` is picked up when present, and its
routes declare their action with :func:`renkou.api.permissions.requires` like the API's do (every page then has
its JSON twin in the API).
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from renkou import __version__
from renkou.api import published, sessions, setup
from renkou.api.errors import ApiError
from renkou.api.fastpath import PublicFastPath
from renkou.api.routers import (
    admin,
    audit_log,
    auth,
    disclosure,
    feeds,
    permits,
    persons,
    points,
    public,
    public_figures,
    stats,
)
from renkou.api.service import Service
from renkou.errors import UserError
from renkou.register.population import KINDS

DESCRIPTION = (
    "人口登记、统计与公共查询服务。公众可查询公开的汇总数据（少于 10 人的单元格不公布）；"
    "工作人员按角色登录后访问相应功能，所有个人记录的读取和所有写操作均记入哈希链审计日志。\n\n"
    "Population register, statistics and public query service. The public reads published aggregates (no cell "
    "under 10 persons); staff log in and reach what their role allows; every read of a person's record and every "
    "write is in a hash-chained audit log."
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'"),
]


class SecurityHeaders:
    """Adds the security headers to every response, and ``Cache-Control``: public figures may be cached for a few
    minutes, anything else never (it may be personal). Plain ASGI, so it costs next to nothing per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        public = str(scope.get("path", "")).startswith("/api/public")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in SECURITY_HEADERS if name not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"public, max-age=300" if public else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def warm_published(service: Service) -> None:
    """Compute the latest year's published tables, indicators and projection (medium variant), so the first visitor
    does not wait for them (seconds on a large register)."""
    years = published.years(service)
    if years:
        for kind in KINDS:
            published.table(service, years[-1], kind)
    from renkou.api import public_figures

    base, projected = public_figures.projection_years(service)
    if base is not None:
        for kind in KINDS:
            public_figures.indicators(service, base, kind)
        for year in projected:
            public_figures.projection_table(service, "medium", year)


def create_app(service: Service, *, warm: bool = False, pages: bool = True) -> FastAPI:
    """The application serving ``service``; with ``warm``, published tables are computed in the background; with
    ``pages``, the web pages of ``renkou.web`` are added when that package is installed."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=warm_published, args=(service,), daemon=True, name="renkou-warm").start()
        yield

    # The interactive /docs page would fetch its scripts from a CDN: left out; the OpenAPI document is served.
    app = FastAPI(
        title="renkou 人口",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.resolve_principal = sessions.make_resolver(service)
    app.state.setup_secret = None  # set by ``renkou serve`` while the register has no admin (renkou.api.setup)
    app.state.setup_database = None
    routers = (
        public,
        public_figures,
        auth,
        admin,
        persons,
        feeds,
        stats,
        audit_log,
        setup,
        disclosure,
        points,
        permits,
    )
    for module in routers:
        app.include_router(module.router)
    _add_error_handlers(app)
    if pages:
        _add_pages(app)
    app.add_middleware(PublicFastPath, service=service)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: it also covers the fast path's answers
    return app


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every endpoint of the app, whether added directly or through included routers (FastAPI keeps an included
    router as one node whose ``original_router`` holds its routes)."""
    found: list[APIRoute] = []
    pending: list[Any] = list(app.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute):
            found.append(route)
        elif getattr(route, "original_router", None) is not None:
            pending.extend(route.original_router.routes)
    return found


def _add_error_handlers(app: FastAPI) -> None:
    async def api_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ApiError)
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

    async def user_error(_request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, UserError)
        return JSONResponse({"error": {"code": error.code, "zh": error.zh, "en": error.en}}, status_code=400)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(UserError, user_error)


def _add_pages(app: FastAPI) -> None:
    if importlib.util.find_spec("renkou.web") is None:
        return
    web: Any = importlib.import_module("renkou.web")
    register = getattr(web, "register", None)
    if callable(register):
        register(app)
