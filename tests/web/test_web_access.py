"""Role x route matrix of the web part: every page and every /web/api endpoint reaches exactly the roles it may.

The matrix is written out by hand (not derived from renkou.api.permissions.GRANTS), and every route the web part adds
must appear in it. A page refused to the public sends the browser to the log-in page; refused to a signed-in role it
is an HTML page saying so; the JSON endpoints answer with the API's JSON errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import ROLE_USER, Env

from renkou.api.app import api_routes, create_app
from renkou.api.permissions import route_action

ROLES = ("public", "admin", "clerk", "steward", "analyst", "points_officer", "disclosure_officer", "auditor")
EVERYONE = set(ROLES)


@dataclass(frozen=True)
class Call:
    """One route, how to call it, who may, and what the allowed get."""

    method: str
    route: str
    allowed: set[str]
    request: Callable[[Env], dict[str, Any]]
    allowed_status: int = 200
    page: bool = False


def upload(env: Env) -> dict[str, Any]:
    person = env.city.local("330106", env.service.now().date())
    text = f"event_type,id_number,occurred_on\ndeath,{person.id_number},2021-05-02\n"
    return {"url": "/web/api/feeds/upload", "files": {"file": ("deaths.csv", text.encode(), "text/csv")}}


def record(env: Env) -> dict[str, Any]:
    person = env.city.local("330106", env.service.now().date())
    values = {"id_number": person.id_number, "occurred_on": "2021-05-03"}
    return {"url": "/web/api/events", "json": {"event_type": "death", "values": values}}


def published_round(env: Env) -> dict[str, Any]:
    """A small points round, published (its public page is for everyone)."""
    from renkou.api.routers.points import _store
    from renkou.points import rounds

    data = "applicant_id,name,has_permit,sex,age,insurance_years\n110101199001010014,甲乙,true,M,30,9\n"
    today = env.service.today()
    with env.service.database():
        store = _store(env.service)
        opened = rounds.create_round(
            store, rules="beijing-2016", data=data.encode(), file_name="a.csv", quota=1, opens=today, closes=today,
            title="matrix", user="points1", now=env.service.now(), clock=env.service.now,
        )  # fmt: skip
        store.publish(opened.info.round_id, "points1", env.service.now())
    return {"url": f"/points/published/{opened.info.round_id}"}


MATRIX = [
    Call("GET", "/", EVERYONE, lambda env: {"url": "/"}, page=True),
    Call("GET", "/login", EVERYONE, lambda env: {"url": "/login"}, page=True),
    Call("GET", "/public", EVERYONE, lambda env: {"url": "/public"}, page=True),
    Call("GET", "/dashboard", {"analyst"}, lambda env: {"url": "/dashboard"}, page=True),
    Call("GET", "/workbench", {"clerk"}, lambda env: {"url": "/workbench"}, page=True),
    Call("GET", "/steward", {"steward"}, lambda env: {"url": "/steward"}, page=True),
    Call("GET", "/points", {"points_officer"}, lambda env: {"url": "/points"}, page=True),
    Call("GET", "/permits", {"clerk"}, lambda env: {"url": "/permits"}, page=True),
    Call("GET", "/points/published", EVERYONE, lambda env: {"url": "/points/published"}, page=True),
    Call("GET", "/points/published/{round_id}", EVERYONE, published_round, page=True),
    Call("GET", "/disclosure/apply", EVERYONE, lambda env: {"url": "/disclosure/apply"}, page=True),
    Call("GET", "/disclosure/status", EVERYONE, lambda env: {"url": "/disclosure/status"}, page=True),
    Call("GET", "/disclosure", {"disclosure_officer"}, lambda env: {"url": "/disclosure"}, page=True),
    Call("GET", "/web/api/dashboard/years", {"analyst"}, lambda env: {"url": "/web/api/dashboard/years"}),
    Call("GET", "/web/api/dashboard/overview", {"analyst"}, lambda env: {"url": "/web/api/dashboard/overview"}),
    Call("GET", "/web/api/dashboard/trend", {"analyst"}, lambda env: {"url": "/web/api/dashboard/trend"}),
    Call(
        "GET",
        "/web/api/dashboard/pyramid",
        {"analyst"},
        lambda env: {"url": "/web/api/dashboard/pyramid?year=2019&kind=registered"},
    ),
    Call(
        "GET",
        "/web/api/dashboard/projection",
        {"analyst"},
        lambda env: {"url": "/web/api/dashboard/projection?year=2020"},
    ),
    Call("GET", "/web/api/dashboard/plan", {"analyst"}, lambda env: {"url": "/web/api/dashboard/plan?year=2020"}),
    Call("GET", "/web/api/dashboard/warnings", {"analyst"}, lambda env: {"url": "/web/api/dashboard/warnings"}),
    Call("GET", "/web/api/geo/districts", EVERYONE, lambda env: {"url": "/web/api/geo/districts"}),
    Call("GET", "/web/api/events/forms", {"clerk"}, lambda env: {"url": "/web/api/events/forms"}),
    Call("POST", "/web/api/events", {"clerk"}, record, 201),
    Call("GET", "/web/api/workbench/recent", {"clerk"}, lambda env: {"url": "/web/api/workbench/recent"}),
    Call("POST", "/web/api/feeds/upload", {"steward"}, upload, 201),
    Call("GET", "/web/api/feeds/{feed}/findings", {"steward"}, lambda env: {"url": "/web/api/feeds/hukou/findings"}),
    Call("GET", "/linkage", {"clerk"}, lambda env: {"url": "/linkage"}, page=True),
    Call("GET", "/web/api/linkage/queue", {"clerk"}, lambda env: {"url": "/web/api/linkage/queue"}),
    Call(
        "POST",
        "/web/api/linkage/decide",
        {"clerk"},
        lambda env: {
            "url": "/web/api/linkage/decide",
            "json": {"run_id": 1, "batch_id": 1, "line": 2, "accept": False},
        },
        404,  # the clerk passes the permission check; this register has no pair under review
    ),
]


def personal_data(env: Env) -> list[str]:
    return [p.id_number for p in env.city.persons] + [p.name for p in env.city.persons if len(p.name) >= 2]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_may(env: Env, role: str) -> None:
    secrets = personal_data(env)
    for call in MATRIX:
        arguments = call.request(env)
        headers = env.login(ROLE_USER.get(role))
        response = env.client.request(call.method, headers=headers, **arguments)
        where = f"{role} {call.method} {call.route}: {response.status_code} {response.text[:200]}"
        if role in call.allowed:
            assert response.status_code == call.allowed_status, where
        elif call.page and role == "public":
            assert response.status_code == 303, where
            assert response.headers["location"] == f"/login?next=%2F{call.route.strip('/')}", where
        elif call.page:
            assert response.status_code == 403 and response.headers["content-type"].startswith("text/html"), where
            assert 'id="error-message"' in response.text, where
        elif role == "public":
            assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated", where
        else:
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", where
        if role != "clerk":
            leaked = [s for s in secrets if s in response.text]
            assert not leaked, f"{where}: personal data {leaked[:1]}"


def test_every_web_route_is_in_the_matrix_and_declares_its_action(env: Env) -> None:
    everything = api_routes(env.client.app)  # type: ignore[arg-type]
    api_only = {
        (route.path, tuple(sorted(route.methods))) for route in api_routes(create_app(env.service, pages=False))
    }
    web = [route for route in everything if (route.path, tuple(sorted(route.methods))) not in api_only]
    assert {(method, route.path) for route in web for method in route.methods} == {
        (call.method, call.route) for call in MATRIX
    }
    for route in web:
        actions = [route_action(dependency.call) for dependency in route.dependant.dependencies]
        assert sum(a is not None for a in actions) == 1, route.path


def test_a_steward_reads_only_its_own_feeds_findings(env: Env) -> None:
    env.login("steward_hukou")
    assert env.client.get("/web/api/feeds/hukou/findings").status_code == 200
    refused = env.client.get("/web/api/feeds/health/findings")
    assert refused.status_code == 403 and "hukou" in refused.json()["error"]["en"]


def test_a_page_for_another_role_says_so_in_the_page_language(env: Env) -> None:
    env.login("analyst1")
    zh = env.client.get("/workbench")
    assert zh.status_code == 403 and "无权访问" in zh.text
    en = env.client.get("/workbench?lang=en")
    assert en.status_code == 403 and "not allowed for your role" in en.text


def test_an_expired_session_on_a_page_goes_back_to_log_in(env: Env) -> None:
    env.login(None)
    env.client.cookies.set("renkou_session", "rks_not-a-session")  # unknown, expired or revoked: all the same
    response = env.client.get("/dashboard?year=2020")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fdashboard%3Fyear%3D2020"


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/dashboard?year=2020", "/dashboard?year=2020"),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example", ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_log_in_returns_only_to_this_site(env: Env, target: str, kept: str) -> None:
    response = env.client.get("/login", params={"next": target})
    assert response.status_code == 200
    assert f'data-next="{kept}"' in response.text.replace("&amp;", "&")
