"""The demographic accounting meets every published figure exactly (checked by plain recomputation, no register)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from renkou.synth.city import city_plan, expected_figures
from renkou.synth.plan import (
    AGE_END,
    COHORTS,
    ENTRY_BASELINE,
    ENTRY_BIRTH,
    ENTRY_IN,
    EXIT_DEATH,
    EXIT_OUT,
    EXIT_STAY,
    _Inputs,
    _residuals,
)
from renkou.synth.targets import city_targets

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "data" / "hangzhou_2020.yaml"


@pytest.fixture(scope="module")
def published() -> dict:
    return yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return city_plan("hangzhou-2020")


def born_by(year: int) -> np.ndarray:
    """Cohorts born in or before ``year``."""
    return np.asarray(COHORTS) <= year


def _year_end_totals(lines: np.ndarray) -> list[float]:
    """Registered at the end of 2015..2020 by a plain loop over entry and exit kinds."""
    totals = [float(lines[..., ENTRY_BASELINE, :].sum())]
    for t in range(5):
        present = 0.0
        for entry in range(7):
            for exit_ in range(11):
                start = -1 if entry == ENTRY_BASELINE else (entry - ENTRY_IN if entry < ENTRY_BIRTH else None)
                count = lines[..., entry, exit_]
                # births are present from their cohort's year
                entered = born_by(2016 + t) if start is None else np.full(len(COHORTS), start <= t)
                if exit_ == EXIT_STAY:
                    gone = False
                elif exit_ < EXIT_OUT:
                    gone = exit_ - EXIT_DEATH <= t
                else:
                    gone = exit_ - EXIT_OUT <= t
                if not gone:
                    present += float(count[..., entered].sum())
        totals.append(present)
    return totals


def test_registered_totals_by_year_are_table_1(plan, published) -> None:  # type: ignore[no-untyped-def]
    expected = [published["population_by_year"][y][0] * 1e4 for y in range(2015, 2021)]
    assert _year_end_totals(plan.registered.lines) == pytest.approx(expected, abs=0.01)


def test_district_60_plus_is_table_2(plan, published) -> None:  # type: ignore[no-untyped-def]
    end = plan.registered.lines[..., EXIT_STAY].sum(axis=3)  # district, sex, cohort
    names = [d.name for d in city_targets("hangzhou-2020").published.districts]
    for index, name in enumerate(names):
        persons, share = published["aged_60_plus_registered_by_district"][name][2020]
        old = end[index][:, AGE_END >= 60].sum()
        assert old == pytest.approx(persons, abs=0.01)
        # Shares are published to three decimals.
        assert abs(old / end[index].sum() - share) <= 0.0005 + 1e-9


def test_birth_death_and_fertility_rates_of_2020(plan, published) -> None:  # type: ignore[no-untyped-def]
    actual = {row["name"]: row["actual_2020"] for row in published["indicators_2020_actual_2025_target"]}
    lines = plan.registered.lines
    totals = _year_end_totals(lines)
    mean = (totals[4] + totals[5]) / 2
    births = lines[:, :, COHORTS == 2020, ENTRY_BIRTH, :].sum()
    deaths = lines[..., EXIT_DEATH + 4].sum()
    assert births / mean * 1000 == pytest.approx(actual["registered crude birth rate"], abs=1e-6)
    assert (births - deaths) / mean * 1000 == pytest.approx(actual["registered natural increase rate"], abs=1e-6)
    boys = lines[:, 0, COHORTS == 2020, ENTRY_BIRTH, :].sum()
    assert boys / (births - boys) * 100 == pytest.approx(actual["sex ratio at birth"], abs=1e-9)
    # TFR as renkou stats defines it: 5 x the rates of the groups 15-19 .. 45-49, births over the mean of the women
    # at the two year ends. Births fall on mothers' ages in proportion to fertility x woman-years.
    woman_years = plan.registered.women_exposure[:, :, 4].sum(axis=0)
    by_age = births * plan.fertility * woman_years / (plan.fertility * woman_years).sum()
    women = (plan.registered.year_end_by_age[4][1] + plan.registered.year_end_by_age[5][1]) / 2
    tfr = 0.0
    for low in (15, 20, 25, 30, 35, 40, 45):
        tfr += 5 * sum(by_age[low : low + 5]) / sum(women[low : low + 5])
    assert tfr == pytest.approx(actual["total fertility rate"], abs=1e-9)
    # The year-end women by age are those of the life lines (independent recount of 2020's end).
    end = plan.registered.lines[:, 1, :, :, EXIT_STAY].sum(axis=(0, 2))
    assert np.allclose(plan.registered.year_end_by_age[5][1][AGE_END], end)


def test_life_expectancy_of_2020_from_the_accountings_deaths_and_exposure(plan, published) -> None:  # type: ignore[no-untyped-def]
    actual = {row["name"]: row["actual_2020"] for row in published["indicators_2020_actual_2025_target"]}
    deaths = plan.registered.deaths_by_age[:, :, 4].sum(axis=0)
    exposure = plan.registered.exposure_by_age[:, :, 4].sum(axis=0)
    # Plain loop life table, single years, open interval 100+, a0 by Andreev-Kingkade (mean of the sexes).
    mx = [deaths[x] / exposure[x] for x in range(100)] + [deaths[100:].sum() / exposure[100:].sum()]
    alive, years = 1.0, 0.0
    for age, m in enumerate(mx):
        if age == 100:
            years += alive / m
            break
        a = ((0.14929 - 1.99545 * m) + (0.14903 - 2.05527 * m)) / 2 if age == 0 else 0.5
        q = m / (1 + (1 - a) * m)
        years += alive - (1 - a) * alive * q
        alive *= 1 - q
    assert mx[0] < 0.017  # the first segment of both a0 formulas applies
    assert years == pytest.approx(actual["life expectancy at birth"], abs=1e-6)


def test_resident_floating_and_census_shares(plan, published) -> None:  # type: ignore[no-untyped-def]
    figures = expected_figures(plan, 1.0)
    registered, resident, floating = published["population_by_year"][2020]
    assert figures["registered"] == pytest.approx(registered * 1e4, abs=0.01)
    assert figures["resident"] == pytest.approx(resident * 1e4, abs=0.01)
    assert figures["floating"] == pytest.approx(floating * 1e4, abs=0.01)
    assert figures["resident_share_60_plus"] == pytest.approx(published["census_2020"]["aged_60_plus_share"], abs=1e-9)
    assert figures["resident_share_65_plus"] == pytest.approx(published["census_2020"]["aged_65_plus_share"], abs=1e-9)
    # The plan's 2020 age structure: resident 15-59 share and registered 18-59 share (the rest are the young).
    structure = published["age_structure_forecast"]
    old_share = published["census_2020"]["aged_60_plus_share"]
    assert figures["resident_share_0_14"] == pytest.approx(
        1 - structure["resident"][2020]["working_15_59"] - old_share, abs=1e-9
    )
    registered_old = published["aged_60_plus_registered_total"][2020] / (registered * 1e4)
    # Table 2's districts sum to 1 882 618, its total row says 1 882 600: 18 persons, 2e-6 of the registered.
    assert figures["registered_share_0_17"] == pytest.approx(
        1 - structure["registered"][2020]["working_18_59"] - registered_old, abs=1e-5
    )


def test_every_expected_count_is_non_negative(plan) -> None:  # type: ignore[no-untyped-def]
    assert plan.registered.lines.min() >= 0
    assert plan.floating.min() >= 0
    assert (plan.away <= plan.registered.lines[:, :, :, ENTRY_BASELINE, EXIT_STAY] + 1e-9).all()


def test_stored_solution_still_fits_the_calibration_file() -> None:
    # If the calibration YAML changes, regenerate with renkou.synth.city.save_solution("hangzhou-2020").
    import json
    from importlib import resources

    stored = json.loads((resources.files("renkou.synth.data") / "hangzhou_2020_solution.json").read_text())
    residuals = _residuals(_Inputs(city_targets("hangzhou-2020")), np.array(stored["x"]))
    assert np.max(np.abs(residuals)) < 1e-6
