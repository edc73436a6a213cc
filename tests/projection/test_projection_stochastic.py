"""Stochastic projection: reproducible, centred on the medium variant, intervals ordered, quantiles exact."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from projection_helpers import read_csv, run_cli, write_base, write_yaml

from renkou.projection.scenario import MEDIUM, Process, Scenario, compile_scenario
from renkou.projection.scenario_file import read_scenario
from renkou.projection.stochastic import draw_paths, run_stochastic, sorted_quantiles
from renkou.projection.synthetic import base_rows, scenario_data

N, STEPS, OPEN, TRAJECTORIES = 5, 4, 85, 400


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("stochastic")
    base = write_base(tmp / "base.csv", base_rows(2, N, open_age=OPEN))
    return base, write_yaml(tmp / "scenario.yaml", scenario_data(2, N, STEPS, trajectories=TRAJECTORIES))


@pytest.fixture(scope="module")
def scenario(files: tuple[Path, Path]) -> Scenario:
    return read_scenario(files[1], files[0])


def medium_only(scenario: Scenario) -> Scenario:
    return replace(scenario, variants=[MEDIUM])


def test_sorted_quantiles_equal_numpy_quantile() -> None:
    rng = np.random.default_rng(5)
    values = rng.lognormal(10, 1, (3, 401, 7))
    q = (0.025, 0.1, 0.5, 0.9, 0.975)
    np.testing.assert_allclose(sorted_quantiles(values, 1, q, exact=True), np.quantile(values, q, axis=1), rtol=1e-15)
    big = rng.lognormal(10, 1, (30, 500, 20))
    # Single precision above 100,000 values: relative error below 1e-7 by design.
    np.testing.assert_allclose(sorted_quantiles(big, 1, q), np.quantile(big, q, axis=1), rtol=1.2e-7)


def test_same_seed_same_result_other_seed_differs(scenario: Scenario) -> None:
    assert scenario.stochastic is not None
    first = run_stochastic(scenario, scenario.stochastic)
    second = run_stochastic(scenario, scenario.stochastic)
    np.testing.assert_array_equal(first.population, second.population)
    other = run_stochastic(scenario, replace(scenario.stochastic, seed=scenario.stochastic.seed + 1))
    assert not np.array_equal(first.population_total, other.population_total)


def test_median_is_close_to_the_medium_variant(scenario: Scenario) -> None:
    """Tolerance: 0.15 of the 95% half-width. The shocks are symmetric around the medium paths, and population is
    nearly linear in them over 20 years, so the median's bias is small; its Monte Carlo standard error with 400
    trajectories is 1.2533 sigma / sqrt(400) = 0.063 sigma while the 95% half-width is 1.96 sigma, so the tolerance
    is 0.29 sigma, about 4.7 standard errors."""
    assert scenario.stochastic is not None
    summary = run_stochastic(scenario, scenario.stochastic)
    medium = compile_scenario(medium_only(scenario)).run()
    q = list(summary.quantiles)
    low, median, high = q.index(0.025), q.index(0.5), q.index(0.975)
    for measure, deterministic in (
        (summary.population_total, medium.population.sum(axis=(-1, -2))),
        (summary.births_total, medium.births.sum(axis=-1)),
        (summary.deaths_total, medium.deaths.sum(axis=(-1, -2))),
    ):
        half_width = (measure[high] - measure[low]) / 2
        spread = half_width[:, -1]
        assert (spread > 0).all()
        assert np.all(np.abs(measure[median][:, -1] - deterministic[:, -1]) <= 0.15 * spread)


def test_intervals_are_ordered_and_widen_over_time(scenario: Scenario) -> None:
    assert scenario.stochastic is not None
    summary = run_stochastic(scenario, scenario.stochastic, city="3301")
    for values in (summary.population, summary.deaths, summary.births_by_age, summary.population_total):
        assert np.all(np.diff(values, axis=0) >= -1e-6 * np.abs(values[1:]).max())
    total = summary.population_total
    width = total[-1] - total[0]
    assert width[:, 0].max() == 0  # the base year is known
    assert (np.diff(width, axis=1) > 0).all()


def test_zero_variance_reproduces_the_medium_variant(scenario: Scenario) -> None:
    """With sigma = 0 every trajectory is the medium path; the only difference is the Brass tables mixed on the
    alpha grid (person-years within 1e-4 of the exact alpha's, see BrassModel.nLx_for_e0)."""
    still = Process("ar1", 0.0, 0.5)
    assert scenario.stochastic is not None
    settings = replace(scenario.stochastic, trajectories=3, tfr=still, e0=still, migration=still)
    summary = run_stochastic(scenario, settings)
    medium = compile_scenario(medium_only(scenario)).run()
    for i in range(len(summary.quantiles)):
        np.testing.assert_allclose(summary.population[i], medium.population, rtol=1e-4)
        np.testing.assert_allclose(summary.births_by_age[i], medium.births_by_age, rtol=1e-4, atol=1e-6)


def test_migrant_quantiles_by_age_equal_a_direct_sort(scenario: Scenario) -> None:
    """Region rows are computed from the total's quantiles; check them and the city row against sorting all
    trajectories' migrants directly."""
    assert scenario.stochastic is not None
    settings = scenario.stochastic
    summary = run_stochastic(scenario, settings, city="3301")
    paths = draw_paths(scenario, settings)
    profile = np.stack([plan.profile for plan in scenario.regions])  # (R, 2, A)
    migrants = N * paths.migration_total[..., None, None] * profile[None, :, None]  # (T, R, S, 2, A)
    expected = np.quantile(migrants, summary.quantiles, axis=2)  # (Q, T, R, 2, A)
    np.testing.assert_allclose(summary.net_migrants[:, :2], np.moveaxis(expected, 1, 2), rtol=1e-12)
    city = np.quantile(migrants.sum(axis=1), summary.quantiles, axis=1)  # (Q, T, 2, A)
    np.testing.assert_allclose(summary.net_migrants[:, 2], city, rtol=2e-7)


def test_independent_shocks_narrow_the_city_interval(scenario: Scenario) -> None:
    """Districts moving independently partly cancel: the city's relative interval is narrower than with common
    shocks."""
    base_settings = scenario.stochastic
    assert base_settings is not None

    def relative_width(correlation: str) -> float:
        settings = replace(base_settings, correlation=correlation)
        total = run_stochastic(scenario, settings, city="3301").population_total
        return float((total[-1, 2, -1] - total[0, 2, -1]) / total[2, 2, -1])

    assert relative_width("independent") < 0.9 * relative_width("common")


def test_stochastic_cli_writes_intervals_and_json(files: tuple[Path, Path], tmp_path: Path) -> None:
    base, path = files
    out = tmp_path / "intervals.csv"
    args: list[str | Path] = [
        "project",
        "--base",
        base,
        "--scenario",
        path,
        "--stochastic",
        "--trajectories",
        "50",
        "--seed",
        "9",
    ]
    result = run_cli(*args, "--intervals", out, "--json", "--city", "3301")
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["trajectories"] == 50 and report["seed"] == 9
    assert set(report["regions"]) == {"330101", "330102", "3301"}
    population = report["regions"]["3301"]["population"]
    assert population["p2.5"][-1] < population["p50"][-1] < population["p97.5"][-1]
    rows = read_csv(out)
    assert list(rows[0]) == [
        "measure",
        "region",
        "year_from",
        "year_to",
        "sex",
        "age",
        "p2.5",
        "p10",
        "p50",
        "p90",
        "p97.5",
    ]
    measures = {r["measure"] for r in rows}
    assert measures == {
        "population",
        "population_total",
        "births",
        "births_by_mother_age",
        "births_total",
        "deaths",
        "deaths_total",
        "net_migrants",
        "net_migrants_total",
        "tfr",
        "e0",
        "migration_total",
    }
    again = run_cli(*args, "--json", "--city", "3301")
    assert json.loads(again.stdout)["regions"] == report["regions"]


def test_stochastic_needs_a_scenario_with_settings(files: tuple[Path, Path], tmp_path: Path) -> None:
    base, path = files
    data = scenario_data(2, N, STEPS)
    del data["stochastic"]
    bare = write_yaml(tmp_path / "bare.yaml", data)
    result = run_cli("project", "--base", base, "--scenario", bare, "--stochastic", "--json")
    assert result.returncode == 1 and "stochastic" in result.stderr
    result = run_cli("project", "--base", base, "--scenario", path, "--intervals", tmp_path / "i.csv")
    assert result.returncode == 1 and "--stochastic" in result.stderr
