"""Rendering pages: the Jinja2 environment, versioned static URLs, the language of a request and the page frame.

Pages obey the service's Content-Security-Policy (``default-src 'self'``): no inline script or style attribute;
data reach the scripts through ``<script type="application/json">`` blocks and ``data-*`` attributes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from renkou import __version__
from renkou.api.permissions import ROLE_ZH, Principal, Role
from renkou.web import i18n
from renkou.web.i18n import Lang

STATIC_DIR = Path(str(resources.files("renkou.web") / "static"))
VENDOR_DIR = STATIC_DIR / "vendor"
ROLE_EN = {
    Role.ADMIN: "administrator",
    Role.CLERK: "hukou desk clerk",
    Role.STEWARD: "department data steward",
    Role.ANALYST: "analyst",
    Role.POINTS_OFFICER: "points officer",
    Role.DISCLOSURE_OFFICER: "disclosure officer",
    Role.AUDITOR: "auditor",
    Role.PUBLIC: "public",
}


@dataclass(frozen=True)
class NavItem:
    """A link of the top bar, shown to the roles that may open it."""

    path: str
    key: str
    roles: frozenset[Role]


NAV = (
    NavItem("/public", "nav.public", frozenset(Role)),
    NavItem("/points/published", "nav.points_public", frozenset(Role)),
    NavItem("/dashboard", "nav.dashboard", frozenset({Role.ANALYST})),
    NavItem("/workbench", "nav.workbench", frozenset({Role.CLERK})),
    NavItem("/steward", "nav.steward", frozenset({Role.STEWARD})),
    NavItem("/permits", "nav.permits", frozenset({Role.CLERK})),
    NavItem("/linkage", "nav.linkage", frozenset({Role.CLERK})),
    NavItem("/points", "nav.points", frozenset({Role.POINTS_OFFICER})),
    NavItem("/disclosure", "nav.disclosure", frozenset({Role.DISCLOSURE_OFFICER})),
    NavItem("/disclosure/apply", "nav.disclosure_apply", frozenset({Role.PUBLIC})),
)
LANDING = {
    Role.ANALYST: "/dashboard",
    Role.CLERK: "/workbench",
    Role.STEWARD: "/steward",
    Role.POINTS_OFFICER: "/points",
    Role.DISCLOSURE_OFFICER: "/disclosure",
}


@dataclass(frozen=True)
class Page:
    """What a page handler hands to :func:`render`."""

    template: str
    title_key: str
    twins: tuple[str, ...] = ()  # JSON twins of the page (API paths)
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescaped HTML)."""
    env = Environment(
        loader=PackageLoader("renkou.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    return env


@lru_cache(maxsize=256)
def _file_digest(relative: str) -> str:
    path = STATIC_DIR / relative
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return __version__


def static_url(relative: str) -> str:
    """The URL of a static file, versioned by its content so that browsers may cache it for long."""
    return f"/static/{relative}?v={_file_digest(relative)}"


def charts_available() -> bool:
    """True when ``scripts/build_frontend.py`` has copied ECharts into the static folder."""
    return (VENDOR_DIR / "echarts" / "echarts.min.js").is_file()


def request_lang(request: Request) -> Lang:
    """The language of this request (``?lang=`` first, then the cookie)."""
    return i18n.pick_lang(request.query_params.get(i18n.LANG_PARAM), request.cookies.get(i18n.LANG_COOKIE))


def lang_switch_url(request: Request, lang: Lang) -> str:
    """This page's URL in the other language (other query parameters kept)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != i18n.LANG_PARAM]
    params.append((i18n.LANG_PARAM, i18n.other_lang(lang)))
    return f"{request.url.path}?{urlencode(params)}"


def role_name(role: Role, lang: Lang) -> str:
    """A role's name in the page language."""
    return ROLE_ZH[role] if lang == "zh" else ROLE_EN[role]


def render(request: Request, principal: Principal, page: Page) -> HTMLResponse:
    """Render ``page`` for ``principal``; a ``?lang=`` choice is remembered in a cookie."""
    lang = request_lang(request)

    def t(key: str, **values: object) -> str:
        return i18n.translate(key, lang, **values)

    context = {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": t,
        "title_key": page.title_key,
        "principal": principal,
        "signed_in": not principal.is_anonymous,
        "role_name": role_name(principal.role, lang),
        "csrf": principal.csrf_token or "",
        "nav": [item for item in NAV if principal.role in item.roles],
        "path": request.url.path,
        "lang_url": lang_switch_url(request, lang),
        "other_lang": i18n.other_lang(lang),
        "js_messages": i18n.script_messages(lang),
        "twins": page.twins,
        "charts_available": charts_available(),
        **page.context,
    }
    body = environment().get_template(page.template).render(context)
    response = HTMLResponse(body, status_code=page.status)
    chosen = request.query_params.get(i18n.LANG_PARAM)
    if chosen in i18n.LANGS:
        response.set_cookie(i18n.LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", path="/")
    return response
