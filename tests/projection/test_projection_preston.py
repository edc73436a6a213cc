"""Preston, Heuveline & Guillot (2001) Box 6.2: Sweden females 1993 -> 1998, reproduced through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from projection_helpers import load_preston, read_csv, run_cli_process, write_base, write_yaml


@pytest.fixture(scope="module")
def preston() -> dict[str, Any]:
    return load_preston()


@pytest.fixture(scope="module")
def preston_run(tmp_path_factory: pytest.TempPathFactory, preston: dict[str, Any]) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("preston")
    inputs = preston["inputs"]
    ages = preston["ages"]
    # Males get the female inputs: the device of the published example, so only their first group differs.
    rows = [
        ("SWE", sex, age, population)
        for sex in ("F", "M")
        for age, population in zip(ages, inputs["population_1993_female"], strict=True)
    ]
    base = write_base(tmp / "base.csv", rows)
    migrants = inputs["net_migrants_female_over_period"]
    assumptions = write_yaml(
        tmp / "a.yaml",
        {
            "age_interval": preston["age_interval"],
            "start_year": 1993,
            "steps": 1,
            "migration_timing": "half",
            "regions": {
                "SWE": {
                    "medium": {
                        "sex_ratio_at_birth": inputs["sex_ratio_at_birth"],
                        "asfr": dict(inputs["asfr_by_group"]),
                        "nLx": {"F": inputs["nLx_female"], "M": inputs["nLx_female"]},
                        "radix": inputs["radix_l0"],
                        "net_migrants": {"F": migrants, "M": migrants},
                    }
                }
            },
        },
    )
    out, components = tmp / "out.csv", tmp / "components.csv"
    result = run_cli_process(
        "project", "--base", base, "--assumptions", assumptions, "--out", out, "--components", components
    )
    assert result.returncode == 0, result.stderr
    return out, components


def test_every_female_group_matches_box_6_2(preston: dict[str, Any], preston_run: tuple[Path, Path]) -> None:
    rows = read_csv(preston_run[0])
    projected = {int(r["age"]): float(r["population"]) for r in rows if r["year"] == "1998" and r["sex"] == "F"}
    expected = preston["expected"]["population_1998_female"]
    assert [round(projected[age]) for age in preston["ages"]] == expected


def test_first_male_group_matches_box_6_2(preston: dict[str, Any], preston_run: tuple[Path, Path]) -> None:
    rows = read_csv(preston_run[0])
    first = next(float(r["population"]) for r in rows if r["year"] == "1998" and r["sex"] == "M" and r["age"] == "0")
    assert round(first) == preston["expected"]["population_1998_male_first_group"]


def test_births_by_mother_age_match_box_6_2(preston: dict[str, Any], preston_run: tuple[Path, Path]) -> None:
    rows = read_csv(preston_run[1])
    births = {int(r["age"]): float(r["value"]) for r in rows if r["measure"] == "births_by_mother_age"}
    expected = preston["expected"]["births_by_mother_age_group"]
    assert {age: round(births[age]) for age in expected} == expected
    assert all(births[age] == 0 for age in births if age not in expected)


def test_base_year_is_in_the_output(preston: dict[str, Any], preston_run: tuple[Path, Path]) -> None:
    rows = read_csv(preston_run[0])
    base = [float(r["population"]) for r in rows if r["year"] == "1993" and r["sex"] == "F"]
    assert base == [float(v) for v in preston["inputs"]["population_1993_female"]]
    assert list(rows[0]) == ["variant", "region", "year", "sex", "age", "population"]
