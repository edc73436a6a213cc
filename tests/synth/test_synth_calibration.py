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
    assert math.isfinite(e0) and math.isfinite(error)  # inf would pass the bound below
    _within(e0, actual["life expectancy at birth"], 3 * error)


def test_life_table_closes_below_100_when_no_one_died_there() -> None:
    """Constant hazard m = 0.01 up to 97, nobody dying at 98+: the table closes at 97+ (m of the pooled ages)."""
    m = 0.01
    deaths = np.full(111, m * 1000.0)
    deaths[98:] = 0.0
    exposure = np.full(111, 1000.0)
    e0, error = life_table_e0(deaths, exposure)
    a0 = ((0.14929 - 1.99545 * m) + (0.14903 - 2.05527 * m)) / 2
    q0 = m / (1 + (1 - a0) * m)
    q = m / (1 + 0.5 * m)
    open_m = 10.0 / (14 * 1000.0)  # ages 97..110: one age's deaths over fourteen ages' exposure
    survivors = (1 - q0) * (1 - q) ** 96  # alive at 97
    expected = (1 - (1 - a0) * q0) + (1 - q0) * (1 - q / 2) * (1 - (1 - q) ** 96) / q + survivors / open_m
    assert e0 == pytest.approx(expected, rel=1e-12)
    assert math.isfinite(error)


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


def test_young_age_structure_follows_the_published_shares(measured, published) -> None:  # type: ignore[no-untyped-def]
    """Resident 0-14 and registered 0-17 shares, from the plan's age-structure section and the census 60+ share.

    The reference gives the resident 15-59 share (70.12%) and the registered 18-59 share (59.05%) of 2020; with the
    60+ shares (census 16.87%; Table 2's total over Table 1's registered) the young are what remains: resident 0-14
    = 13.01% (the census's 156 万 of 1196.5 万), registered 0-17 = 17.82%. Binomial bounds as above, plus the
    half unit of the fourth decimal in each of the two published shares subtracted.
    """
    structure = published["age_structure_forecast"]
    resident_total = sum(measured.resident_ages.values())
    share = 1 - structure["resident"][2020]["working_15_59"] - published["census_2020"]["aged_60_plus_share"]
    _within(
        measured.figures["resident_share_0_14"], share, 3 * math.sqrt(share * (1 - share) / resident_total) + 0.0001
    )
    registered_total = float(measured.year_ends[1].sum())
    old = published["aged_60_plus_registered_total"][2020] / (published["population_by_year"][2020][0] * 1e4)
    share = 1 - structure["registered"][2020]["working_18_59"] - old
    _within(
        measured.figures["registered_share_0_17"],
        share,
        3 * math.sqrt(share * (1 - share) / registered_total) + 0.0001,
    )


def test_no_cliff_between_the_born_and_the_baseline_children(measured) -> None:  # type: ignore[no-untyped-def]
    """Ages 0-4 on 2020-12-31 are the births of 2016-2020 (events), ages 5+ the 2015 baseline: the two must join.

    Bounds on the ratio of the mean resident count at ages 5-9 (cohorts 2011-2015) to that at 0-4 (2016-2020):
    - below: registered births of 2016-2020 run at crude rates averaging about 12.2 per mille (published 14.7 in
      2017 and 9.92 in 2020; 12.4, 12.9, 11.3 assumed for the other years) on 7.3-8.0 M registered; for 2011-2015
      we take the one-child years' rate as no lower than 2020's 9.92 on the smaller register before 2015's 7.24 M
      (about 7.0 M): births at least 9.92 / 12.2 x 7.0 / 7.7 = 0.74 of 2016-2020's, and older children have had
      more years to arrive with migrating parents. 0.65 leaves three standard errors of the ratio at this scale
      (about 0.04) below that. The generator before the fix gave 0.43 (a 2.3-fold jump at 4/5).
    - above: 1.2, about China's national 2020 census ratio (5-9 / 0-4 = 9024 / 7788 = 1.16), where births fell
      after 2017 with no inflow of young families; Hangzhou's 0-4 group is not relatively smaller than that.
    The single-year step from 4 to 5 is held to the same reasoning with the wider sampling error of one year of age
    (a ratio near 0.7 at ~1300 and ~950 persons: standard error 0.03). Ages 10-14 (cohorts 2006-2010, a decade of
    flat one-child births) must continue 5-9 within a quarter.
    """
    ages = measured.resident_ages
    young = np.mean([ages.get(a, 0) for a in range(5)])
    school = np.mean([ages.get(a, 0) for a in range(5, 10)])
    assert 0.65 <= school / young <= 1.2, (school, young)
    assert 0.55 <= ages.get(5, 0) / ages.get(4, 1) <= 1.3, (ages.get(4), ages.get(5))
    middle = np.mean([ages.get(a, 0) for a in range(10, 15)])
    assert 0.75 <= middle / school <= 1.25, (middle, school)
