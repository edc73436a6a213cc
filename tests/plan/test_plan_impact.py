"""Impact scenarios by hand: a projection with no births, deaths or migration of its own shows exactly the added
migrants, aged (and survived where a death rate is set); the scenario file's errors name their line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.plan.assess import impact_result
from renkou.plan.facilities import Area
from renkou.plan.facility_files import load_standards
from renkou.plan.impact import (
    Decision,
    ImpactScenario,
    extra_migrants,
    group_profile,
    load_scenario,
    rogers_castro_profile,
)
from renkou.plan.population import ProjectedPopulation, run_medium_with
from renkou.projection.inputs import ExplicitInputs

START = 2020
STEPS = 6
CODES = ["330102", "330105"]


def zero_event_inputs(survival_30: float = 1.0) -> ExplicitInputs:
    """Two districts, medium only, nobody born, dying or moving; optionally a survival ratio from 30 to 31."""
    k, a = len(CODES), 101
    nLx = np.ones((k, STEPS, 2, a))
    nLx[..., 31:] = survival_30  # S_30 = nL31 / nL30; every other ratio stays 1
    nLx[..., -1] = np.inf  # no deaths in the open group either
    return ExplicitInputs(
        age_interval=1,
        start_year=START,
        steps=STEPS,
        migration_timing="half",
        ages=list(range(a)),
        series=[(code, "medium") for code in CODES],
        base=np.zeros((k, 2, a)),
        asfr=np.zeros((k, STEPS, a)),
        nLx=nLx,
        radix=np.ones((k, STEPS)),
        sex_ratio_at_birth=np.full((k, STEPS), 1.05),
        net_migrants=np.zeros((k, STEPS, 2, a)),
    )


def _run(scenario: ImpactScenario, inputs: ExplicitInputs) -> np.ndarray:
    extra = extra_migrants(scenario, CODES, START, STEPS, rogers_castro_profile(), [0.5, 0.5])
    return run_medium_with(inputs, extra)


def test_housing_movers_show_exactly_aged_by_the_timing_convention() -> None:
    everyone_30 = group_profile({(30, 30): 1.0}, 0.5)
    housing = Decision(
        kind="housing", name="h", from_year=2022, district="330105", units=100, persons_per_unit=2, profile=everyone_30
    )
    population = _run(ImpactScenario("s", [housing]), zero_event_inputs())
    # areas: 330102, 330105, city; years 2020..2026
    assert population[0].sum() == 0  # the other district sees nothing
    assert population[1, :2].sum() == 0  # nothing before 2022 (2020 base, 2021)
    end_2022 = population[1, 2]
    # 200 movers aged 30 at the end of 2022: half joined at the start (a year older by its end), half at the end.
    assert end_2022[0, 30] == pytest.approx(50) and end_2022[1, 30] == pytest.approx(50)
    assert end_2022[0, 31] == pytest.approx(50) and end_2022[1, 31] == pytest.approx(50)
    assert end_2022.sum() == pytest.approx(200)
    end_2025 = population[1, 5]  # three years later, every one of them three years older
    assert end_2025[:, 33].sum() == pytest.approx(100) and end_2025[:, 34].sum() == pytest.approx(100)
    assert end_2025.sum() == pytest.approx(200)
    np.testing.assert_allclose(population[2], population[0] + population[1])  # the city sums its districts


def test_movers_survive_by_the_death_rate() -> None:
    everyone_30 = group_profile({(30, 30): 1.0}, 1.0)
    housing = Decision(
        kind="housing", name="h", from_year=2021, district="330102", units=10, persons_per_unit=10, profile=everyone_30
    )
    population = _run(ImpactScenario("s", [housing]), zero_event_inputs(survival_30=0.9))
    # 100 women aged 30 in 2021: the 50 who joined at the start aged 30 and survived at 0.9 into 31.
    assert population[0, 1, 0, 31] == pytest.approx(45)
    assert population[0, 1, 0, 30] == pytest.approx(50)
    # 2022: the 50 at 30 pass to 31 at 0.9; the 45 at 31 and older survive at 1.
    assert population[0, 2, 0, 31] == pytest.approx(45) and population[0, 2, 0, 32] == pytest.approx(45)


def test_university_stock_builds_up_and_stays() -> None:
    university = Decision(kind="university", name="u", from_year=2021, district="330102", students=400)
    population = _run(ImpactScenario("s", [university]), zero_event_inputs())
    totals = population[0].sum(axis=(-1, -2))
    # Intake 100 a year; from 2025 each graduating class (100) leaves: 100, 200, 300, 400, then 400 every year.
    np.testing.assert_allclose(totals, [0, 100, 200, 300, 400, 400, 400], atol=1e-9)
    assert population[0, 1, 0, 18] == pytest.approx(25) and population[0, 1, 1, 19] == pytest.approx(25)


def test_graduates_who_stay_accumulate() -> None:
    university = Decision(kind="university", name="u", from_year=2021, district="330102", students=400, stay_share=0.25)
    totals = _run(ImpactScenario("s", [university]), zero_event_inputs())[0].sum(axis=(-1, -2))
    np.testing.assert_allclose(totals, [0, 100, 200, 300, 400, 425, 450], atol=1e-9)  # 25 of each class stay


def test_settlement_quota_by_district_shares_and_years() -> None:
    quota = Decision(
        kind="settlement_quota",
        name="q",
        from_year=2022,
        to_year=2023,
        change=1000,
        districts={"330102": 0.25, "330105": 0.75},
    )
    population = _run(ImpactScenario("s", [quota]), zero_event_inputs())
    np.testing.assert_allclose(population[0].sum(axis=(-1, -2)), [0, 0, 250, 500, 500, 500, 500], atol=1e-9)
    np.testing.assert_allclose(population[1].sum(axis=(-1, -2)), [0, 0, 750, 1500, 1500, 1500, 1500], atol=1e-9)
    # The default profile is the city's migrants' (here Rogers-Castro): its sexes and ages carry over.
    profile = rogers_castro_profile()
    extra = extra_migrants(ImpactScenario("s", [quota]), CODES, START, STEPS, profile, [0.5, 0.5])
    np.testing.assert_allclose(extra[0, 1], 250 * profile)


def test_quota_without_districts_follows_the_base_population() -> None:
    quota = Decision(kind="settlement_quota", name="q", from_year=2021, to_year=2021, change=-100)
    extra = extra_migrants(ImpactScenario("s", [quota]), CODES, START, STEPS, rogers_castro_profile(), [0.2, 0.8])
    assert extra[0].sum() == pytest.approx(-20) and extra[1].sum() == pytest.approx(-80)


def test_impact_result_facility_differences_by_hand() -> None:
    inputs = zero_event_inputs()
    base = inputs.run().population  # all zeros
    population = np.zeros((3, 1, STEPS + 1, 2, 101))
    population[:2, 0] = base
    projected = ProjectedPopulation(
        as_of=date(2020, 12, 31),
        city="330100",
        areas=[Area("330102", "上城区"), Area("330105", "拱墅区"), Area("330100", "杭州市")],
        years=list(range(START, START + STEPS + 1)),
        variants=["medium"],
        population=population,
        inputs=inputs,
        profile=rogers_castro_profile(),
    )
    # 100 children aged 7 (50 girls) move into 330105 in 2021: half are 8 by the end of the year.
    movers = Decision(
        kind="housing",
        name="h",
        from_year=2021,
        district="330105",
        units=100,
        persons_per_unit=1,
        profile=group_profile({(7, 7): 1.0}, 0.5),
    )
    standards = load_standards()
    result = impact_result(projected, ImpactScenario("s", [movers]), standards)
    assert [a["code"] for a in result["areas"]] == ["330100", "330105"]  # the city and the touched district
    pop = {(r["area"], r["year"]): r for r in result["population"]}
    assert pop[("330105", 2021)]["difference"] == 100 and pop[("330100", 2021)]["base"] == 0
    fac = {(r["area"], r["year"], r["facility"]): r["difference"] for r in result["facilities"]}
    assert fac[("330105", 2021, "primary_school_places")] == 100
    assert fac[("330105", 2021, "hospital_beds")] == pytest.approx(0.6)  # 6 per 1000 of 100
    assert fac[("330105", 2021, "licensed_doctors")] == pytest.approx(0.25)
    # Aged 7 and 8 in 2021; by 2025 they are 11 and 12: half in primary school, half in junior secondary.
    assert fac[("330105", 2025, "primary_school_places")] == 50
    assert fac[("330105", 2025, "junior_school_places")] == 50
    assert fac[("330105", 2025, "elderly_care_beds")] == 0
    by_age = {(r["area"], r["year"]): r["difference"] for r in result["by_age"]}
    assert by_age[("330100", 2025)][11] == 50 and by_age[("330100", 2025)][12] == 50


def _scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_scenario_file(tmp_path: Path) -> None:
    path = _scenario_file(
        tmp_path,
        "name: 新城\ndecisions:\n"
        "  - {kind: housing, district: '330105', units: 5000, persons_per_unit: 2.8, from_year: 2023, years: 3}\n"
        "  - {kind: university, district: '330102', students: 20000, from_year: 2024, stay_share: 0.3}\n"
        "  - kind: settlement_quota\n    change: 10000\n    from_year: 2022\n    to_year: 2025\n"
        "    profile: {groups: {'0-14': 0.2, '15-34': 0.6, '35+': 0.2}, female_share: 0.4}\n",
    )
    scenario = load_scenario(path, CODES)
    assert scenario.name == "新城" and scenario.variant == "medium"
    housing, university, quota = scenario.decisions
    assert (housing.units, housing.persons_per_unit, housing.years) == (5000, 2.8, 3)
    assert (university.students, university.years_of_study, university.stay_share) == (20000, 4, 0.3)
    assert quota.profile is not None
    assert quota.profile.sum() == pytest.approx(1)
    assert quota.profile[0].sum() == pytest.approx(0.4)
    assert quota.profile[0, 0] == pytest.approx(0.4 * 0.2 / 15)  # 0-14 spread over 15 single years


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("decisions:\n  - {kind: mall, district: '330102'}\n", 2, "decision kind 'mall'"),
        (
            "decisions:\n  - kind: housing\n    district: '330199'\n    units: 1\n    persons_per_unit: 2\n"
            "    from_year: 2023\n",
            3,
            "district '330199' is not one of the projected districts",
        ),
        (
            "decisions:\n  - kind: housing\n    district: '330102'\n    units: 1\n    from_year: 2023\n",
            2,
            "needs persons_per_unit",
        ),
        (
            "decisions:\n  - kind: housing\n    district: '330102'\n    units: -1\n    persons_per_unit: 2\n"
            "    from_year: 2023\n",
            4,
            "units must be a number of at least 0",
        ),
        (
            "decisions:\n  - kind: settlement_quota\n    change: 100\n    from_year: 2023\n"
            "    districts: {'330102': 0.5, '330105': 0.4}\n",
            5,
            "district shares must sum to 1",
        ),
        (
            "decisions:\n  - kind: settlement_quota\n    change: 100\n    from_year: 2023\n"
            "    profile: {groups: {'0-14': 0.5, '15-29': 0.4}}\n",
            5,
            "group shares sum to 0.9",
        ),
        (
            "decisions:\n  - kind: settlement_quota\n    change: 100\n    from_year: 2023\n    to_year: 2021\n",
            5,
            "to_year must be an integer of at least 2023",
        ),
        (
            "variant: middle\ndecisions:\n  - {kind: settlement_quota, change: 1, from_year: 2023}\n",
            1,
            "variant must be low, medium or high",
        ),
    ],
)
def test_scenario_errors_name_the_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = _scenario_file(tmp_path, body)
    with pytest.raises(UserError) as caught:
        load_scenario(path, CODES)
    assert f"{path}:{line}: " in caught.value.en
    assert message in caught.value.en


def test_the_shipped_example_scenario_loads_for_hangzhou() -> None:
    from renkou.plan.impact import SCENARIOS_DIR

    hangzhou = ["330102", "330103", "330104", "330105", "330106", "330108", "330109", "330110", "330111", "330112"]
    scenario = load_scenario(SCENARIOS_DIR / "hangzhou_new_town.yaml", hangzhou)
    assert [d.kind for d in scenario.decisions] == ["housing", "university", "settlement_quota"]
    assert scenario.decisions[0].units * scenario.decisions[0].persons_per_unit == 14000


def test_broad_age_groups_by_hand() -> None:
    from renkou.plan.assess import AGE_GROUPS, by_age_groups

    by_age = [0.0] * 101
    by_age[0], by_age[2], by_age[3], by_age[11], by_age[14], by_age[18], by_age[59], by_age[60], by_age[100] = (
        1, 2, 4, 8, 16, 32, 64, 128, 256,
    )  # fmt: skip
    assert len(AGE_GROUPS) == 9
    assert by_age_groups(by_age) == [3, 4, 8, 16, 0, 32, 64, 128, 256]
