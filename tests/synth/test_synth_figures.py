"""The figures the calibration check compares (``renkou.synth.measure.figures`` and ``bench/bench_synth.py``).

Two ways: a hand-built measurement whose figures are worked out by hand, and a small synthetic city ingested into a
real register whose figures are recounted here by a fold of the event table written in plain SQL (not the
register's state index, not its population queries), with ages as completed years from DuckDB's ``age()``.
"""

from __future__ import annotations

import calendar
import importlib.util
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

from renkou.engine import Engine
from renkou.register.store import Register
from renkou.synth.city import Summary
from renkou.synth.measure import Measured, figures, measure
from renkou.synth.targets import city_targets

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "data" / "hangzhou_2020.yaml"
END = date(2020, 12, 31)


def _hand_measurement() -> Measured:
    """Ten residents' worth of ages times ten, two districts, a register of 100 on 31 December."""
    year_ends = np.zeros((2, 2, 111))
    year_ends[1, 1, 15:50] = 1  # a woman at each age 15..49 (so fertility is defined): 3 under 18, 32 aged 18-59
    year_ends[1, 0, 5] = 15  # ages 0-17: 15 + 3 = 18
    year_ends[1, 0, 30] = 20  # ages 18-59: 20 + 32 = 52
    year_ends[1, 1, 60] = 30  # 60+: 30
    year_ends[0] = year_ends[1]
    deaths = {70: 2, 101: 1}  # some deaths so that the life table closes
    return Measured(
        on=END,
        registered=100,
        resident=100,
        floating=40,
        mean_registered=100.0,
        births_by_sex={"M": 1, "F": 1},
        births_by_mother_age={30: 2},
        deaths_by_age=deaths,
        exposure=np.full((2, 111), 10.0),
        year_ends=year_ends,
        aged_60_by_district={"330102": (10, 40), "330110": (20, 60)},
        resident_ages={0: 10, 14: 5, 15: 20, 59: 30, 60: 10, 64: 5, 65: 20},
        resident_urban=80,
        resident_by_district={"330102": 25, "330110": 75},
        registered_by_year_end={2019: 98},
    )


def test_new_figures_of_a_hand_built_measurement() -> None:
    got = figures(_hand_measurement())
    # Resident ages: 0-14 = 15, 15-59 = 50, 15-64 = 50 + 10 + 5 = 65, 60+ = 35, 65+ = 20 of 100.
    assert got["resident_share_0_14"] == pytest.approx(0.15, abs=1e-15)
    assert got["resident_share_15_59"] == pytest.approx(0.50, abs=1e-15)
    assert got["resident_share_60_plus"] == pytest.approx(0.35, abs=1e-15)
    assert got["total_dependency_ratio"] == pytest.approx((15 + 20) / 65, abs=1e-15)
    assert got["registered_share_0_17"] == pytest.approx(0.18, abs=1e-15)
    assert got["registered_share_18_59"] == pytest.approx(0.52, abs=1e-15)
    assert got["registered_60_plus"] == 30
    assert got["registered_share_60_plus"] == pytest.approx(0.30, abs=1e-15)
    assert got["registered_60_plus@330102"] == 10
    assert got["registered_share_60_plus@330102"] == pytest.approx(0.25, abs=1e-15)
    assert got["registered_60_plus@330110"] == 20
    assert got["registered_share_60_plus@330110"] == pytest.approx(1 / 3, abs=1e-15)
    assert got["resident_share@330102"] == pytest.approx(0.25, abs=1e-15)
    assert got["resident_share@330110"] == pytest.approx(0.75, abs=1e-15)
    assert got["registered@2019"] == 98
    assert got["urbanization"] == pytest.approx(0.8, abs=1e-15)


# --- the same figures from a real register ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_register(clean_city: tuple[Path, Summary], tmp_path_factory: pytest.TempPathFactory):
    files, summary = clean_city
    register = Register.open(tmp_path_factory.mktemp("figures") / "register.duckdb", city="330100")
    summaries = register.ingest([files / name for name in summary.load_order], today=date(2021, 6, 30))
    assert all(s.status == "loaded" and s.quarantined == 0 for s in summaries)
    yield register
    register.close()


@pytest.fixture(scope="module")
def measured(small_register) -> Measured:
    return measure(small_register.engine, END)


def _folded(engine: Engine, on: date) -> list[tuple]:
    """(alive, hukou_in_city, hukou_region, residence_in_city, residence_region, residence_since, left_on, age) of
    every person on ``on``: each attribute the last non-null value of the person's events up to that day in
    (occurred_on, event_id) order, corrected events left out."""
    day = f"DATE '{on.isoformat()}'"
    names = "alive hukou_in_city hukou_region residence_in_city residence_region residence_since left_on birth_date"
    last = ", ".join(f"arg_max({n}, position) FILTER (WHERE {n} IS NOT NULL) AS {n}" for n in names.split())
    return engine.rows(
        f"WITH live AS (SELECT *, row_number() OVER (PARTITION BY subject_id ORDER BY occurred_on, event_id) "
        f"AS position FROM events WHERE occurred_on <= {day} AND event_id NOT IN "
        f"(SELECT supersedes FROM events WHERE supersedes IS NOT NULL)), "
        f"folded AS (SELECT subject_id, {last} FROM live GROUP BY subject_id) "
        f"SELECT alive, hukou_in_city, hukou_region, residence_in_city, residence_region, residence_since, left_on, "
        f"CAST(date_part('year', age({day}::TIMESTAMP, birth_date::TIMESTAMP)) AS INTEGER) FROM folded"
    )


def _registered(rows: list[tuple]) -> list[tuple]:
    return [r for r in rows if r[0] is not False and r[1] is True]


def _resident(rows: list[tuple], on: date) -> list[tuple[str, int]]:
    """(district, age) of the residents: living here with hukou here or six months or more; or with hukou here and
    away for less than six months (DESIGN.md, census rules)."""
    year, month = (on.year, on.month - 6) if on.month > 6 else (on.year - 1, on.month + 6)
    half_year = date(year, month, min(on.day, calendar.monthrange(year, month)[1]))  # as SQL's INTERVAL 6 MONTH
    out = []
    for alive, hukou_here, hukou_region, living_here, residence_region, since, left_on, age in rows:
        if alive is False:
            continue
        if living_here and (hukou_here or (since or date(1800, 1, 1)) <= half_year):
            out.append((residence_region, age))
        elif hukou_here and not living_here and (left_on or date(1800, 1, 1)) > half_year:
            out.append((hukou_region, age))
    return out


def test_district_60_plus_agrees_with_a_fold_of_the_events(small_register, measured) -> None:
    registered = _registered(_folded(small_register.engine, END))
    codes = {d.code for d in city_targets("hangzhou-2020").published.districts}
    assert len(codes) == 13
    total_old = 0
    for code in codes:
        people = [r for r in registered if r[2] == code]
        old = sum(1 for r in people if r[7] >= 60)
        total_old += old
        assert old > 0
        assert measured.figures[f"registered_60_plus@{code}"] == old
        assert measured.figures[f"registered_share_60_plus@{code}"] == pytest.approx(old / len(people), rel=1e-12)
    assert measured.figures["registered_60_plus"] == total_old
    assert measured.figures["registered_share_60_plus"] == pytest.approx(total_old / len(registered), rel=1e-12)


def test_age_shares_and_dependency_agree_with_a_fold_of_the_events(small_register, measured) -> None:
    rows = _folded(small_register.engine, END)
    residents = _resident(rows, END)
    ages = np.array([age for _, age in residents])
    n = len(ages)
    assert measured.figures["resident"] == n
    assert measured.figures["resident_share_0_14"] == pytest.approx(np.sum(ages <= 14) / n, rel=1e-12)
    assert measured.figures["resident_share_15_59"] == pytest.approx(np.sum((ages >= 15) & (ages <= 59)) / n, rel=1e-12)
    ratio = (np.sum(ages <= 14) + np.sum(ages >= 65)) / np.sum((ages >= 15) & (ages <= 64))
    assert measured.figures["total_dependency_ratio"] == pytest.approx(ratio, rel=1e-12)
    registered_ages = np.array([r[7] for r in _registered(rows)])
    m = len(registered_ages)
    assert measured.figures["registered_share_0_17"] == pytest.approx(np.sum(registered_ages <= 17) / m, rel=1e-12)
    assert measured.figures["registered_share_18_59"] == pytest.approx(
        np.sum((registered_ages >= 18) & (registered_ages <= 59)) / m, rel=1e-12
    )
    for code in {d for d, _ in residents}:
        share = sum(1 for d, _ in residents if d == code) / n
        assert measured.figures[f"resident_share@{code}"] == pytest.approx(share, rel=1e-12)


def test_earlier_year_ends_agree_with_a_fold_of_the_events(small_register, measured) -> None:
    for year in (2016, 2019):
        count = len(_registered(_folded(small_register.engine, date(year, 12, 31))))
        assert measured.figures[f"registered@{year}"] == count


# --- the benchmark's comparison -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_synth_under_test", ROOT / "bench" / "bench_synth.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_the_check_compares_every_figure_of_item_3(bench, measured) -> None:
    """Each target names figures the register measurement has; Table 2's 13 districts each give a count and a share;
    the young shares and the census shares are there."""
    published = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    targets = bench._targets()
    for target in targets:
        assert all(key in measured.figures for key in target.keys), target
    keys = {key for target in targets for key in target.keys}
    codes = [d.code for d in city_targets("hangzhou-2020").published.districts]
    assert len(published["aged_60_plus_registered_by_district"]) == len(codes) == 13
    for code in codes:
        assert {f"registered_60_plus@{code}", f"registered_share_60_plus@{code}", f"resident_share@{code}"} <= keys
    item_3 = {"registered", "resident", "floating", "resident_share_60_plus", "resident_share_65_plus"}
    item_3 |= {"total_fertility_rate", "sex_ratio_at_birth", "crude_birth_rate", "natural_increase_rate"}
    item_3 |= {"life_expectancy", "urbanization", "resident_share_0_14", "registered_share_0_17"}
    assert item_3 <= keys
    by_key = {target.keys: target for target in targets}
    # Table 2 read by name: 滨江区 (330108) has 40 839 persons aged 60+, 14.0% of its register.
    assert by_key[("registered_60_plus@330108",)].value == 40839 and by_key[("registered_60_plus@330108",)].count
    assert by_key[("registered_share_60_plus@330108",)].value == 0.140
    # Resident 0-14 = 1 - 70.12% - 16.87% = 13.01%; its dependency ratio (13.01 + 11.66) / (100 - 13.01 - 11.66).
    assert by_key[("resident_share_0_14",)].value == pytest.approx(0.1301, abs=1e-12)
    assert by_key[("total_dependency_ratio",)].value == pytest.approx(0.3275, abs=1e-12)
    assert pytest.approx(0.3275, abs=5e-5) == (0.1301 + 0.1166) / (1 - 0.1301 - 0.1166)


def test_the_comparison_flags_a_figure_off_by_more_than_one_per_cent(bench) -> None:
    scale = 0.5
    perfect: dict[str, float] = {}
    for target in bench._targets():
        value = target.value * scale if target.count else target.value
        for key in target.keys:
            perfect[key] = value / len(target.keys)
    lines, failures = bench._comparison(perfect, scale)
    assert failures == 0 and len(lines) == 2 + len(bench._targets())
    perfect["registered_60_plus@330108"] = 40839 * scale * 1.011  # 1.1% too many in 滨江
    perfect["total_fertility_rate"] = 1.33 * 0.991  # 0.9% too low: still within
    lines, failures = bench._comparison(perfect, scale)
    assert failures == 1
    assert next(line for line in lines if "**NO**" in line).startswith("| 滨江区 registered 60+ (Table 2) |")
