"""The dashboard's projection fan chart: an indicative cohort-component projection of the city's resident population
from the register's own base year, with low/medium/high variants and stochastic 80% and 95% intervals.

Inputs come from the register alone: the base population by sex and single year of age on 31 December of the base
year, and that year's indicators (:func:`renkou.stats.compute.compute_stats`): TFR and the observed age pattern of
fertility, sex ratio at birth, life expectancy by sex, net migration. The medium variant holds them constant
(a constant-rate projection); the variants and the stochastic settings are :data:`ASSUMPTIONS`. Mortality follows
Brass's relational model on the projection package's model schedule, levelled to the register's e0.

The projection itself is :mod:`renkou.projection`'s: the inputs are written as its BASE.csv and scenario YAML (the
documented file contract) and read back through its validation. :func:`scenario_mapping` and :func:`base_rows`
are pure; :func:`project` does the file round trip in a temporary folder.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

OPEN_AGE = 100
HORIZON = 2035  # the plans' horizon (Hangzhou, Suzhou: 2021-2035)
REGION = "city"

# Variants after the UN World Population Prospects convention (low/high: half a child below/above the medium TFR,
# phased in), with migration halved/raised by half; stochastic settings of the same order as the projection
# package's own examples. Stated on the dashboard beside the chart.
ASSUMPTIONS: dict[str, Any] = {
    "variants": {
        "low": {"tfr_shift": -0.5, "migration_factor": 0.5, "ramp_steps": 5},
        "medium": {},
        "high": {"tfr_shift": 0.5, "migration_factor": 1.5, "ramp_steps": 5},
    },
    "stochastic": {
        "trajectories": 1000,
        "seed": 20201231,
        "correlation": "common",
        "tfr": {"model": "ar1", "rho": 0.9, "sigma": 0.05},
        "e0": {"model": "random_walk", "drift": 0.0, "sigma": 0.25},
        "migration": {"model": "ar1", "rho": 0.5, "sigma": 0.25, "scale": "relative"},
    },
}


class NotProjectable(Exception):
    """The register lacks what the projection needs (e.g. no births in the base year): the reason, bilingual."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def base_rows(counts: Iterable[tuple[str | None, int | None, int]], open_age: int = OPEN_AGE) -> list[list[Any]]:
    """BASE.csv rows ``region,sex,age,population`` from (sex, age, persons): ages 0..open_age, the last open.

    Persons of unknown sex or age are left out (the register derives both from the ID number, so they are rare).
    """
    table = np.zeros((2, open_age + 1))
    for sex, age, persons in counts:
        if sex in ("F", "M") and age is not None and age >= 0:
            table["FM".index(sex), min(age, open_age)] += persons
    return [[REGION, sex, age, int(table[s, age])] for s, sex in enumerate("FM") for age in range(open_age + 1)]


def _single_age_asfr(groups: Mapping[str, float]) -> dict[int, float]:
    """Five-year ASFR such as ``{"15-19": 0.0025}`` spread to single ages (the rate holds within its group)."""
    rates: dict[int, float] = {}
    for label, rate in groups.items():
        low, _, high = label.partition("-")
        for age in range(int(low), int(high) + 1):
            rates[age] = float(rate)
    return rates


def scenario_mapping(
    base_year: int, resident: Mapping[str, Any], standard: Mapping[str, list[float]]
) -> dict[str, Any]:
    """The scenario (layout of :mod:`renkou.projection.scenario_file`) from the base year's resident indicators."""
    needed = {
        "total_fertility_rate": ("总和生育率", "total fertility rate"),
        "sex_ratio_at_birth": ("出生性别比", "sex ratio at birth"),
        "asfr": ("分年龄生育率", "age-specific fertility rates"),
        "net_migration": ("净迁移", "net migration"),
    }
    for key, (zh, en) in needed.items():
        if resident.get(key) in (None, {}):
            raise NotProjectable(f"{base_year} 年的{zh}无法计算，不能预测", f"no {en} for {base_year}: cannot project")
    steps = HORIZON - base_year
    if steps < 1:
        raise NotProjectable(f"基年 {base_year} 已到规划期末 {HORIZON}", f"base year {base_year} reaches {HORIZON}")
    asfr = _single_age_asfr(resident["asfr"])
    if sum(asfr.values()) <= 0:
        raise NotProjectable(f"{base_year} 年没有出生，不能预测", f"no births in {base_year}: cannot project")
    mortality: dict[str, Any] = {"standard": {sex: list(standard[sex]) for sex in ("F", "M")}}
    e0 = (resident.get("life_expectancy_at_birth_female"), resident.get("life_expectancy_at_birth_male"))
    if e0[0] is not None and e0[1] is not None:
        mortality["e0"] = {"F": float(e0[0]), "M": float(e0[1])}
    return {
        "age_interval": 1,
        "start_year": base_year,
        "steps": steps,
        "migration_timing": "half",
        "open_age": OPEN_AGE,
        "defaults": {
            "fertility": {
                "tfr": float(resident["total_fertility_rate"]),
                "schedule": {"model": "observed", "asfr": asfr},
                "sex_ratio_at_birth": float(resident["sex_ratio_at_birth"]) / 100.0,
            },
            "mortality": mortality,
            "migration": {"total": float(resident["net_migration"]), "profile": {"model": "rogers_castro"}},
        },
        "regions": {REGION: {}},
        **ASSUMPTIONS,
    }


def compile_inputs(rows: list[list[Any]], mapping: Mapping[str, Any]) -> tuple[Any, Any]:
    """(scenario, explicit inputs) read back through the projection package's file validation."""
    from renkou.projection.scenario import compile_scenario
    from renkou.projection.scenario_file import read_scenario

    with tempfile.TemporaryDirectory(prefix="renkou-fan-") as folder:
        base_path = Path(folder) / "base.csv"
        with base_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["region", "sex", "age", "population"])
            writer.writerows(rows)
        scenario_path = Path(folder) / "scenario.yaml"
        scenario_path.write_text(yaml.safe_dump(dict(mapping), allow_unicode=True), encoding="utf-8")
        scenario = read_scenario(scenario_path, base_path)
    return scenario, compile_scenario(scenario)


def project(rows: list[list[Any]], mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Run the deterministic variants and the stochastic mode; the totals by year for the fan chart."""
    from renkou.projection.stochastic import run_stochastic

    scenario, inputs = compile_inputs(rows, mapping)
    result = inputs.run()
    totals = result.population.sum(axis=(-2, -1))  # (series, years)
    variants = {variant: _rounded(totals[k]) for k, (_, variant) in enumerate(inputs.series)}
    births = {variant: _rounded(result.births.sum(axis=-1)[k]) for k, (_, variant) in enumerate(inputs.series)}
    assert scenario.stochastic is not None
    summary = run_stochastic(scenario, scenario.stochastic)
    quantiles = {f"p{q * 100:g}": _rounded(summary.population_total[i, 0]) for i, q in enumerate(summary.quantiles)}
    return {
        "years": inputs.years,
        "variants": variants,
        "births": births,
        "intervals": quantiles,
        "trajectories": summary.trajectories,
        "seed": summary.seed,
    }


def _rounded(values: Any) -> list[float]:
    return [round(float(v), 1) for v in np.asarray(values).tolist()]
