"""Public main indicators and projections: shown figures equal hand counts of the synthetic city (or an independent
run of the projection), nothing under the threshold is shown, hidden counts cannot be recovered from the published
ones (linear programming), rates never reveal a hidden count, CSV equals JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import FAST, Clock, Env, make_users
from fastapi.testclient import TestClient
from scipy.optimize import linprog
from service_city import Built, City, copy_register

from renkou.api.app import create_app
from renkou.api.service import Service

YEAR = 2020
DAY = date(YEAR, 12, 31)
START = date(YEAR - 1, 12, 31)


@pytest.fixture
def low(built: Built, tmp_path: Path) -> Iterator[Env]:
    """A service publishing cells of 3 persons and more (a setting), so that the small city shows most figures."""
    settings = dataclasses.replace(FAST, suppression_threshold=3, suppression_min_range=3)
    clock = Clock()
    service = Service.open(copy_register(built, tmp_path), settings, clock)
    make_users(service)
    with TestClient(create_app(service, pages=False)) as client:
        yield Env(service, client, clock, built.city)
    service.close()


def by_district(persons: list[Any], district_of: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for person in persons:
        code = str(district_of(person))
        counts[code] = counts.get(code, 0) + 1
    return counts


def registered_truth(city: City) -> dict[str, dict[str, float]]:
    """Registered population, births and deaths of 2020 by district and for the city, counted by hand."""
    end = by_district(city.registered_persons(DAY), lambda p: p.hukou_on(DAY))
    start = by_district(city.registered_persons(START), lambda p: p.hukou_on(START))
    births = by_district(city.births_in(YEAR), lambda p: p.hukou)
    deaths = by_district(city.deaths_in(YEAR), lambda p: p.hukou_on(p.died))
    old = by_district([p for p in city.registered_persons(DAY) if p.age_on(DAY) >= 60], lambda p: p.hukou_on(DAY))
    truth: dict[str, dict[str, float]] = {}
    for code in set(end) | {"330100"}:

        def pick(counts: dict[str, int], code: str = code) -> int:
            return sum(counts.values()) if code == "330100" else counts.get(code, 0)

        truth[code] = {
            "population": pick(end),
            "start": pick(start),
            "births": pick(births),
            "deaths": pick(deaths),
            "old": pick(old),
        }
    return truth


def fetch(env: Env, url: str, **params: Any) -> dict[str, Any]:
    response = env.client.get(url, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_indicators_equal_hand_counts(low: Env) -> None:
    body = fetch(low, "/api/public/indicators", year=YEAR, kind="registered")
    truth = registered_truth(low.city)
    rows = {row["area"]: row for row in body["rows"]}
    assert body["rows"][0]["area"] == "330100" and body["rows"][0]["level"] == "city"
    shown = 0
    for code, expected in truth.items():
        row = rows[code]
        for count in ("population", "births", "deaths"):
            if row[count] is not None:
                assert row[count] == expected[count], (code, count)
                shown += 1
        if row["crude_birth_rate"] is not None:
            mean = (expected["population"] + expected["start"]) / 2
            assert row["crude_birth_rate"] == pytest.approx(1000 * expected["births"] / mean, abs=0.006)
        if row["share_60_plus"] is not None:
            assert row["share_60_plus"] == pytest.approx(expected["old"] / expected["population"], abs=5e-5)
    # The city's figures are shown (each district's is hidden by the small-cell boxes of this tiny city).
    city = rows["330100"]
    assert city["population"] == truth["330100"]["population"] and city["births"] == truth["330100"]["births"] >= 3
    assert city["crude_birth_rate"] is not None and city["share_60_plus"] is not None and shown >= 2
    # Districts where nobody is registered are listed too, their zero hidden.
    assert rows["330110"]["population"] is None and "population" in rows["330110"]["withheld"]


def test_indicator_rules_on_a_hand_made_table() -> None:
    """The pure rules on a table built by hand: two big districts and a small one (2 persons aged 60-64)."""
    from renkou.api import public_figures as pf
    from renkou.api.published import PublishedTable
    from renkou.api.suppression import protect

    labels = [f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"]
    cube = np.full((3, 2, 18), 40, dtype=np.int64)
    cube[2] = 5  # the small district: 5 persons in every cell
    table = PublishedTable(
        2020, "registered", DAY, ("330102", "330106", "330127"), ("a", "b", "c"), tuple(labels), protect(cube)
    )
    previous = PublishedTable(
        2019,
        "registered",
        START,
        ("330102", "330106"),
        ("a", "b"),
        tuple(labels),
        protect(np.full((2, 2, 18), 40, dtype=np.int64)),
    )
    block = {
        "births": 30,
        "deaths": 12,
        "crude_birth_rate": 20.8,
        "crude_death_rate": 8.3,
        "natural_increase_rate": 12.5,
        "total_fertility_rate": 1.4,
        "life_expectancy_at_birth": 80.0,
    }
    small = {**block, "births": 3, "deaths": 0}
    stats = {
        "city": {"code": "330100", "name": "city", "registered": {**block, "births": 63, "deaths": 24}},
        "districts": {
            "330102": {"name": "a", "registered": block},
            "330106": {"name": "b", "registered": block},
            "330127": {"name": "c", "registered": small},
        },
    }
    rows = {row["area"]: row for row in pf.indicator_rows(stats, "registered", table, previous, 10, 10)}
    big = rows["330106"]
    assert big["population"] == 40 * 36 and big["births"] == 30 and big["deaths"] == 12
    # Shares: sums of published age-group cells over the total, by hand.
    assert big["share_60_plus"] == round(40 * 2 * 6 / (40 * 36), 4) and big["share_0_14"] == round(6 / 36, 4)
    assert big["crude_birth_rate"] == 20.8 and big["withheld"] == []
    # The small district: its total (180) is shown, its cells by sex (5) are not but its age groups (10) are, so its
    # shares are; it had no 2019 figure, so no rate; its 3 births are hidden.
    tiny = rows["330127"]
    assert tiny["population"] == 180 and tiny["births"] is None and tiny["share_60_plus"] == round(60 / 180, 4)
    assert {"births", "crude_birth_rate", "total_fertility_rate", "crude_death_rate"} <= set(tiny["withheld"])
    # Births: 30, 30, 3 and a remainder of 0 under a total of 63: the 3 and the 0 hidden, and one 30 with them
    # (otherwise 63 - 30 would give 3 away); its birth rate goes with it.
    other = rows["330102"]
    assert other["births"] is None and other["crude_birth_rate"] is None and "crude_birth_rate" in other["withheld"]
    assert other["share_60_plus"] == big["share_60_plus"]  # its population table cells are all shown
    assert rows["330100"]["population"] == 40 * 72 + 180 and rows["330100"]["births"] == 63
    assert pf.share_cells(labels, 60, None) == list(range(12, 18)) and pf.share_cells(labels, 62, None) is None


def test_rates_never_reveal_a_hidden_count(low: Env) -> None:
    for kind in ("registered", "resident", "floating"):
        for row in fetch(low, "/api/public/indicators", year=YEAR, kind=kind)["rows"]:
            for count in ("population", "births", "deaths"):
                assert row[count] is None or row[count] >= 3, (kind, row)
            if row["births"] is None:
                assert row["crude_birth_rate"] is None and row["total_fertility_rate"] is None, row
            if row["deaths"] is None:
                assert row["crude_death_rate"] is None and row["life_expectancy_at_birth"] is None, row
            if row["population"] is None:
                assert all(row[name] is None for name in ("crude_birth_rate", "share_60_plus", "share_0_14")), row


def test_no_count_under_ten_with_the_default_threshold(env: Env) -> None:
    for kind in ("registered", "resident", "floating"):
        for row in fetch(env, "/api/public/indicators", kind=kind)["rows"]:
            for count in ("population", "births", "deaths"):
                assert row[count] is None or row[count] >= 10, (kind, row)


def test_hidden_births_cannot_be_recovered_from_the_city_total(low: Env) -> None:
    """Births by district and the city's total as published: each hidden district's births keep a range of at
    least ``min_range`` (3 here) over everything shown, by linear programming over non-negative counts."""
    rows = fetch(low, "/api/public/indicators", year=YEAR, kind="registered")["rows"]
    districts = rows[1:]
    n = len(districts) + 1  # the districts and the remainder of unknown district
    equations, values = [], []
    for i, row in enumerate(districts):
        if row["births"] is not None:
            coefficients = [0.0] * n
            coefficients[i] = 1.0
            equations.append(coefficients)
            values.append(float(row["births"]))
    if rows[0]["births"] is not None:
        equations.append([1.0] * n)
        values.append(float(rows[0]["births"]))
    hidden = [i for i, row in enumerate(districts) if row["births"] is None]
    assert hidden
    for i in hidden:
        c = np.zeros(n)
        c[i] = 1.0
        lowest = linprog(c, A_eq=np.array(equations), b_eq=np.array(values), bounds=(0, None))
        highest = linprog(-c, A_eq=np.array(equations), b_eq=np.array(values), bounds=(0, None))
        upper = np.inf if highest.status == 3 else -highest.fun
        assert upper - lowest.fun >= 3 - 1e-6, (districts[i]["area"], lowest.fun, upper)


def test_indicator_csv_equals_json(low: Env) -> None:
    body = fetch(low, "/api/public/indicators", year=YEAR, kind="resident")
    response = low.client.get("/api/public/indicators.csv", params={"year": YEAR, "kind": "resident"})
    assert response.headers["content-disposition"] == 'attachment; filename="indicators-2020-resident.csv"'
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["area"] for r in table] == [r["area"] for r in body["rows"]]
    for line, row in zip(table, body["rows"], strict=True):
        assert line["population"] == ("" if row["population"] is None else str(row["population"]))
        assert line["withheld"].split(";") == (row["withheld"] or [""])


def test_indicator_parameters_are_checked(env: Env) -> None:
    assert env.client.get("/api/public/indicators", params={"year": 2014}).status_code == 404
    assert env.client.get("/api/public/indicators", params={"kind": "everyone"}).status_code == 422
    assert fetch(env, "/api/public/indicators")["year"] == YEAR


# --- projections ----------------------------------------------------------------------------------------------


def independent_projection(built: Built, tmp_path: Path) -> tuple[list[str], dict[str, np.ndarray]]:
    """The register's projection run here on a copy of the file: districts, and population by variant
    ``(districts, years, 2, ages)``."""
    from renkou.projection.from_register import (
        default_stochastic,
        default_variants,
        estimate_from_register,
        to_scenario,
    )
    from renkou.projection.scenario import compile_scenario
    from renkou.register.store import Register

    folder = tmp_path / "independent"
    folder.mkdir()
    register = Register.open(copy_register(built, folder), read_only=True)
    try:
        estimates = estimate_from_register(register, DAY, "resident")
    finally:
        register.close()
    inputs = compile_scenario(to_scenario(estimates, 2035 - YEAR, default_variants(), default_stochastic()))
    result = inputs.run()
    by_variant = {
        variant: np.stack([result.population[inputs.series.index((code, variant))] for code in estimates.codes])
        for variant in ("low", "medium", "high")
    }
    return list(estimates.codes), by_variant


def test_projected_cells_equal_an_independent_run(low: Env, built: Built, tmp_path: Path) -> None:
    codes, population = independent_projection(built, tmp_path)
    body = fetch(low, "/api/public/projection", variant="high", by="district,sex,age_group", year=2030)
    assert body["base_year"] == YEAR and body["years"] == [2030]
    shown = 0
    for row in body["rows"]:
        if row["suppressed"]:
            assert row["population"] is None
            continue
        d, s = codes.index(row["district"]), "FM".index(row["sex"])
        label = row["age_group"]
        first = int(label.rstrip("+").split("-")[0])
        last = 100 if label.endswith("+") else int(label.split("-")[1])
        by_age = population["high"][d, 2030 - YEAR, s]
        expected = max(round(float(sum(by_age[a] for a in range(first, last + 1)))), 0)
        assert row["population"] == expected >= 3, row
        shown += 1
    assert shown >= 10


def test_age_groups_by_variant(low: Env, built: Built, tmp_path: Path) -> None:
    _codes, population = independent_projection(built, tmp_path)
    for variant in ("low", "medium", "high"):
        rows = fetch(low, "/api/public/projection", variant=variant, by="age_group", year=2035)["rows"]
        shown = [row for row in rows if not row["suppressed"]]
        assert len(rows) == 18 and len(shown) >= 5
        for row in shown:
            first = int(row["age_group"].rstrip("+").split("-")[0])
            last = 100 if row["age_group"].endswith("+") else first + 4
            exact = float(population[variant][:, 2035 - YEAR, :, first : last + 1].sum())
            # The city's cell is the sum of six rounded cells (districts x sexes): within rounding of the model.
            assert abs(row["population"] - exact) <= 3, (variant, row, exact)


def test_base_year_is_the_published_population_table(env: Env) -> None:
    projected = fetch(env, "/api/public/projection", by="district,sex", year=YEAR)["rows"]
    published = fetch(env, "/api/public/population", year=YEAR, kind="resident", by="district,sex")["rows"]
    assert [{k: v for k, v in row.items() if k != "year"} for row in projected] == published


def test_no_projected_cell_under_ten(env: Env) -> None:
    rows = fetch(env, "/api/public/projection", by="district,sex,age_group")["rows"]
    assert len(rows) == 16 * 3 * 2 * 18
    assert all(row["population"] is None or row["population"] >= 10 for row in rows)


def test_projection_csv_equals_json_and_bad_parameters(env: Env) -> None:
    body = fetch(env, "/api/public/projection", variant="low", by="sex", district="330106")
    response = env.client.get(
        "/api/public/projection.csv", params={"variant": "low", "by": "sex", "district": "330106"}
    )
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(int(r["year"]), r["sex"], r["population"]) for r in table] == [
        (row["year"], row["sex"], "" if row["suppressed"] else str(row["population"])) for row in body["rows"]
    ]
    assert {r["variant"] for r in table} == {"low"}
    assert env.client.get("/api/public/projection", params={"variant": "extreme"}).status_code == 422
    assert env.client.get("/api/public/projection", params={"year": 2040}).status_code == 404
    assert env.client.get("/api/public/projection", params={"district": "330110"}).status_code == 404
    assert env.client.get("/api/public/projection", params={"by": "sex,sex"}).status_code == 400


def test_serving_warms_the_indicators_and_the_projection(env: Env) -> None:
    from renkou.api.app import warm_published

    warm_published(env.service)
    with env.service.cache_lock:
        keys = set(env.service.cache)
    assert {("web", "public-indicators", YEAR, kind) for kind in ("registered", "resident", "floating")} <= keys
    assert {("web", "public-projection", YEAR, "medium", year) for year in range(YEAR + 1, 2036)} <= keys


def test_a_repeated_query_is_replayed_until_the_register_changes(env: Env) -> None:
    url = "/api/public/projection.csv?variant=high&by=district"
    first = env.client.get(url)
    key = ("/api/public/projection.csv", b"variant=high&by=district", env.service.today())
    assert env.service.responses.get(key) is not None
    assert env.client.get(url).content == first.content
    assert env.client.get(url).headers["content-disposition"] == first.headers["content-disposition"]
    env.service.data_changed()
    assert env.service.responses.get(key) is None
    indicators = "/api/public/indicators?kind=floating"
    assert env.client.get(indicators).json() == env.client.get(indicators).json()
