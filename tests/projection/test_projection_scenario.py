"""Scenarios (TFR, e0 and migration paths with variants) compiled to explicit inputs, through the library and CLI."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from projection_helpers import read_csv, run_cli, write_base, write_yaml

from renkou.projection.scenario import compile_scenario
from renkou.projection.scenario_file import read_scenario
from renkou.projection.synthetic import base_rows, scenario_data

N, STEPS, OPEN = 5, 4, 85


def small_scenario(**changes: Any) -> dict[str, Any]:
    data = scenario_data(2, N, STEPS, trajectories=400)
    data.update(changes)
    return data


def write_inputs(tmp_path: Path, data: dict[str, Any], regions: int = 2) -> tuple[Path, Path]:
    base = write_base(tmp_path / "base.csv", base_rows(regions, N, open_age=OPEN))
    return base, write_yaml(tmp_path / "scenario.yaml", data)


def test_variants_compile_to_the_stated_paths(tmp_path: Path) -> None:
    data = small_scenario()
    data["variants"]["low"]["ramp_steps"] = 2
    base, path = write_inputs(tmp_path, data)
    inputs = compile_scenario(read_scenario(path, base))
    assert inputs.series == [(r, v) for r in ("330101", "330102") for v in ("low", "medium", "high")]
    tfr = np.array(data["defaults"]["fertility"]["tfr"])
    e0 = data["defaults"]["mortality"]["e0"]
    half_then_full = np.array([0.5, 1.0, 1.0, 1.0])  # low is phased in over 2 steps, high at once
    for k, (region, variant) in enumerate(inputs.series):
        ramp = half_then_full if variant == "low" else np.ones(STEPS)
        shift = {"low": -0.25 * ramp, "medium": 0.0 * ramp, "high": 0.25 * ramp}[variant]
        np.testing.assert_allclose(N * inputs.asfr[k].sum(axis=-1), tfr + shift, rtol=1e-12)
        # Person-years on radix 100000 add up to e0 x l0 whatever the grouping.
        for s, sex in enumerate(("F", "M")):
            np.testing.assert_allclose(inputs.nLx[k, :, s].sum(axis=-1) / 100_000, e0[sex], atol=1e-7)
        yearly = data["regions"][region]["migration"]["total"]
        factor = {"low": 1 - 0.4 * ramp, "medium": 1.0 + 0 * ramp, "high": 1 + 0.4 * ramp}[variant]
        np.testing.assert_allclose(inputs.net_migrants[k].sum(axis=(-1, -2)), N * yearly * factor, rtol=1e-12)
    result = inputs.run()
    final = result.population[:, -1].sum(axis=(-1, -2)).reshape(2, 3)
    assert (final[:, 0] < final[:, 1]).all() and (final[:, 1] < final[:, 2]).all()


def test_region_keys_override_defaults(tmp_path: Path) -> None:
    data = small_scenario()
    data["regions"]["330102"]["fertility"] = {"tfr": 1.5}
    base, path = write_inputs(tmp_path, data)
    scenario = read_scenario(path, base)
    assert scenario.regions[0].tfr.tolist() == data["defaults"]["fertility"]["tfr"]
    assert scenario.regions[1].tfr.tolist() == [1.5] * STEPS
    # The schedule still comes from defaults: same shape in both regions.
    np.testing.assert_array_equal(scenario.regions[0].shape, scenario.regions[1].shape)


def test_scenario_cli_and_compiled_assumptions_give_the_same_projection(tmp_path: Path) -> None:
    base, path = write_inputs(tmp_path, small_scenario())
    direct, compiled_out, a_yaml = tmp_path / "direct.csv", tmp_path / "compiled.csv", tmp_path / "a.yaml"
    result = run_cli("project", "--base", base, "--scenario", path, "--out", direct, "--city", "3301")
    assert result.returncode == 0, result.stderr
    result = run_cli("projection", "compile", "--base", base, "--scenario", path, "--out", a_yaml)
    assert result.returncode == 0, result.stderr
    result = run_cli("project", "--base", base, "--assumptions", a_yaml, "--out", compiled_out, "--city", "3301")
    assert result.returncode == 0, result.stderr
    first, second = read_csv(direct), read_csv(compiled_out)
    assert len(first) == 3 * 3 * (STEPS + 1) * 2 * (OPEN // N + 1)
    assert first == second
    regions_sum: dict[tuple[str, str], float] = {}
    city: dict[tuple[str, str], float] = {}
    for r in first:
        target = city if r["region"] == "3301" else regions_sum
        key = (r["variant"], r["year"])
        target[key] = target.get(key, 0.0) + float(r["population"])
    assert len(city) == 3 * (STEPS + 1)
    for key, total in city.items():
        assert total == pytest.approx(regions_sum[key], rel=1e-9)


def test_observed_schedule_gamma_and_observed_migration_profile(tmp_path: Path) -> None:
    data = small_scenario(variants=None)
    del data["variants"]
    data["defaults"]["fertility"]["schedule"] = {"model": "observed", "asfr": {20: 0.05, 25: 0.08, 30: 0.06, 35: 0.02}}
    data["regions"]["330102"]["fertility"] = {"schedule": {"model": "gamma", "mean_age": 30, "sd": 5, "origin": 14}}
    profile_f = [0.0] * 18
    profile_f[4] = 3.0
    profile_m = [0.0] * 18
    profile_m[5] = 1.0
    data["defaults"]["migration"]["profile"] = {"model": "observed", "F": profile_f, "M": profile_m}
    base, path = write_inputs(tmp_path, data)
    inputs = compile_scenario(read_scenario(path, base))
    assert [v for _, v in inputs.series] == ["medium", "medium"]
    observed = inputs.asfr[0, 0]
    assert observed[5] / observed[4] == pytest.approx(0.08 / 0.05)
    migrants = inputs.net_migrants[0, 0]
    assert migrants[0, 4] == pytest.approx(0.75 * migrants.sum())
    assert migrants[1, 5] == pytest.approx(0.25 * migrants.sum())


def test_standard_from_files(tmp_path: Path) -> None:
    """A standard as a sex,age,mx file and as per-sex files with age,mx columns (renkou lifetable's output)."""
    data = small_scenario()
    mx = data["defaults"]["mortality"]["standard"]
    lines = ["sex,age,mx"] + [f"{sex},{age},{value}" for sex in ("F", "M") for age, value in enumerate(mx[sex])]
    (tmp_path / "std.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sex in ("F", "M"):
        rows = ["age,interval,mx,qx"] + [f"{age},1,{value},0" for age, value in enumerate(mx[sex])]
        (tmp_path / f"lt_{sex}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    base, path = write_inputs(tmp_path, data)
    inline = compile_scenario(read_scenario(path, base))
    data["defaults"]["mortality"]["standard"] = {"file": "std.csv"}
    write_yaml(path, data)
    from_file = compile_scenario(read_scenario(path, base))
    data["defaults"]["mortality"]["standard"] = {"F": "lt_F.csv", "M": "lt_M.csv"}
    write_yaml(path, data)
    per_sex = compile_scenario(read_scenario(path, base))
    np.testing.assert_array_equal(inline.nLx, from_file.nLx)
    np.testing.assert_array_equal(inline.nLx, per_sex.nLx)


def error_of(tmp_path: Path, data: dict[str, Any], regions: int = 2) -> str:
    base, path = write_inputs(tmp_path, data, regions)
    result = run_cli("project", "--base", base, "--scenario", path, "--out", tmp_path / "o.csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_tfr_path_shorter_than_the_horizon(tmp_path: Path) -> None:
    data = small_scenario()
    data["defaults"]["fertility"]["tfr"] = [1.0, 1.1]
    message = error_of(tmp_path, data)
    assert "scenario.yaml" in message and "defaults.fertility.tfr" in message and "2 entries" in message
    assert "steps = 4" in message


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (lambda d: d["regions"].update({"999999": {}}), ["regions", "999999"]),
        (lambda d: d["defaults"]["mortality"].update({"e0": {"F": 140, "M": 80}}), ["e0", "140"]),
        (lambda d: d["defaults"]["fertility"].update({"schedule": {"model": "coale"}}), ["schedule.model", "coale"]),
        (lambda d: d["defaults"]["fertility"].update({"tfr": -1}), ["defaults.fertility.tfr", "-1"]),
        (lambda d: d["defaults"]["fertility"].update({"tfrr": 1}), ["defaults.fertility.tfrr"]),
        (lambda d: d["variants"]["low"].update({"tfr_shift": -5}), ["variants.low.tfr_shift", "-5"]),
        (lambda d: d["stochastic"]["tfr"].update({"model": "garch"}), ["stochastic.tfr.model", "garch"]),
        (
            lambda d: d["defaults"]["migration"]["profile"].update({"params": {"a1": 0.02}}),
            ["defaults.migration.profile.params", "a1"],
        ),
    ],
)
def test_scenario_errors_name_the_key_and_value(tmp_path: Path, change: Any, needles: list[str]) -> None:
    data = copy.deepcopy(small_scenario())
    change(data)
    message = error_of(tmp_path, data)
    for needle in needles:
        assert needle in message, (needle, message)


def test_base_region_missing_from_the_scenario(tmp_path: Path) -> None:
    message = error_of(tmp_path, small_scenario(), regions=3)
    assert "base.csv" in message and "330103" in message


def test_emigration_beyond_the_population_names_the_migration_section(tmp_path: Path) -> None:
    data = small_scenario()
    data["regions"]["330101"]["migration"]["total"] = -5_000_000
    message = error_of(tmp_path, data)
    assert "regions.330101.migration (" in message and "negative" in message
