"""The dashboard's plan board, early warnings and fan chart: the same figures as the plan and projection parts'
own commands run on a copy of the register file (``renkou plan evaluate / warnings --json``, and
``project_from_register``), plus hand checks against the synthetic city's ground truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import Built, Env, copy_register

from renkou.register.store import Register

AS_OF = date(2020, 12, 31)
ORDER = {"red": 1, "amber": 2, "green": 3}


@pytest.fixture
def analyst(env: Env) -> Env:
    env.login("analyst1")
    return env


def register_copy(built: Built, tmp_path: Path) -> Path:
    folder = tmp_path / "cli"
    folder.mkdir()
    return copy_register(built, folder)


def resident_truth(env: Env, day: date) -> list[Any]:
    """Everyone alive in the city on ``day`` (counted by hand in service_city)."""
    return env.city.residents_on(day)


def test_plan_board_is_the_plan_evaluation_at_the_year_end(
    analyst: Env, built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from renkou.plan.cli import evaluate_command

    body = analyst.client.get("/web/api/dashboard/plan", params={"year": 2020}).json()
    evaluate_command(
        db=register_copy(built, tmp_path),
        plan=None,
        as_of=AS_OF.isoformat(),
        years=5,
        rules=None,
        projection=True,
        as_json=True,
    )
    expected = json.loads(capsys.readouterr().out)
    expected.pop("warnings")
    assert body.pop("available") is True
    assert body.pop("plans")[0] == {"name": "hangzhou_14th_fyp_2021_2025"}
    reasons = [item.pop("reasons") for item in body["indicators"]]
    assert body == expected
    # Each reason is split into its two languages, as given.
    for item, reason in zip(body["indicators"], reasons, strict=True):
        assert item["reason"] == f"{reason['zh']} / {reason['en']}"

    # By hand: the resident population in the plan's unit (10 000 persons), and its progress from the base.
    items = {item["name"]: item for item in body["indicators"]}
    resident = items["resident population"]
    count = len(resident_truth(analyst, AS_OF))
    assert resident["value"] == round(count * 0.0001, 6)
    assert resident["progress"] == round((count * 0.0001 - 1196.5) / (1370 - 1196.5), 4)
    # No indicator of this plan is binding: reds first, then ambers, then greens.
    ranks = [ORDER[item["status"]] for item in body["indicators"]]
    assert ranks == sorted(ranks) and body["counts"]["red"] + body["counts"]["amber"] + body["counts"]["green"] == 16
    # Sizes are judged on the register's projection (the same run as the fan chart's): its medium variant at the
    # end of 2025, in the plan's unit.
    fan = analyst.client.get("/web/api/dashboard/projection", params={"year": 2020}).json()
    medium_2025 = fan["variants"]["medium"][fan["years"].index(2025)]
    assert resident["projection"]["variants"]["medium"] == pytest.approx(medium_2025 * 0.0001, abs=1e-5)


def test_another_plan_and_an_unknown_one(analyst: Env) -> None:
    body = analyst.client.get(
        "/web/api/dashboard/plan", params={"year": 2020, "plan": "suzhou_13th_fyp_2016_2020"}
    ).json()
    # An end-term evaluation of a plan ending in 2020: no projection, every level target met or missed.
    assert body["available"] is True and body["as_of"] == "2020-12-31"
    assert body["method"] == "linear trend of yearly values up to the as-of date"
    older = analyst.client.get("/web/api/dashboard/plan", params={"plan": "suzhou_12th_fyp_2011_2015"}).json()
    assert older["available"] is False and "2015" in older["reason"]["en"]
    missing = analyst.client.get("/web/api/dashboard/plan", params={"plan": "no_such_plan"})
    assert missing.status_code == 404 and "no_such_plan" in missing.json()["error"]["en"]
    assert analyst.client.get("/web/api/dashboard/plan", params={"plan": "../x"}).status_code == 422


def test_warnings_are_the_plan_parts_warnings(
    analyst: Env, built: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from renkou.plan.cli import warnings_command

    body = analyst.client.get("/web/api/dashboard/warnings", params={"year": 2020}).json()
    warnings_command(db=register_copy(built, tmp_path), as_of=AS_OF.isoformat(), rules=None, years=5, as_json=True)
    expected = json.loads(capsys.readouterr().out)
    assert body["as_of"] == expected["as_of"] == "2020-12-31"
    assert [rule["id"] for rule in body["rules"]] == expected["rules"]
    for warning in body["warnings"]:
        assert warning.pop("messages")["zh"] == warning["message"].partition(" / ")[0]
        warning.pop("titles")
    assert body["warnings"] == expected["warnings"]
    # By hand: the city's ageing (share of residents aged 60 and over) is past the 20% line in 2020.
    residents = resident_truth(analyst, AS_OF)
    share = sum(p.age_on(AS_OF) >= 60 for p in residents) / len(residents)
    ageing = next(w for w in body["warnings"] if w["rule"] == "ageing" and w["area"] == "330100")
    assert ageing["evidence"]["values"][-1]["value"] == pytest.approx(share, abs=5e-5)
    assert ageing["evidence"]["line"] == 0.2 and share >= 0.2


def test_fan_chart_is_the_register_projection(analyst: Env, built: Built, tmp_path: Path) -> None:
    from renkou.projection.districts import add_city
    from renkou.projection.from_register import (
        default_stochastic,
        default_variants,
        estimate_from_register,
        project_from_register,
        to_scenario,
    )
    from renkou.projection.scenario import compile_scenario

    body = analyst.client.get("/web/api/dashboard/projection", params={"year": 2020}).json()
    assert body["available"] is True and body["years"] == list(range(2020, 2036))
    register = Register.open(register_copy(built, tmp_path), read_only=True)
    try:
        found = project_from_register(register, AS_OF, tmp_path / "out.csv", steps=15, intervals=tmp_path / "q.csv")
        estimates = estimate_from_register(register, AS_OF)
        city = register.city
    finally:
        register.close()
    for variant in ("low", "medium", "high"):
        assert body["variants"][variant] == [round(v, 1) for v in found.totals[variant]]
    assert set(body["intervals"]) == set(found.stochastic) == {"p2.5", "p10", "p50", "p90", "p97.5"}
    for label, values in found.stochastic.items():
        assert body["intervals"][label] == [round(v, 1) for v in values]
    # Births by variant, from the same estimates run again here.
    scenario = to_scenario(estimates, 15, default_variants(), default_stochastic())
    inputs = compile_scenario(scenario)
    result, series = add_city(inputs.run(), inputs.series, city)
    for variant in ("low", "medium", "high"):
        births = result.births[series.index((city, variant))].sum(axis=-1)
        assert body["births"][variant] == [round(float(v), 1) for v in births]
    assert body["birth_years"] == list(range(2021, 2036))
    # The base year is the resident population counted by hand; the bands hold the median.
    assert body["variants"]["medium"][0] == len(resident_truth(analyst, AS_OF))
    q = {label: np.array(values) for label, values in body["intervals"].items()}
    assert np.all(q["p2.5"] <= q["p10"]) and np.all(q["p10"] <= q["p50"]) and np.all(q["p90"] <= q["p97.5"])


def test_board_and_warnings_follow_a_write(env: Env) -> None:
    env.login("analyst1")
    before = env.client.get("/web/api/dashboard/plan", params={"year": 2020}).json()
    person = env.city.local("330106", date(2021, 6, 1))
    headers = env.login("clerk_xihu")
    values = {"id_number": person.id_number, "occurred_on": "2020-11-30"}
    recorded = env.client.post("/web/api/events", json={"event_type": "death", "values": values}, headers=headers)
    assert recorded.status_code == 201, recorded.text
    env.login("analyst1")
    after = env.client.get("/web/api/dashboard/plan", params={"year": 2020}).json()

    def registered(body: dict[str, Any]) -> float:
        return next(i["value"] for i in body["indicators"] if i["name"] == "registered population")

    assert registered(after) == pytest.approx(registered(before) - 0.0001, abs=1e-9)


def test_only_analysts_see_the_board(env: Env) -> None:
    for user in (None, "clerk_xihu", "auditor1"):
        env.login(user)
        for path in ("/web/api/dashboard/plan", "/web/api/dashboard/warnings"):
            assert env.client.get(path).status_code in (401, 403), (user, path)


def test_an_upload_stores_the_warnings_for_the_dashboard(env: Env) -> None:
    """After a steward's upload the warning rules are evaluated (as after ``renkou ingest``) and stored with the
    batch; the dashboard lists them beside its own year-end evaluation."""
    from renkou.plan.warnings import DEFAULT_RULES, load_rules

    env.login("analyst1")
    before = env.client.get("/web/api/dashboard/warnings").json()
    assert before["stored"] == {"run_id": None, "warnings": []}
    person = env.city.local("330106", date(2021, 6, 1))
    headers = env.login("steward_hukou")
    text = f"event_type,id_number,occurred_on\ndeath,{person.id_number},2021-05-02\n"
    files = {"file": ("deaths_2021_05.csv", text.encode(), "text/csv")}
    loaded = env.client.post("/web/api/feeds/upload", files=files, headers=headers)
    assert loaded.status_code == 201, loaded.text
    env.service.wait_for_tasks(timeout=120)
    env.login("analyst1")
    stored = env.client.get("/web/api/dashboard/warnings").json()["stored"]
    assert stored["run_id"] == 1 and stored["trigger"] == "upload"
    assert stored["batches"] == [loaded.json()["batch_id"]]
    assert stored["as_of"] == "2021-05-02"  # the register's last event: the upload's death
    rules = {rule.id for rule in load_rules(DEFAULT_RULES)}
    assert stored["warnings"] and {w["rule"] for w in stored["warnings"]} <= rules
    # The city's ageing (residents aged 60+) on the day, counted by hand, is the evidence's last value.
    residents = env.city.residents_on(date(2021, 5, 2))
    residents = [p for p in residents if p is not person]
    share = sum(p.age_on(date(2021, 5, 2)) >= 60 for p in residents) / len(residents)
    ageing = next(w for w in stored["warnings"] if w["rule"] == "ageing" and w["area"] == "330100")
    assert ageing["evidence"]["values"][-1]["value"] == pytest.approx(share, abs=5e-5)
    assert ageing["messages"]["en"] in ageing["message"]
