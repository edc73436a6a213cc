"""The dashboard's JSON endpoints against the synthetic city's ground truth (counted in service_city with plain date
arithmetic), and their caching across writes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import PASSWORD, Env


@pytest.fixture
def analyst(env: Env) -> Env:
    env.login("analyst1")
    return env


def test_years_are_the_year_ends_with_events(analyst: Env) -> None:
    # Baseline 31 December 2018, events in 2019 and 2020, and the service's clock in June 2021.
    assert analyst.client.get("/web/api/dashboard/years").json() == {"years": [2018, 2019, 2020], "default": 2020}


def test_overview_against_the_truth(analyst: Env) -> None:
    body = analyst.client.get("/web/api/dashboard/overview", params={"year": 2020}).json()
    city = analyst.city
    assert body["year"] == 2020 and body["previous_year"] == 2019 and body["city"]["code"] == "330100"
    cards = {card["key"]: card for card in body["cards"]}
    now, before = city.registered_on(date(2020, 12, 31)), city.registered_on(date(2019, 12, 31))
    assert cards["card.registered"]["value"] == sum(now.values())
    assert cards["card.registered"]["previous"] == sum(before.values())
    assert cards["card.registered"]["change"] == sum(now.values()) - sum(before.values())
    # Everyone born or dying here lives here: the resident births and deaths are the city's.
    assert cards["card.births"]["value"] == len(city.births_in(2020))
    assert cards["card.births"]["previous"] == len(city.births_in(2019))
    assert cards["card.deaths"]["value"] == len(city.deaths_in(2020))
    # The floating population: everyone with hukou elsewhere who registered a residence (none left or died).
    assert cards["card.floating"]["value"] == sum(1 for p in city.persons if p.hukou is None)
    rows = {row["code"]: row for row in body["districts"]}
    # Every district of the city is listed, the empty ones with zero.
    assert {code: row["registered"] for code, row in rows.items() if row["registered"]} == now
    assert rows["330110"]["registered"] == 0 and rows["330110"]["name"] == "余杭区"
    assert rows["330106"]["floating"] == sum(1 for p in city.persons if p.hukou is None)
    assert rows["330102"]["name"] == "上城区"


def test_first_year_has_no_previous(analyst: Env) -> None:
    body = analyst.client.get("/web/api/dashboard/overview", params={"year": 2018}).json()
    assert body["previous_year"] is None
    assert all(card["change"] is None for card in body["cards"])


def test_unknown_year_names_the_available_ones(analyst: Env) -> None:
    response = analyst.client.get("/web/api/dashboard/overview", params={"year": 2017})
    assert response.status_code == 404 and "2018, 2019, 2020" in response.json()["error"]["en"]
    assert analyst.client.get("/web/api/dashboard/overview", params={"year": "x"}).status_code == 422


def test_trend_against_the_truth(analyst: Env) -> None:
    body = analyst.client.get("/web/api/dashboard/trend").json()
    assert body["years"] == [2018, 2019, 2020]
    expected = [sum(analyst.city.registered_on(date(y, 12, 31)).values()) for y in body["years"]]
    assert body["series"]["registered.population"] == expected
    # The year of the baseline has no births or deaths to count (it starts before the register).
    assert body["series"]["resident.births"] == [
        None,
        len(analyst.city.births_in(2019)),
        len(analyst.city.births_in(2020)),
    ]


def test_pyramid_against_the_truth(analyst: Env) -> None:
    day = date(2019, 12, 31)
    expected = {"F": [0] * 18, "M": [0] * 18}
    for person in analyst.city.persons:
        if person.hukou_on(day) is not None and person.alive_on(day):
            expected[person.sex][min(person.age_on(day) // 5, 17)] += 1
    body = analyst.client.get("/web/api/dashboard/pyramid", params={"year": 2019, "kind": "registered"}).json()
    assert (body["F"], body["M"]) == (expected["F"], expected["M"])
    assert body["age_groups"][-1] == "85+" and body["as_of"] == "2019-12-31"
    floating = analyst.client.get("/web/api/dashboard/pyramid", params={"kind": "floating"}).json()
    assert floating["year"] == 2020
    assert sum(floating["F"]) + sum(floating["M"]) == sum(1 for p in analyst.city.persons if p.hukou is None)
    assert analyst.client.get("/web/api/dashboard/pyramid", params={"kind": "everyone"}).status_code == 422


def test_projection_from_the_register(analyst: Env) -> None:
    body = analyst.client.get("/web/api/dashboard/projection", params={"year": 2020}).json()
    assert body["available"] is True and body["base_year"] == 2020
    assert body["years"][0] == 2020 and body["years"][-1] == 2035
    resident_2020 = analyst.client.get(
        "/api/stats/population", params={"on": "2020-12-31", "kind": "resident", "by": ""}
    ).json()["rows"][0]["population"]
    for variant in ("low", "medium", "high"):
        assert body["variants"][variant][0] == resident_2020
    assert body["assumptions"]["net_migration"] == 0  # nobody moved in or out of the city in 2020
    assert body["variants"]["low"][-1] < body["variants"]["medium"][-1] < body["variants"]["high"][-1]


def test_projection_of_a_year_without_rates_says_why(analyst: Env) -> None:
    body = analyst.client.get("/web/api/dashboard/projection", params={"year": 2018}).json()
    assert body["available"] is False and "2018" in body["reason"]["en"]


def test_geo_shapes_carry_their_source(analyst: Env) -> None:
    response = analyst.client.get("/web/api/geo/districts")
    assert response.status_code == 200
    shapes = response.json()
    codes = {feature["properties"]["code"] for feature in shapes["features"]}
    assert {"330102", "330106", "330127"} <= codes
    assert "SOURCES.md" in shapes["source"]["en"]


def test_figures_follow_a_write(env: Env) -> None:
    env.login("analyst1")
    before = env.client.get("/web/api/dashboard/overview", params={"year": 2020}).json()
    # A late registration of a 2020 death, through the desk: the cached figures must not survive it.
    person = env.city.local("330106", date(2021, 6, 1))
    headers = env.login("clerk_xihu")
    values = {"id_number": person.id_number, "occurred_on": "2020-11-30"}
    recorded = env.client.post("/web/api/events", json={"event_type": "death", "values": values}, headers=headers)
    assert recorded.status_code == 201, recorded.text
    env.login("analyst1")
    after = env.client.get("/web/api/dashboard/overview", params={"year": 2020}).json()
    deaths = {b["key"]: b["value"] for b in before["cards"]}["card.deaths"]
    assert {c["key"]: c["value"] for c in after["cards"]}["card.deaths"] == deaths + 1
    registered = {c["key"]: c["value"] for c in after["cards"]}["card.registered"]
    assert registered == {c["key"]: c["value"] for c in before["cards"]}["card.registered"] - 1


def test_a_long_computation_does_not_hold_up_other_requests(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The indicator set runs on its own connection: while it runs, signed-in requests (which look up their
    session under the service's lock) and writes still go through."""
    import threading

    from fastapi.testclient import TestClient

    from renkou.stats import compute

    started, release = threading.Event(), threading.Event()
    real = compute.compute_stats

    def slow(register: Any, request: Any) -> Any:
        started.set()
        assert release.wait(30)
        return real(register, request)

    monkeypatch.setattr(compute, "compute_stats", slow)
    env.login("analyst1")
    answers: list[int] = []
    worker = threading.Thread(
        target=lambda: answers.append(env.client.get("/web/api/dashboard/overview?year=2019").status_code)
    )
    worker.start()
    try:
        assert started.wait(30)
        other = TestClient(env.client.app, follow_redirects=False)
        login = other.post("/api/auth/login", json={"username": "clerk_xihu", "password": PASSWORD})
        assert login.status_code == 200
        assert other.get("/api/auth/me").json()["username"] == "clerk_xihu"
        person = env.city.local("330106", date(2021, 6, 1))
        values = {"id_number": person.id_number, "occurred_on": "2021-05-02"}
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        written = other.post("/web/api/events", json={"event_type": "death", "values": values}, headers=headers)
        assert written.status_code == 201
    finally:
        release.set()
        worker.join(60)
    assert answers == [200]
