"""Bad explicit inputs give one bilingual line naming the file, the key and the value, and exit code 1."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from projection_helpers import read_csv, run_cli, run_cli_process, write_base, write_yaml

AGES = [0, 5, 10, 15]


def base_rows(region: str = "R1") -> list[tuple[str, str, int | str, float]]:
    return [(region, sex, age, 100.0 + age) for sex in ("F", "M") for age in AGES]


def assumptions(region: str = "R1", **overrides: Any) -> dict[str, Any]:
    series = {
        "sex_ratio_at_birth": 1.06,
        "asfr": [0, 0, 0.05, 0.02],
        "nLx": {"F": [495000, 494000, 493000, 2000000], "M": [494000, 493000, 491000, 1800000]},
        "radix": 100000,
        "net_migrants": {"F": [10, 0, -5, 1], "M": [8, 2, 0, 0]},
    }
    series.update(overrides)
    return {
        "age_interval": 5,
        "start_year": 2020,
        "steps": 2,
        "migration_timing": "half",
        "regions": {region: {"medium": series}},
    }


def run(tmp_path: Path, rows: list[Any], data: dict[str, Any]) -> tuple[int, str, Path]:
    base = write_base(tmp_path / "base.csv", rows)
    a = write_yaml(tmp_path / "a.yaml", data)
    out = tmp_path / "out.csv"
    result = run_cli("project", "--base", base, "--assumptions", a, "--out", out)
    return result.returncode, result.stderr, out


def assert_one_line_error(code: int, stderr: str, *needles: str) -> None:
    assert code == 1
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("错误 / error:")
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def test_valid_inputs_run(tmp_path: Path) -> None:
    code, stderr, out = run(tmp_path, base_rows(), assumptions())
    assert code == 0, stderr
    rows = read_csv(out)
    assert len(rows) == 3 * 2 * len(AGES)
    assert {r["year"] for r in rows} == {"2020", "2025", "2030"}


def test_negative_population(tmp_path: Path) -> None:
    rows = base_rows()
    rows[2] = ("R1", "F", 10, -3.0)
    code, stderr, _ = run(tmp_path, rows, assumptions())
    assert_one_line_error(code, stderr, "base.csv", "line 4.population", "-3")


@pytest.mark.parametrize(
    ("override", "needles"),
    [
        ({"asfr": [0, 0, -0.05, 0.02]}, ["a.yaml", "regions.R1.medium.asfr[2]", "-0.05"]),
        ({"sex_ratio_at_birth": -1}, ["regions.R1.medium.sex_ratio_at_birth", "-1"]),
        (
            {"nLx": {"F": [495000, -494000, 493000, 2000000], "M": [494000, 493000, 491000, 1800000]}},
            ["regions.R1.medium.nLx.F[1]", "-494000"],
        ),
        (
            {"nLx": {"F": [495000, 496000, 493000, 2000000], "M": [494000, 493000, 491000, 1800000]}},
            ["regions.R1.medium.nLx.F[1]", "496000"],
        ),
        ({"asfr": [0, 0.05, 0.02]}, ["regions.R1.medium.asfr", "3 values", "4"]),
        ({"asfr": [0.01, 0, 0.05, 0.02]}, ["regions.R1.medium.asfr[0]", "0.01"]),
        ({"asfr": {17: 0.05}}, ["regions.R1.medium.asfr.17"]),
        ({"sex_ratio_at_birth": [1.05]}, ["regions.R1.medium.sex_ratio_at_birth", "1 entries", "steps = 2"]),
        ({"net_migrants": {"F": [1, 2, 3, 4]}}, ["regions.R1.medium.net_migrants"]),
        ({"tfr": 1.5}, ["regions.R1.medium.tfr", "1.5"]),
    ],
)
def test_bad_rates(tmp_path: Path, override: dict[str, Any], needles: list[str]) -> None:
    code, stderr, _ = run(tmp_path, base_rows(), assumptions(**override))
    assert_one_line_error(code, stderr, *needles)


def test_ages_not_contiguous(tmp_path: Path) -> None:
    rows = [r for r in base_rows() if not (r[1] == "M" and r[2] == 5)]
    code, stderr, _ = run(tmp_path, rows, assumptions())
    assert_one_line_error(code, stderr, "base.csv", "region R1 sex M", "5", "contiguous")


def test_age_not_a_multiple_of_the_interval(tmp_path: Path) -> None:
    rows = base_rows()
    rows[1] = ("R1", "F", 7, 10.0)
    code, stderr, _ = run(tmp_path, rows, assumptions())
    assert_one_line_error(code, stderr, "line 3.age", "7")


def test_open_group_missing_for_one_sex(tmp_path: Path) -> None:
    rows = [r for r in base_rows() if not (r[1] == "M" and r[2] == 15)]
    code, stderr, _ = run(tmp_path, rows, assumptions())
    assert_one_line_error(code, stderr, "base.csv", "sex M", "open group missing")


def test_open_group_marker_not_last(tmp_path: Path) -> None:
    rows = base_rows()
    rows[2] = ("R1", "F", "10+", 110.0)
    code, stderr, _ = run(tmp_path, rows, assumptions())
    assert_one_line_error(code, stderr, "10+", "open group")


def test_open_age_declared_but_missing(tmp_path: Path) -> None:
    data = assumptions()
    data["open_age"] = 20
    code, stderr, _ = run(tmp_path, base_rows(), data)
    assert_one_line_error(code, stderr, "open group missing", "20")


def test_region_in_assumptions_not_in_base(tmp_path: Path) -> None:
    data = assumptions()
    data["regions"]["R9"] = copy.deepcopy(data["regions"]["R1"])
    code, stderr, _ = run(tmp_path, base_rows(), data)
    assert_one_line_error(code, stderr, "a.yaml", "regions", "R9")


def test_region_in_base_not_in_assumptions(tmp_path: Path) -> None:
    code, stderr, _ = run(tmp_path, base_rows() + base_rows("R2"), assumptions())
    assert_one_line_error(code, stderr, "base.csv", "region", "R2")


def test_missing_and_bad_top_level_keys(tmp_path: Path) -> None:
    data = assumptions()
    del data["steps"]
    assert_one_line_error(*run(tmp_path, base_rows(), data)[:2], "a.yaml", "steps", "missing")
    data = assumptions()
    data["age_interval"] = 10
    assert_one_line_error(*run(tmp_path, base_rows(), data)[:2], "age_interval", "10")
    data = assumptions()
    data["migration_timing"] = "middle"
    assert_one_line_error(*run(tmp_path, base_rows(), data)[:2], "migration_timing", "middle")


def test_emigration_beyond_the_population_is_refused(tmp_path: Path) -> None:
    data = assumptions(net_migrants={"F": [0, -500, 0, 0], "M": [0, 0, 0, 0]})
    code, stderr, _ = run(tmp_path, base_rows(), data)
    assert_one_line_error(code, stderr, "regions.R1.medium.net_migrants", "negative")


def test_malformed_yaml_and_missing_file(tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.csv", base_rows())
    bad = tmp_path / "bad.yaml"
    bad.write_text("regions: [unclosed\n", encoding="utf-8")
    result = run_cli("project", "--base", base, "--assumptions", bad, "--out", tmp_path / "o.csv")
    assert_one_line_error(result.returncode, result.stderr, "bad.yaml", "YAML")
    result = run_cli("project", "--base", tmp_path / "nope.csv", "--assumptions", bad, "--out", tmp_path / "o.csv")
    assert_one_line_error(result.returncode, result.stderr)


def test_json_summary_and_city_total(tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.csv", base_rows("R1") + base_rows("R2"))
    data = assumptions()
    data["regions"]["R2"] = copy.deepcopy(data["regions"]["R1"])
    a = write_yaml(tmp_path / "a.yaml", data)
    result = run_cli("project", "--base", base, "--assumptions", a, "--city", "CITY", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    totals = {(s["region"], s["variant"]): s["population"] for s in report["series"]}
    assert report["years"] == [2020, 2025, 2030]
    for year in range(3):
        assert totals[("CITY", "medium")][year] == pytest.approx(
            totals[("R1", "medium")][year] + totals[("R2", "medium")][year]
        )
    assert totals[("R1", "medium")][0] == sum(100.0 + age for age in AGES) * 2


def test_error_in_a_fresh_process_is_one_line(tmp_path: Path) -> None:
    base = write_base(tmp_path / "base.csv", base_rows())
    a = write_yaml(tmp_path / "a.yaml", assumptions(asfr=[0, 0, -0.05, 0.02]))
    result = run_cli_process("project", "--base", base, "--assumptions", a, "--out", tmp_path / "o.csv")
    assert_one_line_error(result.returncode, result.stderr, "a.yaml", "asfr[2]")
