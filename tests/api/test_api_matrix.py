"""Role x endpoint matrix: every role reaches exactly what it may; the public and analysts never see a person.

The expected matrix is written out here by hand (not derived from renkou.api.permissions.GRANTS), and every route of
the app must appear in it, so a new endpoint cannot slip in unexamined.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from conftest import PASSWORD, ROLE_USER, Env

from renkou.api.app import api_routes
from renkou.api.permissions import route_action

ROLES = ("public", "admin", "clerk", "steward", "analyst", "points_officer", "disclosure_officer", "auditor")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"public"}
counter = itertools.count(1)


@dataclass(frozen=True)
class Call:
    """One endpoint, how to call it, and who may."""

    method: str
    route: str
    allowed: set[str]
    request: Callable[[Env], dict[str, Any]]  # -> keyword arguments of client.request (url, params, json)
    allowed_status: int = 200


def local_person(env: Env) -> str:
    return next(p.id_number for p in env.city.persons if p.hukou == "330106" and not p.moves and not p.died)


def token_to_revoke(env: Env) -> dict[str, Any]:
    with env.service.database() as engine:
        from renkou.api import accounts, sessions

        user = accounts.get_user(engine, "analyst1")
        assert user is not None
        issued = sessions.issue_token(engine, user, "to revoke", 1, env.clock())
    return {"url": f"/api/admin/tokens/{issued.token_id}"}


def disclosure_request(env: Env, *, answered: bool = False) -> tuple[str, str]:
    """A disclosure request received today (number, status secret), stored straight through the desk."""
    from renkou.api.routers.disclosure import desk_of
    from renkou.disclosure.applicants import Applicant, ApplicantKind
    from renkou.disclosure.receipt import Channel
    from renkou.disclosure.responses import Response, ResponseKind
    from renkou.disclosure.store import Actor, RequestDetails

    today = env.service.today()
    actor = Actor("matrix", "disclosure_officer")
    applicant = Applicant(
        ApplicantKind.BUSINESS, "矩阵公司", "统一社会信用代码", "91330100MA2MATRIX1", email="m@example.cn"
    )
    with desk_of(env.service) as desk:
        filed = desk.store.file(
            actor, applicant, RequestDetails("人口统计"), Channel.IN_PERSON, today, received_on=today
        )
        if answered:
            desk.reply(actor, filed.request_no, today, Response(kind=ResponseKind.PROVIDED))
    return filed.request_no, filed.secret


def pending_appeal(env: Env) -> int:
    """A pending administrative review, recorded straight through the desk."""
    from datetime import date

    from renkou.api.routers.disclosure import desk_of
    from renkou.disclosure.store import Actor

    with desk_of(env.service) as desk:
        return int(
            desk.store.add_appeal(
                Actor("matrix", "disclosure_officer"), kind="review", filed_on=date(2021, 3, 1), outcome="pending"
            )
        )


DISCLOSURE_APPLICANT = {"kind": "person", "name": "王五", "id_number": "110101199003074578", "phone": "13800000000"}
DISCLOSURE_OFFICER = {"disclosure_officer"}


# Points rounds and residence permits (renkou.api.routers.points / .permits): a small round stored through the
# service's own code; a floating person of 330106 whose permit, issued in 2019, missed its 2020 endorsement.
POINTS_OFFICER = {"points_officer"}
POINTS_CSV = (
    "applicant_id,name,has_permit,sex,age,insurance_years\n"
    "110101199001010014,甲乙,true,M,30,9\n110101198501010017,丙丁,true,M,35,8\n"
)


def points_round(env: Env, *, objection: bool = False, published: bool = False) -> int:
    from renkou.api.routers.points import _store
    from renkou.points import rounds

    today = env.service.today()
    with env.service.database():
        store = _store(env.service)
        opened = rounds.create_round(
            store, rules="beijing-2016", data=POINTS_CSV.encode(), file_name="a.csv", quota=1, opens=today,
            closes=today, title="matrix", user="points1", now=env.clock(), clock=env.clock,
        )  # fmt: skip
        round_id = opened.info.round_id
        if objection:
            opened.round.file_objection("110101198501010017", today, "years", {"insurance_years": "10"})
            store.append(round_id, opened.round.history.records)
        if published:
            store.publish(round_id, "points1", env.clock())
    return round_id


def floating_person(env: Env, *, issued: bool = False, nth: int = 0) -> str:
    from renkou.api.routers.permits import _desk

    floating = [p.id_number for p in env.city.persons if p.hukou is None and p.residence == "330106"]
    number = floating[nth]  # a permit call of its own gets its own person (the calls run one after another)
    if issued:
        from datetime import date

        from renkou.permits.eligibility import Basis

        with env.service.database():
            _desk(env.service).issue(number, date(2019, 3, 4), declared=(Basis.EMPLOYMENT,))
    return number


MATRIX = [
    Call("GET", "/api/health", EVERYONE, lambda env: {"url": "/api/health"}),
    Call("GET", "/api/public", EVERYONE, lambda env: {"url": "/api/public"}),
    Call("GET", "/api/public/method", EVERYONE, lambda env: {"url": "/api/public/method"}),
    Call("GET", "/api/public/population", EVERYONE, lambda env: {"url": "/api/public/population"}),
    Call("GET", "/api/public/population.csv", EVERYONE, lambda env: {"url": "/api/public/population.csv"}),
    Call("GET", "/api/public/indicators", EVERYONE, lambda env: {"url": "/api/public/indicators"}),
    Call("GET", "/api/public/indicators.csv", EVERYONE, lambda env: {"url": "/api/public/indicators.csv"}),
    Call("GET", "/api/public/projection", EVERYONE, lambda env: {"url": "/api/public/projection?by=district"}),
    Call("GET", "/api/public/projection.csv", EVERYONE, lambda env: {"url": "/api/public/projection.csv?by=sex"}),
    Call(
        "POST",
        "/api/auth/login",
        EVERYONE,
        lambda env: {"url": "/api/auth/login", "json": {"username": "points1", "password": PASSWORD}},
    ),
    Call("POST", "/api/auth/logout", SIGNED_IN, lambda env: {"url": "/api/auth/logout"}),
    Call("GET", "/api/auth/me", SIGNED_IN, lambda env: {"url": "/api/auth/me"}),
    Call(
        "POST",
        "/api/auth/password",
        SIGNED_IN,
        lambda env: {"url": "/api/auth/password", "json": {"current_password": PASSWORD, "new_password": PASSWORD}},
    ),
    Call("GET", "/api/admin/users", {"admin"}, lambda env: {"url": "/api/admin/users"}),
    Call(
        "POST",
        "/api/admin/users",
        {"admin"},
        lambda env: {
            "url": "/api/admin/users",
            "json": {"username": f"made{next(counter)}", "password": "a long enough passphrase", "role": "analyst"},
        },
        201,
    ),
    Call(
        "PATCH",
        "/api/admin/users/{username}",
        {"admin"},
        lambda env: {"url": "/api/admin/users/points1", "json": {"display_name": "积分窗口"}},
    ),
    Call(
        "POST",
        "/api/admin/users/{username}/password",
        {"admin"},
        lambda env: {"url": "/api/admin/users/disclosure1/password", "json": {"password": PASSWORD}},
    ),
    Call("GET", "/api/admin/tokens", {"admin"}, lambda env: {"url": "/api/admin/tokens"}),
    Call(
        "POST",
        "/api/admin/tokens",
        {"admin"},
        lambda env: {"url": "/api/admin/tokens", "json": {"username": "analyst1", "name": "报表系统"}},
        201,
    ),
    Call("DELETE", "/api/admin/tokens/{token_id}", {"admin"}, token_to_revoke),
    Call("GET", "/api/persons/{id_number}", {"clerk"}, lambda env: {"url": f"/api/persons/{local_person(env)}"}),
    Call("GET", "/api/feeds/{feed}/batches", {"steward"}, lambda env: {"url": "/api/feeds/hukou/batches"}),
    Call("GET", "/api/feeds/{feed}/quarantine", {"steward"}, lambda env: {"url": "/api/feeds/hukou/quarantine"}),
    Call(
        "GET",
        "/api/stats/population",
        {"analyst"},
        lambda env: {"url": "/api/stats/population", "params": {"on": "2020-12-31", "by": "district,sex,age"}},
    ),
    Call("GET", "/api/audit", {"auditor"}, lambda env: {"url": "/api/audit"}),
    Call("GET", "/api/audit/verify", {"auditor"}, lambda env: {"url": "/api/audit/verify"}),
    # Open to every role, but closed by its one-time secret: nobody gets in without it (renkou.api.setup).
    Call(
        "POST",
        "/api/setup/admin",
        set(),
        lambda env: {"url": "/api/setup/admin", "json": {"username": "intruder", "password": "x" * 20}},
    ),
    # Government information disclosure (renkou.api.routers.disclosure): the public files and reads its own request.
    Call(
        "POST",
        "/api/disclosure/public/requests",
        EVERYONE,
        lambda env: {
            "url": "/api/disclosure/public/requests",
            "json": {"applicant": DISCLOSURE_APPLICANT, "description": "人口统计"},
        },
        201,
    ),
    Call(
        "POST",
        "/api/disclosure/public/status",
        EVERYONE,
        lambda env: {
            "url": "/api/disclosure/public/status",
            "json": dict(zip(("request_no", "secret"), disclosure_request(env), strict=True)),
        },
    ),
    Call("GET", "/api/disclosure/requests", DISCLOSURE_OFFICER, lambda env: {"url": "/api/disclosure/requests"}),
    Call(
        "POST",
        "/api/disclosure/requests",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": "/api/disclosure/requests",
            "json": {
                "applicant": DISCLOSURE_APPLICANT,
                "description": "人口统计",
                "channel": "in_person",
                "submitted": env.service.today().isoformat(),
            },
        },
        201,
    ),
    Call(
        "GET",
        "/api/disclosure/requests/{request_no}",
        DISCLOSURE_OFFICER,
        lambda env: {"url": f"/api/disclosure/requests/{disclosure_request(env)[0]}"},
    ),
    Call(
        "POST",
        "/api/disclosure/requests/{request_no}/events",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": f"/api/disclosure/requests/{disclosure_request(env)[0]}/events",
            "json": {"kind": "withdrawn", "on": env.service.today().isoformat()},
        },
    ),
    Call(
        "POST",
        "/api/disclosure/requests/{request_no}/reply",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": f"/api/disclosure/requests/{disclosure_request(env)[0]}/reply",
            "json": {"kind": "does_not_exist", "on": env.service.today().isoformat()},
        },
    ),
    Call(
        "POST",
        "/api/disclosure/requests/{request_no}/fee",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": f"/api/disclosure/requests/{disclosure_request(env)[0]}/fee",
            "json": {"method": "pages", "pages": 45, "on": env.service.today().isoformat()},
        },
    ),
    Call(
        "GET",
        "/api/disclosure/requests/{request_no}/letter.{fmt}",
        DISCLOSURE_OFFICER,
        lambda env: {"url": f"/api/disclosure/requests/{disclosure_request(env, answered=True)[0]}/letter.docx"},
    ),
    Call("GET", "/api/disclosure/overdue", DISCLOSURE_OFFICER, lambda env: {"url": "/api/disclosure/overdue"}),
    Call(
        "GET", "/api/disclosure/publications", DISCLOSURE_OFFICER, lambda env: {"url": "/api/disclosure/publications"}
    ),
    Call(
        "POST",
        "/api/disclosure/publications",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": "/api/disclosure/publications",
            "json": {
                "title": "人口统计公报",
                "category": "report",
                "formed_on": "2020-03-02",
                "published_on": "2020-03-20",
            },
        },
        201,
    ),
    Call("GET", "/api/disclosure/appeals", DISCLOSURE_OFFICER, lambda env: {"url": "/api/disclosure/appeals"}),
    Call(
        "POST",
        "/api/disclosure/appeals",
        DISCLOSURE_OFFICER,
        lambda env: {"url": "/api/disclosure/appeals", "json": {"kind": "review", "filed_on": "2021-03-01"}},
        201,
    ),
    Call(
        "POST",
        "/api/disclosure/appeals/{appeal_no}/decision",
        DISCLOSURE_OFFICER,
        lambda env: {
            "url": f"/api/disclosure/appeals/{pending_appeal(env)}/decision",
            "json": {"outcome": "maintained", "decided_on": "2021-05-01"},
        },
    ),
    Call(
        "GET",
        "/api/disclosure/annual-report",
        DISCLOSURE_OFFICER,
        lambda env: {"url": "/api/disclosure/annual-report", "params": {"year": 2020}},
    ),
    Call("GET", "/api/points/rules", POINTS_OFFICER, lambda env: {"url": "/api/points/rules"}),
    Call(
        "POST",
        "/api/points/score",
        POINTS_OFFICER,
        lambda env: {
            "url": "/api/points/score",
            "json": {
                "rules": "beijing-2016",
                "values": {"has_permit": "true", "sex": "F", "age": 33, "insurance_years": 7.5},
            },
        },
    ),
    Call(
        "POST",
        "/api/points/rounds",
        POINTS_OFFICER,
        lambda env: {
            "url": "/api/points/rounds",
            "data": {"rules": "beijing-2016", "opens": "2021-06-01", "closes": "2021-06-07", "quota": "1"},
            "files": {"file": ("a.csv", POINTS_CSV.encode())},
        },
        201,
    ),
    Call("GET", "/api/points/rounds", POINTS_OFFICER, lambda env: {"url": "/api/points/rounds"}),
    Call(
        "GET",
        "/api/points/rounds/{round_id}",
        POINTS_OFFICER,
        lambda env: {"url": f"/api/points/rounds/{points_round(env)}"},
    ),
    Call(
        "POST",
        "/api/points/rounds/{round_id}/publish",
        POINTS_OFFICER,
        lambda env: {"url": f"/api/points/rounds/{points_round(env)}/publish"},
    ),
    Call(
        "GET",
        "/api/points/rounds/{round_id}/public",
        POINTS_OFFICER,
        lambda env: {"url": f"/api/points/rounds/{points_round(env)}/public"},
    ),
    Call(
        "POST",
        "/api/points/rounds/{round_id}/objections",
        POINTS_OFFICER,
        lambda env: {
            "url": f"/api/points/rounds/{points_round(env)}/objections",
            "json": {
                "applicant_id": "110101198501010017",
                "filed_on": "2021-06-01",
                "corrections": {"insurance_years": 10},
            },
        },
        201,
    ),
    Call(
        "POST",
        "/api/points/rounds/{round_id}/objections/{number}/decision",
        POINTS_OFFICER,
        lambda env: {
            "url": f"/api/points/rounds/{points_round(env, objection=True)}/objections/1/decision",
            "json": {"accepted": True, "decided_on": "2021-06-01"},
        },
    ),
    Call(
        "GET",
        "/api/points/rounds/{round_id}/history",
        POINTS_OFFICER,
        lambda env: {"url": f"/api/points/rounds/{points_round(env)}/history"},
    ),
    Call(
        "GET",
        "/api/points/published/{round_id}",
        EVERYONE,
        lambda env: {"url": f"/api/points/published/{points_round(env, published=True)}"},
    ),
    Call(
        "POST",
        "/api/permits/apply",
        {"clerk"},
        lambda env: {"url": "/api/permits/apply", "json": {"id_number": floating_person(env), "basis": ["study"]}},
    ),
    Call(
        "POST",
        "/api/permits/issue",
        {"clerk"},
        lambda env: {"url": "/api/permits/issue", "json": {"id_number": floating_person(env), "basis": ["study"]}},
        201,
    ),
    Call(
        "POST",
        "/api/permits/endorse",
        {"clerk"},
        lambda env: {"url": "/api/permits/endorse", "json": {"id_number": floating_person(env, issued=True)}},
    ),
    Call(
        "POST",
        "/api/permits/restore",
        {"clerk"},
        lambda env: {"url": "/api/permits/restore", "json": {"id_number": floating_person(env, issued=True, nth=1)}},
    ),
    Call(
        "POST",
        "/api/permits/replace",
        {"clerk"},
        lambda env: {"url": "/api/permits/replace", "json": {"id_number": floating_person(env, issued=True, nth=2)}},
    ),
    Call(
        "POST",
        "/api/permits/cancel",
        {"clerk"},
        lambda env: {"url": "/api/permits/cancel", "json": {"id_number": floating_person(env, issued=True, nth=3)}},
    ),
    Call("POST", "/api/permits/suspend", {"clerk"}, lambda env: {"url": "/api/permits/suspend", "json": {}}),
    Call(
        "GET",
        "/api/permits/status/{id_number}",
        {"clerk"},
        lambda env: {"url": f"/api/permits/status/{floating_person(env)}"},
    ),
    Call("GET", "/api/permits/due", {"clerk"}, lambda env: {"url": "/api/permits/due"}),
    Call("GET", "/api/permits/overdue", {"clerk"}, lambda env: {"url": "/api/permits/overdue"}),
]


def fresh_headers(env: Env, role: str) -> dict[str, str]:
    """A new session for the role's user (some calls end sessions or change passwords)."""
    if role == "public":
        return {}
    response = env.client.post("/api/auth/login", json={"username": ROLE_USER[role], "password": PASSWORD})
    assert response.status_code == 200, response.text
    env.client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def personal_data(env: Env) -> list[str]:
    return [p.id_number for p in env.city.persons] + [p.name for p in env.city.persons if len(p.name) >= 2]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_may(env: Env, role: str) -> None:
    secrets = personal_data(env)
    for call in MATRIX:
        arguments = call.request(env)
        response = env.client.request(call.method, headers=fresh_headers(env, role), **arguments)
        env.client.cookies.clear()  # a log-in sets a cookie: keep each call to its own credential
        where = f"{role} {call.method} {call.route}: {response.status_code} {response.text[:200]}"
        if role in call.allowed:
            assert response.status_code == call.allowed_status, where
        elif call.route == "/api/setup/admin":
            assert response.status_code == 403 and response.json()["error"]["code"] == "setup_closed", where
        elif role == "public":
            assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated", where
        else:
            # Refused by the role check itself, not by some later condition (a missing reason, a closed setup).
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", where
        if role in ("public", "analyst", "admin", "auditor", "steward", "points_officer", "disclosure_officer"):
            leaked = [s for s in secrets if s in response.text]
            assert not leaked, f"{where}: personal data {leaked[:1]}"


def test_every_route_is_in_the_matrix_and_declares_its_action(env: Env) -> None:
    routes = api_routes(env.client.app)  # type: ignore[arg-type]
    assert {(method, route.path) for route in routes for method in route.methods} == {
        (call.method, call.route) for call in MATRIX
    }
    for route in routes:
        actions = [route_action(dependency.call) for dependency in route.dependant.dependencies]
        assert sum(a is not None for a in actions) == 1, route.path


def test_steward_reads_only_its_own_feed(env: Env) -> None:
    headers = env.headers("steward_hukou")
    assert env.client.get("/api/feeds/hukou/batches", headers=headers).status_code == 200
    for feed in ("health", "residence"):
        assert env.client.get(f"/api/feeds/{feed}/batches", headers=headers).status_code == 403
        assert env.client.get(f"/api/feeds/{feed}/quarantine", headers=headers).status_code == 403


def test_steward_sees_its_batches(env: Env) -> None:
    batches = env.client.get("/api/feeds/hukou/batches", headers=env.headers("steward_hukou")).json()
    assert [b["file_name"] for b in batches] == ["hukou_changes.csv", "hukou_baseline.csv"]
    # The hukou feed's files carry the baseline of the locals born before it, their deaths and their moves.
    assert sum(b["accepted"] for b in batches) == sum(1 for p in env.city.persons if p.hukou and not p.mother) + sum(
        bool(p.died) + len(p.moves) for p in env.city.persons
    )


def test_analyst_gets_exact_aggregates_but_no_person(env: Env) -> None:
    headers = env.headers("analyst1")
    response = env.client.get(
        "/api/stats/population", params={"on": "2020-12-31", "kind": "registered", "by": "district"}, headers=headers
    )
    assert response.status_code == 200
    counts = {row["district"]: row["population"] for row in response.json()["rows"]}
    tiny = env.city.registered_on(date(2020, 12, 31))["330127"]
    assert counts["330127"] == tiny < 20  # exact, small as it is: internal use
    assert env.client.get(f"/api/persons/{local_person(env)}", headers=headers).status_code == 403
