"""Wiring of the web part into the service's FastAPI application: routers, static files, HTML error pages."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from renkou.api.errors import ApiError
from renkou.api.permissions import ANONYMOUS, Principal
from renkou.web import i18n
from renkou.web.templating import STATIC_DIR, Page, render, request_lang

JSON_PREFIXES = ("/api/", "/web/api/", "/openapi.json", "/static/")
STATIC_MAX_AGE = 7 * 86400  # static URLs carry a content digest, so a week's caching never serves a stale file


class VersionedStatic(StaticFiles):
    """Static files that browsers may cache (the service otherwise sends ``no-store``)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, with a long ``Cache-Control`` when it was found."""
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response


def is_page(path: str) -> bool:
    """True for an HTML page (not the API, the web JSON endpoints or a static file)."""
    return not path.startswith(JSON_PREFIXES)


def install(app: FastAPI) -> None:
    """Add the routers, the static files and the HTML form of errors on pages (and of unknown page addresses)."""
    from renkou.web import (
        clerk_api,
        dashboard_api,
        disclosure_pages,
        linkage_pages,
        pages,
        permits_pages,
        points_pages,
        points_public,
        steward_api,
    )

    modules = (pages, dashboard_api, clerk_api, steward_api, disclosure_pages, points_pages, permits_pages)
    for module in (*modules, linkage_pages, points_public):
        app.include_router(module.router)
    app.mount("/static", VersionedStatic(directory=STATIC_DIR, check_dir=False), name="static")
    _html_errors(app)


def _html_errors(app: FastAPI) -> None:
    """On pages, errors become HTML: log in first (redirect), not allowed (a page saying so), others likewise.

    The API's JSON error handler stays in charge of everything else; this wraps it.
    """
    json_handler: Any = app.exception_handlers.get(ApiError)

    async def api_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        if not is_page(request.url.path) or json_handler is None:
            if json_handler is None:
                raise error
            response: Response = await json_handler(request, error)
            return response
        if error.status == 401:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?{_next_query(target)}", status_code=303)
        principal: Principal = getattr(request.state, "principal", None) or ANONYMOUS
        lang = request_lang(request)
        page = Page(
            "error.html",
            "error.title",
            context={"status": error.status, "message": i18n.bilingual(error.zh, error.en, lang)},
            status=error.status,
        )
        return render(request, principal, page)

    app.add_exception_handler(ApiError, api_error)

    async def missing(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code != 404 or not is_page(request.url.path):
            return await http_exception_handler(request, error)
        lang = request_lang(request)
        message = i18n.translate("error.not_found", lang)
        return render(
            request,
            ANONYMOUS,
            Page("error.html", "error.title", context={"status": 404, "message": message}, status=404),
        )

    app.add_exception_handler(StarletteHTTPException, missing)


def _next_query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
