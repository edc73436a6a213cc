"""The pages as HTML: language by query and cookie, the Content-Security-Policy kept (no inline script or style),
versioned static files that browsers may cache, and navigation by role."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import Env

PAGES = {
    "/": None,
    "/login": None,
    "/public": None,
    "/dashboard": "analyst1",
    "/workbench": "clerk_xihu",
    "/steward": "steward_hukou",
}


class Inline(HTMLParser):
    """Collects what the CSP ``default-src 'self'`` would block: inline scripts, style attributes and elements,
    event-handler attributes, and resources from other origins."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_script: str | None = None
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("src", "href") and value and re.match(r"^(https?:)?//", value):
                self.problems.append(f"<{tag} {name}={value}> (another origin)")
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script":
            self.in_script = "external" if found.get("src") else str(found.get("type"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = None

    def handle_data(self, data: str) -> None:
        if self.in_script not in (None, "external", "application/json") and data.strip():
            self.problems.append(f"inline script: {data[:40]}")


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_keep_the_content_security_policy(env: Env, path: str) -> None:
    env.login(PAGES[path])
    response = env.client.get(path)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    parser = Inline()
    parser.feed(response.text)
    assert parser.problems == []
    assert len(parser.ids) == len(set(parser.ids)), "duplicate element ids"


def test_chinese_by_default_english_on_request_and_remembered(env: Env) -> None:
    first = env.client.get("/public")
    assert '<html lang="zh-CN"' in first.text and "公众人口信息查询" in first.text
    assert 'href="/public?lang=en"' in first.text  # the toggle
    english = env.client.get("/public?lang=en")
    assert '<html lang="en"' in english.text and "Public population query" in english.text
    assert "renkou_lang=en" in english.headers["set-cookie"]
    again = env.client.get("/public")  # the cookie keeps English
    assert '<html lang="en"' in again.text and 'href="/public?lang=zh"' in again.text
    back = env.client.get("/public?lang=zh")
    assert '<html lang="zh-CN"' in back.text


def test_language_toggle_keeps_the_query(env: Env) -> None:
    page = env.client.get("/public?year=2019&kind=floating")
    assert 'href="/public?year=2019&amp;kind=floating&amp;lang=en"' in page.text


def test_static_files_are_versioned_and_cacheable(env: Env) -> None:
    page = env.client.get("/")
    links = re.findall(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"', page.text)
    assert links, "no versioned static links"
    for path, _version in links:
        response = env.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"].startswith("public, max-age="), path
    assert env.client.get("/static/no-such-file.js").status_code == 404


def test_navigation_follows_the_role(env: Env) -> None:
    env.login("clerk_xihu")
    page = env.client.get("/public").text
    assert 'href="/workbench"' in page and 'href="/dashboard"' not in page.split("</header>")[0]
    assert "clerk_xihu" in page and 'id="logout"' in page
    env.login(None)
    anonymous = env.client.get("/public").text.split("</header>")[0]
    assert 'href="/workbench"' not in anonymous and 'id="login-link"' in anonymous


def test_signed_in_pages_carry_the_csrf_token(env: Env) -> None:
    headers = env.login("clerk_xihu")
    page = env.client.get("/workbench").text
    assert f'<meta name="csrf-token" content="{headers["X-CSRF-Token"]}">' in page
    env.login(None)
    assert '<meta name="csrf-token" content="">' in env.client.get("/public").text


def test_workbench_offers_only_the_clerks_districts_for_new_persons(env: Env) -> None:
    env.login("clerk_xihu")
    page = env.client.get("/workbench").text
    select = page.split('id="birth-hukou_region"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\d{6})"', select) == ["330106"]
    assert "330106 西湖区" in page


def test_dashboard_without_the_chart_library_says_how_to_build_it(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from renkou.web import templating

    monkeypatch.setattr(templating, "charts_available", lambda: False)
    env.login("analyst1")
    page = env.client.get("/dashboard").text
    assert 'id="charts-missing"' in page and "scripts/build_frontend.py" in page
    assert "echarts.min.js" not in page


def test_unknown_addresses(env: Env) -> None:
    page = env.client.get("/no-such-page?lang=en")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no such page" in page.text
    # The API's unknown paths stay JSON.
    api = env.client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    assert env.client.get("/web/api/nothing").headers["content-type"].startswith("application/json")
