"""School-seat and elderly-bed warnings by hand, the stored warnings table, and the warnings after an ingest
(including an ingest whose warnings fail, which must still succeed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from renkou.engine.duckdb import DuckDBEngine
from renkou.errors import UserError
from renkou.plan.facility_files import load_standards
from renkou.plan.store import latest_warnings, load_capacity, save_capacity, save_run
from renkou.plan.warnings import DEFAULT_RULES, after_ingest, evaluate_facility_rules, load_rules

RULES = load_rules(DEFAULT_RULES)
STANDARDS = load_standards()


def _row(area: str, facility: str, served: float, demand: float, capacity: float | None) -> dict[str, Any]:
    return {
        "area": area,
        "area_name": f"区{area}",
        "year": 2020,
        "facility": facility,
        "served": served,
        "demand": demand,
        "capacity": capacity,
    }


def test_seats_fire_only_when_the_cohort_is_above_capacity() -> None:
    rows = [
        _row("330102", "primary_school_places", 500, 500, 499),  # one seat short
        _row("330105", "primary_school_places", 500, 500, 500),  # exactly enough
        _row("330106", "primary_school_places", 500, 500, None),  # no capacity known: not judged
        _row("330100", "junior_school_places", 300, 300, 100),
    ]
    warnings = evaluate_facility_rules(RULES, rows, STANDARDS, "330100")
    assert [(w["rule"], w["area"]) for w in warnings] == [("primary_seats", "330102"), ("junior_seats", "330100")]
    evidence = warnings[0]["evidence"]
    assert evidence["shortfall"] == 1 and evidence["capacity"] == 499 and evidence["demand"] == 500
    assert "缺 1" in warnings[0]["message"] and "1 short" in warnings[0]["message"]


def test_elderly_beds_per_1000_below_the_standard() -> None:
    rows = [
        _row("330102", "elderly_care_beds", 2000, 100, 99),  # 49.5 per 1000 aged 60+: below 50
        _row("330105", "elderly_care_beds", 2000, 100, 100),  # exactly 50: not below
        _row("330106", "elderly_care_beds", 0, 0, 10),  # no elderly: nothing to judge
    ]
    warnings = evaluate_facility_rules(RULES, rows, STANDARDS, "330100")
    assert [(w["rule"], w["area"]) for w in warnings] == [("elderly_beds", "330102")]
    assert warnings[0]["evidence"]["per_1000"] == pytest.approx(49.5)
    assert warnings[0]["evidence"]["threshold"] == 50


def test_a_rule_threshold_and_areas_override(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n  - id: beds40\n    kind: per_1000\n    facility: elderly_care_beds\n    threshold: 40\n"
        "    areas: districts\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    rows = [
        _row("330102", "elderly_care_beds", 1000, 50, 45),  # 45 per 1000: above 40
        _row("330105", "elderly_care_beds", 1000, 50, 39),
        _row("330100", "elderly_care_beds", 2000, 100, 10),  # the city: not looked at
    ]
    assert [w["area"] for w in evaluate_facility_rules(rules, rows, STANDARDS, "330100")] == ["330105"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rules:\n  - {id: s, kind: seats}\n", "needs facility"),
        ("rules:\n  - {id: s, kind: seats, facility: primary_school_places, key: registered.births}\n", "not a key"),
        ("rules:\n  - {id: s, kind: below, key: registered.births, threshold: 1, facility: x}\n", "not a facility"),
    ],
)
def test_facility_rule_file_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        load_rules(path)


def test_unknown_facility_is_an_error() -> None:
    rules = [r for r in RULES if r.id == "primary_seats"]
    with pytest.raises(UserError, match="not in the standards"):
        evaluate_facility_rules(rules, [_row("330102", "x", 1, 1, 0)], STANDARDS[3:], "330100")


def test_store_keeps_runs_and_shows_the_latest_good_one() -> None:
    engine = DuckDBEngine(":memory:")
    assert latest_warnings(engine) == {"run_id": None, "warnings": []}
    warning = {
        "rule": "r",
        "kind": "seats",
        "area": "330102",
        "area_name": "上城区",
        "title": "t / t",
        "message": "m / m",
        "evidence": {"demand": 5.0, "values": [1, 2]},
    }
    first = save_run(engine, date(2020, 12, 31), [warning, {**warning, "area": "330105"}], batches=[3, 4])
    failed = save_run(engine, None, [], batches=[5], error="too young")
    assert (first, failed) == (1, 2)
    latest = latest_warnings(engine)
    assert latest["run_id"] == 1 and latest["batches"] == [3, 4] and latest["as_of"] == "2020-12-31"
    assert [w["area"] for w in latest["warnings"]] == ["330102", "330105"]
    assert latest["warnings"][0]["evidence"] == {"demand": 5.0, "values": [1, 2]}
    assert engine.scalar("SELECT error FROM plan_warning_runs WHERE run_id = 2") == "too young"
    save_capacity(engine, {("330102", "hospital_beds"): {2020: 10.0, 2021: 12.0}})
    save_capacity(engine, {("330105", "hospital_beds"): {2020: 7.0}})  # replaces, does not add
    assert load_capacity(engine) == {("330105", "hospital_beds"): {2020: 7.0}}


@pytest.fixture()
def own_db(plan_db: Path, tmp_path: Path) -> Path:
    """A writable copy of the session's tiny register."""
    for path in plan_db.parent.iterdir():
        if path.name.startswith(plan_db.name):
            shutil.copy(path, tmp_path / path.name)
    return tmp_path / plan_db.name


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "renkou.cli", *args], capture_output=True, text=True, check=False)


def test_after_ingest_stores_the_warnings_with_their_evidence(own_db: Path) -> None:
    from renkou.plan.gather import last_event_date
    from renkou.register.store import Register

    register = Register.open(own_db, read_only=True)
    try:
        last = last_event_date(register)
        by_age = register.population(last, "resident", ("district", "age")).to_pylist()
    finally:
        register.close()
    # The register's own count of 6-11-year-olds by district; give the largest district one seat too few.
    pupils: dict[str, int] = {}
    for row in by_age:
        if row["district"] and row["age"] is not None and 6 <= row["age"] <= 11:
            pupils[row["district"]] = pupils.get(row["district"], 0) + row["population"]
    district = max(pupils, key=lambda code: pupils[code])
    engine = DuckDBEngine(str(own_db))
    save_capacity(engine, {(district, "primary_school_places"): {last.year - 1: pupils[district] - 1}})
    engine.close()

    found = after_ingest(own_db, [7, 8])
    seats = [w for w in found if w["rule"] == "primary_seats"]
    assert [w["area"] for w in seats] == [district]
    assert seats[0]["evidence"]["served"] == pupils[district]
    assert seats[0]["evidence"]["shortfall"] == 1
    assert sum(seats[0]["evidence"]["by_age"].values()) == pupils[district]

    expected = run_cli("plan", "warnings", "--db", str(own_db), "--json", "--years", "4")  # as after an ingest
    assert expected.returncode == 0, expected.stderr
    assert json.loads(expected.stdout)["warnings"] == found  # the command sees the same, from the stored capacity
    stored = run_cli("plan", "warnings", "--db", str(own_db), "--stored", "--json")
    latest = json.loads(stored.stdout)
    assert latest["batches"] == [7, 8] and latest["trigger"] == "ingest"
    assert latest["warnings"] == json.loads(json.dumps(found))
    assert latest["as_of"] == last.isoformat()


def test_ingest_runs_the_warnings_and_survives_their_failure(tmp_path: Path) -> None:
    from renkou.synth.city import generate

    generate(tmp_path / "files", scale=0.0002, seed=3)
    baseline = next((tmp_path / "files").glob("hukou_2015_baseline.csv"))
    later = next((tmp_path / "files").glob("hukou_2016.csv"))
    db = tmp_path / "r.duckdb"
    done = run_cli("ingest", str(baseline), "--db", str(db), "--city", "330100", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["accepted"] > 0  # stdout stays one JSON object
    engine = DuckDBEngine(str(db))
    runs = engine.rows("SELECT batches, error FROM plan_warning_runs")
    # A baseline alone is too young for statistics: the failure is stored with its reason, the ingest went on.
    assert len(runs) == 1 and json.loads(runs[0][0]) == [1]
    # Break the warnings table on purpose: the next ingest must still succeed, with a one-line notice.
    engine.execute("DROP TABLE plan_warning_runs")
    engine.execute("CREATE TABLE plan_warning_runs (nonsense INTEGER)")
    engine.close()
    again = run_cli("ingest", str(later), "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["accepted"] > 0
    notice = [line for line in again.stderr.splitlines() if "warnings not updated" in line]
    assert len(notice) == 1 and notice[0].startswith("预警未更新 / warnings not updated: ")


def test_aged_on_by_hand() -> None:
    import numpy as np

    from renkou.plan.facilities import aged_on

    population = np.zeros((2, 101))
    population[0, 0], population[1, 4], population[0, 98], population[0, 99], population[1, 100] = 5, 7, 1, 2, 3
    later = aged_on(population, 2)
    assert later[0, 2] == 5 and later[1, 6] == 7 and later[:, :2].sum() == 0
    assert later[0, 100] == 3  # 98 and 99 reach the open group, which keeps its own
    assert later[1, 100] == 3
    assert later.sum() == population.sum()


def test_seats_ahead_report_the_earliest_short_year() -> None:
    rows = [_row("330102", "primary_school_places", d, d, 100) | {"year": y} for y, d in
            ((2020, 90), (2021, 95), (2022, 101), (2023, 120))]  # fmt: skip
    ahead3 = [r for r in RULES if r.id == "primary_seats"]
    assert ahead3[0].ahead == 3
    warnings = evaluate_facility_rules(ahead3, rows, STANDARDS, "330100")
    assert len(warnings) == 1
    assert warnings[0]["evidence"]["year"] == 2022 and warnings[0]["evidence"]["shortfall"] == 1
    assert [y["demand"] for y in warnings[0]["evidence"]["years"]] == [90, 95, 101, 120]
    assert "2022年" in warnings[0]["message"] and "in 2022, " in warnings[0]["message"]
    from dataclasses import replace

    assert evaluate_facility_rules([replace(ahead3[0], ahead=1)], rows, STANDARDS, "330100") == []


def test_ahead_only_on_seats(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {id: b, kind: per_1000, facility: elderly_care_beds, ahead: 2}\n", encoding="utf-8")
    with pytest.raises(UserError, match="for seats rules only"):
        load_rules(path)
