"""The fan chart's bridge from the register's indicators to renkou.projection: the base lands on the right sex and
age, the TFR, sex ratio at birth and migration reach the compiled inputs unchanged, and the outputs are ordered as
variants and quantiles must be. Expected values are recomputed here with plain loops."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from renkou.projection.synthetic import standard_mx
from renkou.web import projection_feed as pf

ASFR = {"15-19": 0.004, "20-24": 0.03, "25-29": 0.07, "30-34": 0.06, "35-39": 0.025, "40-44": 0.006, "45-49": 0.001}
RESIDENT: dict[str, Any] = {
    "total_fertility_rate": 1.2,
    "sex_ratio_at_birth": 107.0,
    "asfr": ASFR,
    "net_migration": 1500.0,
    "life_expectancy_at_birth_female": 84.0,
    "life_expectancy_at_birth_male": 79.5,
}


def counts(seed: int = 3) -> list[tuple[str | None, int | None, int]]:
    rng = random.Random(seed)
    found: list[tuple[str | None, int | None, int]] = []
    for sex in ("F", "M"):
        for age in range(0, 106):
            found.append((sex, age, rng.randint(50, 400) if age < 95 else rng.randint(0, 5)))
    found += [(None, 30, 7), ("F", None, 4)]  # unknown sex or age: left out
    return found


def test_base_rows_against_a_plain_count() -> None:
    given = counts()
    rows = pf.base_rows(given)
    expected: dict[tuple[str, int], int] = {}
    for sex, age, persons in given:
        if sex is None or age is None:
            continue
        key = (sex, age if age < pf.OPEN_AGE else pf.OPEN_AGE)
        expected[key] = expected.get(key, 0) + persons
    assert len(rows) == 2 * (pf.OPEN_AGE + 1)
    assert {(sex, age): persons for _, sex, age, persons in rows} == expected
    assert {row[0] for row in rows} == {pf.REGION}


def test_compiled_inputs_carry_the_register_figures() -> None:
    rows = pf.base_rows(counts())
    mapping = pf.scenario_mapping(2020, RESIDENT, standard_mx())
    scenario, inputs = pf.compile_inputs(rows, mapping)
    assert inputs.years[0] == 2020 and inputs.years[-1] == pf.HORIZON
    medium = inputs.series.index((pf.REGION, "medium"))
    # Base: females then males, single years, the open group last.
    for _, sex, age, persons in rows:
        assert inputs.base[medium, "FM".index(sex), age] == persons
    # Fertility: one-year steps, so the TFR is the sum of single-year rates; the shape is the observed one.
    asfr = inputs.asfr[medium]
    assert asfr.sum(axis=-1) == pytest.approx(np.full(inputs.steps, 1.2))
    assert asfr[0, 27] / asfr[0, 22] == pytest.approx(ASFR["25-29"] / ASFR["20-24"])
    assert asfr[0, 14] == 0 and asfr[0, 50] == 0
    assert inputs.sex_ratio_at_birth[medium] == pytest.approx(np.full(inputs.steps, 1.07))
    # Migration: the year's net migrants per step, medium held constant.
    assert inputs.net_migrants[medium].sum(axis=(-2, -1)) == pytest.approx(np.full(inputs.steps, 1500.0))
    low = inputs.series.index((pf.REGION, "low"))
    # Low variant: half a child less and half the migrants once phased in (5 steps).
    assert inputs.asfr[low, 5].sum() == pytest.approx(0.7)
    assert inputs.net_migrants[low, 5].sum() == pytest.approx(750.0)
    assert scenario.stochastic is not None and scenario.stochastic.trajectories == 1000


def test_projection_outputs_are_ordered() -> None:
    rows = pf.base_rows(counts())
    found = pf.project(rows, pf.scenario_mapping(2020, RESIDENT, standard_mx()))
    base_total = sum(row[3] for row in rows)
    years = found["years"]
    assert years == list(range(2020, pf.HORIZON + 1))
    for name in ("low", "medium", "high"):
        assert found["variants"][name][0] == pytest.approx(base_total)
        assert len(found["variants"][name]) == len(years)
    last = -1
    assert found["variants"]["low"][last] < found["variants"]["medium"][last] < found["variants"]["high"][last]
    q = found["intervals"]
    for i in range(1, len(years)):
        assert q["p2.5"][i] <= q["p10"][i] <= q["p50"][i] <= q["p90"][i] <= q["p97.5"][i]
    # The stochastic median runs near the medium path (the draws are centred on it): inside the 80% band.
    assert q["p10"][last] <= found["variants"]["medium"][last] <= q["p90"][last]
    assert found["births"]["medium"][0] > 0


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"total_fertility_rate": None}, "total fertility rate"),
        ({"asfr": {}}, "age-specific fertility rates"),
        ({"net_migration": None}, "net migration"),
        ({"asfr": {"15-19": 0.0, "20-24": 0.0}}, "no births"),
    ],
)
def test_not_projectable_says_why(change: dict[str, Any], word: str) -> None:
    with pytest.raises(pf.NotProjectable) as caught:
        pf.scenario_mapping(2020, {**RESIDENT, **change}, standard_mx())
    assert word in caught.value.en and caught.value.zh


def test_missing_e0_falls_back_to_the_standard_level() -> None:
    mapping = pf.scenario_mapping(2020, {**RESIDENT, "life_expectancy_at_birth_male": None}, standard_mx())
    assert "e0" not in mapping["defaults"]["mortality"]
    assert pf.scenario_mapping(2034, RESIDENT, standard_mx())["steps"] == 1
    with pytest.raises(pf.NotProjectable):
        pf.scenario_mapping(pf.HORIZON, RESIDENT, standard_mx())
