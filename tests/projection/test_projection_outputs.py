"""Outputs for people: the table by variant, region, year, sex and five-year age group (CSV and JSON), pyramids of
any projected year against the base, fan charts of the total and births, from every kind of run."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from projection_helpers import read_csv, run_cli, write_base, write_yaml

from renkou.projection.engine import Projection
from renkou.projection.output import age_groups, table_rows
from renkou.projection.synthetic import base_rows, scenario_data

PNG = b"\x89PNG"


def test_age_groups_single_years_and_five_year_steps() -> None:
    single = age_groups(list(range(101)))
    assert [label for label, _ in single][:3] == ["0-4", "5-9", "10-14"]
    assert single[-2] == ("95-99", [95, 96, 97, 98, 99]) and single[-1] == ("100+", [100])
    five = age_groups(list(range(0, 90, 5)))
    assert five[0] == ("0-4", [0]) and five[-2] == ("80-84", [16]) and five[-1] == ("85+", [17])
    odd = age_groups(list(range(88)))  # single years, open at 87
    assert odd[-2] == ("85-86", [85, 86]) and odd[-1] == ("87+", [87])


def test_table_rows_sum_the_single_years() -> None:
    rng = np.random.default_rng(1)
    population = rng.uniform(0, 100, (1, 2, 2, 101))  # one series, two years
    empty = np.zeros((1, 1, 2, 101))
    projection = Projection(population, np.zeros((1, 1, 101)), np.zeros((1, 1, 2)), empty, empty)
    rows = table_rows([2020, 2021], list(range(101)), projection, [("330102", "medium")])
    assert len(rows) == 2 * 3 * 22  # years x (F, M, T) x (21 groups + total)
    index = {(r["year"], r["sex"], r["age_group"]): r["population"] for r in rows}
    assert index[(2021, "F", "20-24")] == pytest.approx(population[0, 1, 0, 20:25].sum(), abs=1e-4)
    assert index[(2020, "M", "100+")] == pytest.approx(population[0, 0, 1, 100], abs=1e-4)
    assert index[(2021, "T", "60-64")] == pytest.approx(population[0, 1, :, 60:65].sum(), abs=1e-4)
    assert index[(2020, "T", "total")] == pytest.approx(population[0, 0].sum(), abs=1e-4)


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("outputs")
    base = write_base(tmp / "base.csv", base_rows(2, 1))
    return base, write_yaml(tmp / "scenario.yaml", scenario_data(2, 1, 6, trajectories=50))


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_table_from_a_scenario_run_matches_the_projection(
    tmp_path: Path, scenario_files: tuple[Path, Path], suffix: str
) -> None:
    base, scenario = scenario_files
    out, table, charts = tmp_path / "out.csv", tmp_path / f"table{suffix}", tmp_path / "charts"
    result = run_cli(
        "project", "--base", base, "--scenario", scenario, "--city", "330100", "--out", out, "--table", table,
        "--charts", charts, "--pyramid-year", "2023", "--pyramid-year", "2026",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"wrote {table}" in result.stdout and f"wrote {charts / 'pyramid-2026.png'}" in result.stdout
    if suffix == ".json":
        document = json.loads(table.read_text(encoding="utf-8"))
        assert document["columns"] == ["variant", "region", "year", "sex", "age_group", "population"]
        rows = [{k: str(v) for k, v in row.items()} for row in document["rows"]]
    else:
        rows = read_csv(table)
    # Independent: group OUT.csv's single years by hand.
    expected: dict[tuple[str, str, str, str, str], float] = defaultdict(float)
    for row in read_csv(out):
        age = int(row["age"])
        group = "100+" if age == 100 else f"{age // 5 * 5}-{age // 5 * 5 + 4}"
        for sex in (row["sex"], "T"):
            for label in (group, "total"):
                expected[(row["variant"], row["region"], row["year"], sex, label)] += float(row["population"])
    assert len(rows) == len(expected)
    for row in rows:
        key = (row["variant"], row["region"], row["year"], row["sex"], row["age_group"])
        assert float(row["population"]) == pytest.approx(expected[key], abs=0.01)
    assert {row["region"] for row in rows} == {"330101", "330102", "330100"}
    for year in (2023, 2026):
        assert (charts / f"pyramid-{year}.png").read_bytes()[:4] == PNG


def test_stochastic_run_draws_the_fan_chart(tmp_path: Path, scenario_files: tuple[Path, Path]) -> None:
    base, scenario = scenario_files
    result = run_cli(
        "project", "--base", base, "--scenario", scenario, "--stochastic", "--city", "330100", "--charts", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fan-chart.png").read_bytes()[:4] == PNG


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--charts", "c", "--pyramid-year", "2040"), "pyramid year 2040 is not a projected year 2020-2026"),
        (("--pyramid-year", "2022"), "--pyramid-year needs --charts"),
        (("--charts", "c"), "--charts with several regions needs --city"),
        (("--table", "t.xlsx"), "a table file must end in .csv or .json"),
        (("--stochastic", "--table", "t.csv"), "--table and --pyramid-year are for deterministic runs"),
        (("--stochastic", "--charts", "c"), "--charts with several regions needs --city"),
    ],
)
def test_bad_output_options(
    tmp_path: Path, scenario_files: tuple[Path, Path], extra: tuple[str, ...], expected: str
) -> None:
    base, scenario = scenario_files
    args = [tmp_path / a if a in ("c", "t.xlsx", "t.csv") else a for a in extra]
    city = ("--city", "330100") if "several regions" not in expected else ()
    result = run_cli("project", "--base", base, "--scenario", scenario, "--out", tmp_path / "o.csv", *city, *args)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_from_register_table_and_pyramids(tmp_path: Path, synthetic_db: Path) -> None:
    table = tmp_path / "table.json"
    result = run_cli(
        "project", "--from-register", synthetic_db, "--as-of", "2020-12-31", "--steps", "5", "--out",
        tmp_path / "p.csv", "--table", table, "--charts", tmp_path, "--pyramid-year", "2022", "--trajectories", "20",
        "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    assert set(files) >= {"projection", "table", "fan_chart", "pyramid_2022"}
    assert (tmp_path / "pyramid-2022.png").read_bytes()[:4] == PNG
    rows = json.loads(table.read_text(encoding="utf-8"))["rows"]
    totals = {
        (r["variant"], r["year"]): r["population"]
        for r in rows
        if r["region"] == "330100" and r["sex"] == "T" and r["age_group"] == "total"
    }
    by_hand: dict[tuple[str, int], float] = defaultdict(float)
    for row in read_csv(tmp_path / "p.csv"):
        if row["region"] == "330100":
            by_hand[(row["variant"], int(row["year"]))] += float(row["population"])
    assert totals.keys() == by_hand.keys()
    for key, value in by_hand.items():
        assert totals[key] == pytest.approx(value, abs=0.01)


def test_from_register_pyramid_year_outside_the_horizon(tmp_path: Path, synthetic_db: Path) -> None:
    out = tmp_path / "p.csv"
    result = run_cli(
        "project", "--from-register", synthetic_db, "--as-of", "2020-12-31", "--steps", "5", "--out", out,
        "--charts", tmp_path, "--pyramid-year", "2019",
    )  # fmt: skip
    assert result.returncode == 1 and "pyramid year 2019 is not a projected year 2020-2025" in result.stderr
    assert not out.exists()  # refused before anything was written
