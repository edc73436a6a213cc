"""Calibration through the register: a clean synthetic city at scale 0.01 is ingested, every published 2020 figure
is computed from the register (events and states, by SQL written here) and compared with the reference YAML.

Tolerances are three standard errors of the figure if the city were a random sample of that size (Poisson counts,
binomial shares, Chiang's variance for life expectancy). The generator rounds its expected counts systematically, so
its errors are in fact much smaller; these bounds say what the sample size allows, and a real bias of a few per cent
in any figure would break them.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from renkou.register.store import Register
from renkou.synth.city import generate
from renkou.synth.dirt import DirtRates
from renkou.synth.measure import Measured, fertility_by_group, life_table_e0, measure
from renkou.synth.targets import city_targets

pytestmark = pytest.mark.slow

SCALE = 0.01
END = date(2020, 12, 31)
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hangzhou_2020.yaml"
INGEST_TODAY = date(2021, 6, 30)


@pytest.fixture(scope="module")
def published() -> dict:
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def actual(published: dict) -> dict[str, float]:
    return {row["name"]: row["actual_2020"] for row in published["indicators_2020_actual_2025_target"]}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("calibration")
    files = root / "files"
    summary = generate(files, scale=SCALE, seed=1, dirt=DirtRates.parse(["0"]))
    reg = Register.open(root / "register.duckdb", city="330100")
    paths = [files / name for name in summary.load_order]
    summaries = reg.ingest(paths, today=INGEST_TODAY)
    assert all(s.status == "loaded" and s.quarantined == 0 for s in summaries), [
        (s.file, s.reasons, s.message) for s in summaries if s.quarantined or s.status != "loaded"
    ]
    yield reg
    reg.close()


def _within(value: float, target: float, tolerance: float) -> None:
    assert abs(value - target) <= tolerance, f"{value} differs from {target} by more than {tolerance}"


@pytest.fixture(scope="module")
def measured(register) -> Measured:  # type: ignore[no-untyped-def]
    return measure(register.engine, END)


def test_registered_resident_floating(measured, published) -> None:  # type: ignore[no-untyped-def]
    for index, kind in enumerate(("registered", "resident", "floating")):
        target = published["population_by_year"][2020][index] * 1e4 * SCALE
        _within(getattr(measured, kind), target, 3 * math.sqrt(target))


def test_registered_60_plus_by_district(measured, published) -> None:  # type: ignore[no-untyped-def]
    names = {d.code: d.name for d in city_targets("hangzhou-2020").published.districts}
    assert set(measured.aged_60_by_district) == set(names)
    for code, name in names.items():
        persons, share = published["aged_60_plus_registered_by_district"][name][2020]
        old, total = measured.aged_60_by_district[code]
        _within(old, persons * SCALE, 3 * math.sqrt(persons * SCALE))
        # Binomial share, plus the half unit of the third decimal the plan rounds to.
        _within(old / total, share, 3 * math.sqrt(share * (1 - share) / total) + 0.0005)


def test_resident_shares_60_65_and_urbanization(measured, published, actual) -> None:  # type: ignore[no-untyped-def]
    total = sum(measured.resident_ages.values())
    census = published["census_2020"]
    for key, share in (
        ("resident_share_60_plus", census["aged_60_plus_share"]),
        ("resident_share_65_plus", census["aged_65_plus_share"]),
    ):
        _within(measured.figures[key], share, 3 * math.sqrt(share * (1 - share) / total))
    share = actual["resident urbanization rate"] / 100
    _within(measured.figures["urbanization"], share, 3 * math.sqrt(share * (1 - share) / total))


def test_crude_birth_and_natural_increase_rates(measured, actual) -> None:  # type: ignore[no-untyped-def]
    births = sum(measured.births_by_sex.values())
    deaths = sum(measured.deaths_by_age.values())
    mean = measured.mean_registered
    _within(
        measured.figures["crude_birth_rate"], actual["registered crude birth rate"], 3 * math.sqrt(births) / mean * 1000
    )
    _within(
        measured.figures["natural_increase_rate"],
        actual["registered natural increase rate"],
        3 * math.sqrt(births + deaths) / mean * 1000,
    )


def test_sex_ratio_at_birth(measured, actual) -> None:  # type: ignore[no-untyped-def]
    boys, girls = measured.births_by_sex["M"], measured.births_by_sex["F"]
    ratio = measured.figures["sex_ratio_at_birth"]
    _within(ratio, actual["sex ratio at birth"], 3 * ratio * math.sqrt(1 / boys + 1 / girls))


def test_total_fertility_rate(measured, actual) -> None:  # type: ignore[no-untyped-def]
    births, woman_years = fertility_by_group(measured.births_by_mother_age, measured.year_ends[:, 1].mean(axis=0))
    error = 5 * math.sqrt(float((births / woman_years**2).sum()))
    assert sum(measured.births_by_mother_age.values()) == sum(measured.births_by_sex.values())  # every mother known
    _within(measured.figures["total_fertility_rate"], actual["total fertility rate"], 3 * error)


def test_life_expectancy(measured, actual) -> None:  # type: ignore[no-untyped-def]
    deaths = np.zeros(111)
    for age, count in measured.deaths_by_age.items():
        deaths[min(age, 110)] += count
    e0, error = life_table_e0(deaths, measured.exposure.sum(axis=0))
    _within(e0, actual["life expectancy at birth"], 3 * error)


def test_life_table_by_a_plain_loop_of_its_own() -> None:
    """The measuring life table against a hand-computed constant-hazard case: m = 0.01 at every age."""
    m = 0.01
    deaths = np.full(111, m * 1000.0)
    exposure = np.full(111, 1000.0)
    e0, _ = life_table_e0(deaths, exposure)
    a0 = ((0.14929 - 1.99545 * m) + (0.14903 - 2.05527 * m)) / 2
    q0 = m / (1 + (1 - a0) * m)
    q = m / (1 + 0.5 * m)
    survivors = (1 - q0) * (1 - q) ** 99  # alive at 100
    expected = (1 - (1 - a0) * q0) + (1 - q0) * (1 - q / 2) * (1 - (1 - q) ** 99) / q + survivors / m
    assert e0 == pytest.approx(expected, rel=1e-12)


def test_the_statistics_module_sees_the_same_city(register, measured, actual) -> None:  # type: ignore[no-untyped-def]
    """End to end: ``renkou stats`` on this register gives the published rates it shares definitions with."""
    from renkou.stats.compute import StatsRequest, compute_stats

    city = compute_stats(register, StatsRequest(as_of=END))["city"]["registered"]
    births = sum(measured.births_by_sex.values())
    deaths = sum(measured.deaths_by_age.values())
    mean = measured.mean_registered
    assert city["population"] == measured.registered
    assert city["births"] == births and city["deaths"] == deaths
    _within(city["crude_birth_rate"], actual["registered crude birth rate"], 3 * math.sqrt(births) / mean * 1000)
    _within(
        city["natural_increase_rate"],
        actual["registered natural increase rate"],
        3 * math.sqrt(births + deaths) / mean * 1000,
    )
    grouped, woman_years = fertility_by_group(measured.births_by_mother_age, measured.year_ends[:, 1].mean(axis=0))
    _within(
        city["total_fertility_rate"],
        actual["total fertility rate"],
        15 * math.sqrt(float((grouped / woman_years**2).sum())),
    )
