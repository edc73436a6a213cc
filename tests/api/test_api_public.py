"""The public query service: figures equal an independent count, nothing under 10 is shown, nothing hidden can be
recovered from everything the API publishes, CSV equals JSON, no personal data, bad parameters are refused."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from datetime import date, datetime

import numpy as np
import pytest
from conftest import Env
from scipy.optimize import linprog
from service_city import City

DIMENSIONS = ("district", "sex", "age_group")
GROUPINGS = [list(c) for r in range(4) for c in itertools.combinations(DIMENSIONS, r)]


def age_group(age: int) -> str:
    return "85+" if age >= 85 else f"{age // 5 * 5}-{age // 5 * 5 + 4}"


def truth_registered(city: City, day: date) -> Counter[tuple[str, str, str]]:
    """Registered persons by (district, sex, age group), counted by hand from the synthetic city."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for person in city.registered_persons(day):
        counts[(str(person.hukou_on(day)), person.sex, age_group(person.age_on(day)))] += 1
    return counts


def fetch(env: Env, by: list[str], kind: str = "registered", year: int = 2020) -> list[dict[str, object]]:
    response = env.client.get("/api/public/population", params={"year": year, "kind": kind, "by": ",".join(by)})
    assert response.status_code == 200, response.text
    rows: list[dict[str, object]] = response.json()["rows"]
    return rows


def test_shown_figures_equal_an_independent_count(env: Env) -> None:
    truth = truth_registered(env.city, date(2020, 12, 31))
    shown = 0
    for by in GROUPINGS:
        for row in fetch(env, by):
            expected = sum(
                n for key, n in truth.items() if all(row[d] == key[i] for i, d in enumerate(DIMENSIONS) if d in by)
            )
            if row["suppressed"]:
                assert row["population"] is None
            else:
                shown += 1
                assert row["population"] == expected, (by, row)
    assert shown > 20  # the big districts' figures are published


def test_no_cell_under_ten_and_small_district_is_hidden(env: Env) -> None:
    for kind in ("registered", "resident", "floating"):
        for by in GROUPINGS:
            for row in fetch(env, by, kind):
                assert row["population"] is None or int(row["population"]) >= 10  # type: ignore[call-overload]
    # 淳安 has 13 registered persons split over sexes and ages: its sex totals are under 10, hence hidden.
    rows = fetch(env, ["district", "sex"])
    tiny = [r for r in rows if r["district"] == "330127"]
    assert tiny and all(r["suppressed"] for r in tiny)


def test_nothing_hidden_can_be_recovered_from_all_published_answers(env: Env) -> None:
    """Collect every answer the API gives for one (year, kind) and solve for each hidden cell's range by LP."""
    truth = truth_registered(env.city, date(2020, 12, 31))
    districts = sorted({k[0] for k in truth})
    sexes = ["F", "M"]
    groups = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    axes = [districts, sexes, groups]
    inner = list(itertools.product(*axes))
    equations, values, hidden = [], [], []
    for by in GROUPINGS:
        for row in fetch(env, by):
            coefficients = [
                1.0 if all(row[d] == cell[i] for i, d in enumerate(DIMENSIONS) if d in by) else 0.0 for cell in inner
            ]
            if row["suppressed"]:
                hidden.append((row, coefficients))
            else:
                equations.append(coefficients)
                values.append(float(row["population"]))  # type: ignore[arg-type]
    assert hidden
    a = np.array(equations)
    b = np.array(values)
    for row, coefficients in hidden:
        c = np.array(coefficients)
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None))
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None))
        assert low.status == 0
        upper = np.inf if high.status == 3 else -high.fun
        assert upper - low.fun >= 10 - 1e-6, (row, low.fun, upper)


def test_csv_equals_json(env: Env) -> None:
    params = {"year": 2020, "kind": "resident", "by": "district,sex"}
    as_json = env.client.get("/api/public/population", params=params).json()["rows"]
    response = env.client.get("/api/public/population.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="population-2020-resident.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["district"] for r in rows] == [r["district"] for r in as_json]
    for row, expected in zip(rows, as_json, strict=True):
        if expected["suppressed"]:
            assert (row["population"], row["flag"]) == ("", "x")
        else:
            assert int(row["population"]) == expected["population"]


def test_filters_and_latest_year(env: Env) -> None:
    one = env.client.get("/api/public/population", params={"kind": "registered", "district": "330106", "by": "sex"})
    assert one.status_code == 200
    body = one.json()
    assert body["year"] == 2020  # the clock says 2021-06-01: the latest year-end passed
    assert [r["sex"] for r in body["rows"]] == ["F", "M"]
    assert {r["district"] for r in body["rows"]} == {"330106"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"year": 2021}, 404),  # 31 December 2021 has not come yet (clock: June 2021)
        ({"year": 1999}, 404),
        ({"district": "110101"}, 404),
        ({"age_group": "3-7"}, 404),
        ({"by": "district,district"}, 400),
        ({"by": "name"}, 422),
        ({"kind": "everyone"}, 422),
        ({"sex": "X"}, 422),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(env: Env, params: dict[str, object], status: int) -> None:
    response = env.client.get("/api/public/population", params=params)
    assert response.status_code == status
    if status != 422:
        error = response.json()["error"]
        assert error["zh"] and error["en"]


def test_index_lists_years_kinds_and_method(env: Env) -> None:
    body = env.client.get("/api/public").json()
    assert body["years"] == list(range(2015, 2021))
    assert [k["kind"] for k in body["kinds"]] == ["registered", "resident", "floating"]
    assert "GHMITER" in body["method"]["en"] and "10" in body["method"]["zh"]


def test_no_personal_data_in_any_public_answer(env: Env) -> None:
    numbers = {p.id_number for p in env.city.persons}
    names = {p.name for p in env.city.persons if len(p.name) >= 2}
    for path in ("/api/public", "/api/public/method", "/api/health"):
        text = env.client.get(path).text
        assert not re.search(r"\d{17}[\dX]", text)
    for by in GROUPINGS:
        for suffix in ("", ".csv"):
            text = env.client.get(
                f"/api/public/population{suffix}", params={"by": ",".join(by), "kind": "floating"}
            ).text
            assert not any(n in text for n in numbers)
            assert not any(n in text for n in names)


def test_answers_are_cached_until_the_register_changes(env: Env) -> None:
    first = env.client.get("/api/public/population", params={"year": 2020, "kind": "registered"}).content
    assert env.service.answers.get((2020, "registered", ("district",), None, None, None, "json")) == first
    env.service.data_changed()
    assert env.service.answers.get((2020, "registered", ("district",), None, None, None, "json")) is None
    assert env.client.get("/api/public/population", params={"year": 2020, "kind": "registered"}).content == first


def test_public_answers_carry_security_headers(env: Env) -> None:
    response = env.client.get("/api/public/population")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"].startswith("public")
    login = env.client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    assert login.headers["cache-control"] == "no-store"


def test_repeated_query_is_replayed_from_memory_with_the_same_bytes_and_headers(env: Env) -> None:
    url = "/api/public/population.csv?year=2020&kind=floating&by=district,sex"
    first = env.client.get(url)
    key = ("/api/public/population.csv", b"year=2020&kind=floating&by=district,sex", env.service.today())
    assert env.service.responses.get(key)
    second = env.client.get(url)
    assert second.content == first.content
    for header in ("content-type", "content-disposition", "content-length", "x-content-type-options", "cache-control"):
        assert second.headers[header] == first.headers[header]
    env.service.data_changed()
    assert env.service.responses.get(key) is None


def test_replay_still_obeys_the_permission_table(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    from renkou.api.permissions import GRANTS, Action, Role

    url = "/api/public/population?year=2020"
    assert env.client.get(url).status_code == 200
    monkeypatch.setitem(GRANTS, Action.PUBLIC_READ, frozenset(GRANTS[Action.PUBLIC_READ] - {Role.PUBLIC}))
    assert env.client.get(url).status_code == 401  # not replayed: the dependency refuses the anonymous caller
    assert env.client.get(url, headers=env.headers("analyst1")).status_code == 200


def test_errors_are_not_replayed(env: Env) -> None:
    assert env.client.get("/api/public/population?year=2021").status_code == 404
    assert env.service.responses.get(("/api/public/population", b"year=2021", env.service.today())) is None
    assert env.client.get("/api/public/population").json()["year"] == 2020
    # 2021-12-31 16:30 UTC is 2022-01-01 00:30 in Hangzhou: the year 2021 has ended there, with the register unchanged.
    env.clock.now = datetime(2021, 12, 31, 15, 59)
    assert env.client.get("/api/public/population?year=2021").status_code == 404
    env.clock.now = datetime(2021, 12, 31, 16, 30)
    assert env.client.get("/api/public/population?year=2021").status_code == 200
    assert env.client.get("/api/public/population").json()["year"] == 2021
