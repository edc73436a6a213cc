"""Indicators of the small hand-built city (see indicators_small_city.py), each worked out by hand below.

The year is 2020 (as of 2020-12-31): start population on 2019-12-31, end population on 2020-12-31, mean population
their average. Completed ages on 2020-12-31 of the registered persons: L 0, G 10, F 25, O 28, A 30, B 32, P 37,
Q 42, R 47, H 60, C 70, E 75 (12 persons: D died, I left, M was born and died, N's hukou is in Henan).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from indicators_small_city import SHANGCHENG, XIHU, build_small_city

from renkou.register.store import Register
from renkou.stats.compute import StatsRequest, compute_stats


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    register = build_small_city(Path(tmp_path_factory.mktemp("small_city")))
    yield register
    register.close()


@pytest.fixture(scope="module")
def stats(city: Register) -> dict[str, Any]:
    return compute_stats(city, StatsRequest(date(2020, 12, 31)))


def test_registered_city_population_and_vital_rates(stats: dict[str, Any]) -> None:
    reg = stats["city"]["registered"]
    # Start: A B C D E P R (330102) + F G H I Q (330106) = 12; end: A C E L P R + B F G H O Q = 12.
    assert (reg["population_start"], reg["population"], reg["mean_population"]) == (12, 12, 12.0)
    # Births: L (hukou 330102) and M (hukou 330106); L was reported by police and by health but counts once.
    # N is not a registered birth (hukou in Henan). Deaths: D (reported twice, counted once) and M.
    assert (reg["births"], reg["births_female"], reg["births_male"]) == (2, 1, 1)
    assert (reg["deaths"], reg["infant_deaths"]) == (2, 1)
    assert reg["crude_birth_rate"] == round(2 / 12 * 1000, 2) == 166.67
    assert reg["crude_death_rate"] == 166.67
    assert reg["natural_increase_rate"] == 0.0
    assert reg["sex_ratio_at_birth"] == 100.0  # one boy (M), one girl (L)
    assert reg["infant_mortality_rate"] == 500.0  # M died aged 0: 1 / 2 births x 1000
    # Change 0 = births 2 - deaths 2 + net migration 0 (O in, I out).
    assert (reg["population_change"], reg["natural_increase"], reg["net_migration"]) == (0, 0, 0)


def test_registered_fertility(stats: dict[str, Any]) -> None:
    reg = stats["city"]["registered"]
    # Registered women 15-49 at the start (age): I 19, F 24, A 29, P 36, Q 41, R 46; at the end: F 25, A 30, P 37,
    # Q 42, R 47. Mean numbers: 15-19 0.5, 20-24 0.5, 25-29 (A start + F end) 1, 30-34 0.5, 35-39 1, 40-44 1, 45-49 1.
    # Births: L to A aged 29, M to F aged 25 -> both in 25-29: rate 2 / 1 = 2.0, the others 0.
    assert reg["asfr"] == {
        "15-19": 0.0,
        "20-24": 0.0,
        "25-29": 2.0,
        "30-34": 0.0,
        "35-39": 0.0,
        "40-44": 0.0,
        "45-49": 0.0,
    }
    assert reg["total_fertility_rate"] == 10.0  # 5 x 2.0
    assert reg["mean_age_at_childbearing"] == 27.5  # the mid-point of 25-29


def test_registered_age_structure(stats: dict[str, Any]) -> None:
    reg = stats["city"]["registered"]
    # 0-14: L, G; 15-59: F O A B P Q R; 15-64: those and H; 60+: H C E; 65+: C E; 80+: nobody.
    assert reg["share_0_14"] == round(2 / 12, 4)
    assert reg["share_15_59"] == round(7 / 12, 4)
    assert reg["share_15_64"] == round(8 / 12, 4)
    assert reg["share_60_plus"] == 0.25
    assert reg["share_65_plus"] == round(2 / 12, 4)
    assert reg["share_80_plus"] == 0.0
    assert (reg["population_60_plus"], reg["population_65_plus"]) == (3, 2)
    assert (reg["child_dependency_ratio"], reg["old_age_dependency_ratio"], reg["total_dependency_ratio"]) == (
        25.0,
        25.0,
        50.0,
    )
    # Half of 12 is 6; six persons are younger than 33 (the sixth, B, is 32): median 32 + (6 - 5) / 1 = 33.
    assert reg["median_age"] == 33.0
    assert reg["mean_age"] == 38.5  # (0+10+25+28+30+32+37+42+47+60+70+75) / 12 + 0.5
    assert (reg["male"], reg["female"], reg["sex_ratio"]) == (4, 8, 50.0)  # B G H O / A C E F L P Q R
    # Rural: E and Q (220); everyone else urban (111).
    assert (reg["urban_population"], reg["urbanization_rate"]) == (10, round(10 / 12, 4))


def test_households_and_schooling(stats: dict[str, Any]) -> None:
    reg = stats["city"]["registered"]
    # Households on 2020-12-31: H1 {A, L}, H2 {C}, H3 {E} (D died), H4 {F, G}, H5 {H} (I left), H6 {B}, H7 {O};
    # P, Q and R have no household number.
    assert (reg["households"], reg["persons_without_household"]) == (7, 3)
    assert reg["mean_household_size"] == round(9 / 7, 2)
    assert reg["one_person_households"] == 5  # H2 H3 H5 H6 H7
    assert reg["elderly_only_households"] == 3  # H2 (C 70), H3 (E 75), H5 (H 60)
    # Aged 16-59 with an education: F master 19, O bachelor 16, A bachelor 16, B senior 12, Q junior 9, R primary 6
    # (P has none; H, junior, is 60): 78 / 6 = 13.
    assert reg["mean_years_of_schooling_working_age"] == 13.0
    west = stats["districts"][XIHU]["registered"]
    assert (west["households"], west["one_person_households"], west["elderly_only_households"]) == (4, 3, 1)
    assert west["mean_years_of_schooling_working_age"] == round((19 + 16 + 12 + 9) / 4, 2)


def test_registered_migration_by_age(stats: dict[str, Any]) -> None:
    # City: O moved in aged 28; I moved out aged 19. B's transfer stays inside the city.
    assert stats["city"]["registered"]["migration"] == {
        "in": 1,
        "out": 1,
        "net": 0,
        "by_age": {"15-19": {"in": 0, "out": 1, "net": -1}, "25-29": {"in": 1, "out": 0, "net": 1}},
    }
    # 上城区 lost B (aged 32); 西湖区 gained B and O and lost I.
    assert stats["districts"][SHANGCHENG]["registered"]["migration"] == {
        "in": 0,
        "out": 1,
        "net": -1,
        "by_age": {"30-34": {"in": 0, "out": 1, "net": -1}},
    }
    west = stats["districts"][XIHU]["registered"]["migration"]
    assert (west["in"], west["out"], west["net"]) == (2, 1, 1)
    assert west["by_age"]["25-29"]["in"] == 1 and west["by_age"]["30-34"]["in"] == 1


def test_resident_block(stats: dict[str, Any]) -> None:
    res = stats["city"]["resident"]
    # Resident = registered living here + J (living here since 2015). K arrived 2020-10-01 (under six months) and
    # N was born 2020-12-15 with hukou in Henan: both floating, not yet resident. Start 12 + J = 13, end 12 + J = 13.
    assert (res["population_start"], res["population"]) == (13, 13)
    # Births to the resident population: L, M and N (born living in 上城区); deaths D and M.
    assert (res["births"], res["births_male"], res["deaths"]) == (3, 2, 2)
    assert res["crude_birth_rate"] == round(3 / 13 * 1000, 2)
    assert res["crude_death_rate"] == round(2 / 13 * 1000, 2)
    assert res["natural_increase_rate"] == round(1 / 13 * 1000, 2)
    assert res["net_migration"] == -1  # change 0 - natural increase 1
    assert res["sex_ratio_at_birth"] == 200.0
    assert res["infant_mortality_rate"] == round(1 / 3 * 1000, 2)
    # N's mother K was 22: 20-24 has 1 birth over 0.5 women (F at the start only) = 2.0; 25-29 as registered 2.0.
    assert res["asfr"]["20-24"] == 2.0 and res["asfr"]["25-29"] == 2.0
    assert res["total_fertility_rate"] == 20.0
    assert res["mean_age_at_childbearing"] == 25.0  # (22.5 x 2 + 27.5 x 2) / 4
    assert res["persons_without_household"] == 4  # P, Q, R and J


def test_floating_block(stats: dict[str, Any]) -> None:
    floating = stats["city"]["floating"]
    # End: J (西湖区), K and N (上城区). Start: J.
    assert (floating["population"], floating["population_start"], floating["population_change"]) == (3, 1, 2)
    assert (floating["male"], floating["female"]) == (2, 1)
    assert (floating["permit_holders"], floating["permit_share"]) == (1, round(1 / 3, 4))
    assert floating["by_province_of_origin"] == {
        "410000": {"name": "河南省", "population": 2},
        "340000": {"name": "安徽省", "population": 1},
    }
    # J: 2015-03 to 2020-12 = 69 whole months (5-6 years); K 2 months; N 0 months.
    stays = floating["by_years_of_residence"]
    assert stays["<0.5"] == 2 and stays["5-6"] == 1 and sum(stays.values()) == 3
    assert stats["districts"][SHANGCHENG]["floating"]["population"] == 2
    assert stats["districts"][XIHU]["floating"]["by_province_of_origin"] == {
        "340000": {"name": "安徽省", "population": 1}
    }


def test_districts_add_up_and_carry_names(stats: dict[str, Any]) -> None:
    districts = stats["districts"]
    assert {SHANGCHENG, XIHU} <= set(districts)
    assert districts[SHANGCHENG]["name"] == "上城区" and districts[XIHU]["name"] == "西湖区"
    east, west = districts[SHANGCHENG]["registered"], districts[XIHU]["registered"]
    # 上城区: start A B C D E P R = 7, end A C E L P R = 6; 西湖区: start F G H I Q = 5, end B F G H O Q = 6.
    assert (east["population_start"], east["population"], west["population_start"], west["population"]) == (7, 6, 5, 6)
    assert east["crude_birth_rate"] == round(1 / 6.5 * 1000, 2)  # L over the mean 6.5
    assert west["crude_death_rate"] == round(1 / 5.5 * 1000, 2)  # M over the mean 5.5
    for kind in ("registered", "resident"):
        for key in ("population", "births", "deaths"):
            total = sum(d[kind][key] for d in districts.values())
            assert total == stats["city"][kind][key], (kind, key)


def test_nulls_carry_reasons(stats: dict[str, Any]) -> None:
    east = stats["districts"][SHANGCHENG]["registered"]
    # 上城区 has no registered women aged 15-24 or 40-44: no TFR, and the note names the empty groups.
    assert east["total_fertility_rate"] is None
    assert "15-19" in east["notes"]["total_fertility_rate"] and "40-44" in east["notes"]["total_fertility_rate"]
    assert east["asfr"]["25-29"] == 2.0 and east["asfr"]["15-19"] is None
    # No males left in 上城区's registered population: the sex ratio is 0, not null.
    assert east["sex_ratio"] == 0.0
    # Too few people for a life table: every life expectancy is null with the life-table module's reason.
    city = stats["city"]["registered"]
    for key in ("life_expectancy_at_birth", "life_expectancy_at_birth_male", "life_expectancy_at_60_female"):
        assert city[key] is None
        assert " / " in city["notes"][key]  # Chinese / English
    assert "exposure" in city["notes"]["life_expectancy_at_birth"]
    assert "no deaths" in city["notes"]["life_expectancy_at_birth_female"]


def test_one_district_by_code_or_name(city: Register) -> None:
    by_code = compute_stats(city, StatsRequest(date(2020, 12, 31), district=XIHU))
    by_name = compute_stats(city, StatsRequest(date(2020, 12, 31), district="西湖区"))
    assert list(by_code["districts"]) == [XIHU] == list(by_name["districts"])
    assert by_code["districts"][XIHU]["registered"]["population"] == 6
    assert by_code["city"]["registered"]["population"] == 12  # the city block stays whole


def test_every_output_key_is_defined(stats: dict[str, Any]) -> None:
    from renkou.stats.definitions import DEFINITIONS, FLOATING_DEFINITIONS

    for kind in ("registered", "resident"):
        keys = set(stats["city"][kind]) - {"notes"}
        assert keys <= set(DEFINITIONS), keys - set(DEFINITIONS)
        assert set(stats["definitions"]["registered_resident"]) >= keys
    floating = set(stats["city"]["floating"]) - {"notes"}
    assert floating <= set(FLOATING_DEFINITIONS) | set(DEFINITIONS)
    for definition in DEFINITIONS.values():
        for text in (definition.name, definition.unit, definition.definition, definition.population):
            assert text.zh and text.en, definition.key
