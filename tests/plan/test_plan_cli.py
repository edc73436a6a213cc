"""`renkou plan evaluate` and `renkou plan warnings` end to end on a tiny synthetic register.

Values are checked against `renkou stats --json` run separately, the trend against numpy.polyfit, and the
warnings against the rules applied by hand to the stats output.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

AS_OF = "2020-12-31"
YEARS = ["2016-12-31", "2017-12-31", "2018-12-31", "2019-12-31", "2020-12-31"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "renkou.cli", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def stats(plan_db: Path) -> dict[str, dict[str, Any]]:
    """The statistics part's figures at each year end, by date (computed in this process, read-only)."""
    from renkou.register.store import Register
    from renkou.stats.compute import StatsRequest, compute_stats

    register = Register.open(plan_db, read_only=True)
    try:
        return {day: compute_stats(register, StatsRequest(as_of=date.fromisoformat(day))) for day in YEARS}
    finally:
        register.close()


@pytest.fixture(scope="module")
def evaluation(plan_db: Path) -> dict[str, Any]:
    result = run_cli("plan", "evaluate", "--db", str(plan_db), "--as-of", AS_OF, "--json", "--no-projection")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _item(evaluation: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in evaluation["indicators"] if item["name"] == name)


def test_evaluate_contract(evaluation: dict[str, Any]) -> None:
    assert evaluation["plan"] == "hangzhou_14th_fyp_2021_2025"
    assert evaluation["as_of"] == AS_OF
    assert len(evaluation["indicators"]) == 16
    statuses = [item["status"] for item in evaluation["indicators"]]
    assert set(statuses) <= {"green", "amber", "red"}
    order = {"red": 0, "amber": 1, "green": 2}  # no binding indicators in this plan: plain red, amber, green
    assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)


def test_values_are_the_stats_figures_in_the_plan_unit(evaluation: dict[str, Any], stats: dict[str, Any]) -> None:
    city = stats[AS_OF]["city"]
    assert _item(evaluation, "registered crude birth rate")["value"] == pytest.approx(
        city["registered"]["crude_birth_rate"]
    )
    assert _item(evaluation, "resident population")["value"] == pytest.approx(city["resident"]["population"] / 10_000)
    assert _item(evaluation, "share aged 60+ (resident)")["value"] == pytest.approx(
        city["resident"]["share_60_plus"] * 100
    )
    talent = _item(evaluation, "talent pool")
    assert talent["value"] == 280 and talent["source"] == "entered by hand" and talent["status"] == "amber"


def test_forecast_is_the_straight_line_through_five_year_ends(
    evaluation: dict[str, Any], stats: dict[str, Any]
) -> None:
    item = _item(evaluation, "registered crude birth rate")
    values = [stats[day]["city"]["registered"]["crude_birth_rate"] for day in YEARS]
    assert [h["value"] for h in item["history"]] == pytest.approx(values)
    # 31 December as a decimal year, written out by hand (2016 and 2020 are leap years)
    xs = [2016 + 365 / 366, 2017 + 364 / 365, 2018 + 364 / 365, 2019 + 364 / 365, 2020 + 365 / 366]
    slope, intercept = np.polyfit(xs, values, 1)
    assert item["forecast"]["value"] == pytest.approx(slope * (2025 + 364 / 365) + intercept, rel=1e-6)
    met_now, met_later = item["value"] > 8, item["forecast"]["value"] > 8
    expected = "green" if met_now and met_later else "red" if not (met_now or met_later) else "amber"
    assert item["status"] == expected


def test_warnings_follow_the_rules_by_hand(plan_db: Path, stats: dict[str, Any]) -> None:
    result = run_cli("plan", "warnings", "--db", str(plan_db), "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    found = {(w["rule"], w["area"]) for w in data["warnings"]}
    births = [stats[day]["city"]["registered"]["births"] for day in YEARS[-4:]]
    assert (("births_falling", "330100") in found) == all(b < a for a, b in itertools.pairwise(births))
    now, before = stats[AS_OF], stats["2019-12-31"]
    for code, block in now["districts"].items():
        floating, earlier = block["floating"]["population"], before["districts"][code]["floating"]["population"]
        surge = floating >= 50 and earlier > 0 and floating / earlier - 1 > 0.15
        assert (("floating_surge", code) in found) == surge, code
        share = block["resident"]["share_60_plus"]
        assert (("ageing", code) in found) == (share is not None and share >= 0.20), code


def test_text_output_and_shipped_plan_by_name(plan_db: Path) -> None:
    result = run_cli("plan", "evaluate", "--db", str(plan_db), "--as-of", AS_OF, "--plan", "suzhou_13th_fyp_2016_2020")
    assert result.returncode == 0, result.stderr
    assert "苏州" in result.stdout and "end-term" in result.stdout  # 2020 is Suzhou's target year


def test_a_past_plan_is_judged_at_the_end_of_its_target_year(plan_db: Path) -> None:
    result = run_cli("plan", "evaluate", "--db", str(plan_db), "--plan", "suzhou_12th_fyp_2011_2015", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == "2015-12-31"  # the register's last event is in 2020, the plan ends in 2015
    assert all(" / " in item["reason"] for item in data["indicators"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--as-of", "2020-13-01"], ["2020-13-01"]),
        (["--as-of", "2010-12-31"], ["2010-12-31"]),
        (["--plan", "no-such-plan"], ["no-such-plan"]),
    ],
)
def test_bad_input_is_one_line(plan_db: Path, args: list[str], words: list[str]) -> None:
    result = run_cli("plan", "evaluate", "--db", str(plan_db), *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 / error:")
    for word in words:
        assert word in lines[0]


def test_bad_plan_file_names_file_and_line(plan_db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text(
        "plan: bad\nbase_year: 2020\ntarget_year: 2025\nindicators:\n"
        "  - {name: births, target: '>8', measure: {key: registered.birth_rate}}\n",
        encoding="utf-8",
    )
    result = run_cli("plan", "evaluate", "--db", str(plan_db), "--plan", str(plan))
    assert result.returncode == 1
    assert f"{plan}:5" in result.stderr and "registered.birth_rate" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_database(tmp_path: Path) -> None:
    result = run_cli("plan", "warnings", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1 and "none.duckdb" in result.stderr and "Traceback" not in result.stderr
