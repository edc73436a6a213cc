"""Facility demand and gaps checked by hand on a small population; the standards and capacity files' errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.plan.facilities import Area, Standard, add_gaps, capacity_in, city_capacity, demand_rows
from renkou.plan.facility_files import DEFAULT_STANDARDS, load_standards, read_capacity


@pytest.fixture(scope="module")
def standards() -> dict[str, Standard]:
    return {s.id: s for s in load_standards(DEFAULT_STANDARDS)}


def test_shipped_standards_are_the_plans_and_national_ones(standards: dict[str, Standard]) -> None:
    assert list(standards) == [
        "kindergarten_places",
        "primary_school_places",
        "junior_school_places",
        "elderly_care_beds",
        "hospital_beds",
        "licensed_doctors",
    ]
    # Suzhou 13th FYP: 50 elderly beds per 1000 elderly, 6 hospital beds and 2.5 doctors per 1000 residents.
    assert (standards["elderly_care_beds"].low, standards["elderly_care_beds"].high) == (60, None)
    assert standards["elderly_care_beds"].per_1000 == 50
    assert standards["hospital_beds"].per_1000 == 6 and standards["hospital_beds"].ages == "all"
    assert standards["licensed_doctors"].per_1000 == 2.5
    assert (standards["primary_school_places"].low, standards["primary_school_places"].high) == (6, 11)
    assert (standards["junior_school_places"].low, standards["junior_school_places"].high) == (12, 14)
    assert standards["kindergarten_places"].per_1000 == 900
    assert all(s.source for s in standards.values())


def _population() -> np.ndarray:
    """Two areas x two years, round numbers at a few ages."""
    population = np.zeros((2, 2, 2, 101))
    # area 0, year 0: 40 girls aged 3, 60 boys aged 5, 100 girls aged 6, 50 boys aged 11, 30 girls aged 12,
    # 70 boys aged 14, 200 women aged 60, 100 men aged 100+ and 350 women aged 30: 1 000 persons in all.
    a = population[0, 0]
    a[0, 3], a[1, 5], a[0, 6], a[1, 11], a[0, 12], a[1, 14] = 40, 60, 100, 50, 30, 70
    a[0, 60], a[1, 100], a[0, 30] = 200, 100, 350
    # area 0, year 1: only 2 000 men aged 59 (no one 60+), area 1: 10 boys aged 2 and 15 girls aged 15 both years.
    population[0, 1, 1, 59] = 2000
    population[1, :, 1, 2] = 10
    population[1, :, 0, 15] = 15
    return population


def _row(rows: list[dict[str, object]], area: str, year: int, facility: str) -> dict[str, object]:
    return next(r for r in rows if (r["area"], r["year"], r["facility"]) == (area, year, facility))


def test_demand_by_hand(standards: dict[str, Standard]) -> None:
    areas = [Area("330102", "上城区"), Area("330105", "拱墅区")]
    rows = demand_rows(areas, [2021, 2022], _population(), list(standards.values()))
    assert len(rows) == 2 * 2 * 6
    kinder = _row(rows, "330102", 2021, "kindergarten_places")
    assert kinder["served"] == 100  # ages 3-5: 40 + 60
    assert kinder["demand"] == pytest.approx(90)  # 900 per 1000
    assert kinder["by_age"] == {"3": pytest.approx(36), "4": 0, "5": pytest.approx(54)}
    primary = _row(rows, "330102", 2021, "primary_school_places")
    assert primary["demand"] == pytest.approx(150)  # 100 aged 6 + 50 aged 11, one place each
    assert primary["by_age"] == {"6": 100, "7": 0, "8": 0, "9": 0, "10": 0, "11": 50}
    assert _row(rows, "330102", 2021, "junior_school_places")["demand"] == pytest.approx(100)  # 30 + 70
    beds = _row(rows, "330102", 2021, "elderly_care_beds")
    assert beds["served"] == 300 and beds["demand"] == pytest.approx(15)  # 50 per 1000 of 200 + 100 (100+ open)
    assert "by_age" not in beds
    assert _row(rows, "330102", 2021, "hospital_beds")["demand"] == pytest.approx(6)  # 6 per 1000 of 1 000
    assert _row(rows, "330102", 2021, "licensed_doctors")["demand"] == pytest.approx(2.5)
    # The second year: 2 000 men aged 59 need no elderly bed, 12 hospital beds and 5 doctors.
    assert _row(rows, "330102", 2022, "elderly_care_beds")["demand"] == 0
    assert _row(rows, "330102", 2022, "hospital_beds")["demand"] == pytest.approx(12)
    assert _row(rows, "330102", 2022, "licensed_doctors")["demand"] == pytest.approx(5)
    # Area 1: ten 2-year-olds and fifteen 15-year-olds are of no school age.
    for facility in ("kindergarten_places", "primary_school_places", "junior_school_places"):
        assert _row(rows, "330105", 2022, facility)["demand"] == 0
    assert _row(rows, "330105", 2022, "hospital_beds")["demand"] == pytest.approx(25 * 6 / 1000)


def test_demand_rows_refuse_mismatched_shapes(standards: dict[str, Standard]) -> None:
    with pytest.raises(ValueError, match="does not match"):
        demand_rows([Area("330102", "")], [2021, 2022], _population(), list(standards.values()))


def test_capacity_carries_forward_and_sums_to_the_city() -> None:
    capacity = {("330102", "hospital_beds"): {2020: 100.0, 2024: 150.0}, ("330105", "hospital_beds"): {2022: 40.0}}
    assert capacity_in(capacity, "330102", "hospital_beds", 2019) is None  # before any figure
    assert capacity_in(capacity, "330102", "hospital_beds", 2023) == 100  # the 2020 figure still stands
    assert capacity_in(capacity, "330102", "hospital_beds", 2030) == 150
    assert capacity_in(capacity, "330102", "elderly_care_beds", 2030) is None
    districts = ["330102", "330105"]
    assert city_capacity(capacity, "330100", districts, "hospital_beds", 2021) is None  # 330105 unknown in 2021
    assert city_capacity(capacity, "330100", districts, "hospital_beds", 2022) == 140
    assert city_capacity(capacity, "330100", districts, "hospital_beds", 2025) == 190
    own = {**capacity, ("330100", "hospital_beds"): {2020: 500.0}}
    assert city_capacity(own, "330100", districts, "hospital_beds", 2021) == 500  # the city's own row wins


def test_gaps_are_capacity_minus_demand() -> None:
    rows = [
        {"area": "330102", "year": 2022, "facility": "hospital_beds", "demand": 120.0},
        {"area": "330105", "year": 2022, "facility": "hospital_beds", "demand": 30.0},
        {"area": "330100", "year": 2022, "facility": "hospital_beds", "demand": 150.0},
        {"area": "330100", "year": 2022, "facility": "licensed_doctors", "demand": 60.0},
    ]
    capacity = {("330102", "hospital_beds"): {2020: 100.0}, ("330105", "hospital_beds"): {2022: 40.0}}
    got = add_gaps(rows, capacity, "330100")
    assert [r["gap"] for r in got] == [-20.0, 10.0, -10.0, None]
    assert [r["capacity"] for r in got] == [100.0, 40.0, 140.0, None]


def test_capacity_file(tmp_path: Path) -> None:
    path = tmp_path / "cap.csv"
    path.write_text(
        'district,facility,year,capacity\n330102,hospital_beds,2020,"1,200"\n330102,hospital_beds,2024,1500\n',
        encoding="utf-8",
    )
    assert read_capacity(path, {"hospital_beds"}) == {("330102", "hospital_beds"): {2020: 1200.0, 2024: 1500.0}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("district,facility,capacity\n", "lacks column(s) year"),
        ("district,facility,year,capacity\n3301,hospital_beds,2020,1\n", ":2: district must be a 6-digit code"),
        (
            "district,facility,year,capacity\n330102,hospital_beds,2020,1\n330102,schools,2020,1\n",
            ":3: unknown facility",
        ),
        ("district,facility,year,capacity\n330102,hospital_beds,2020,many\n", ":2: year or capacity is not a number"),
        ("district,facility,year,capacity\n330102,hospital_beds,2020,-5\n", ":2: year or capacity out of range"),
        ("district,facility,year,capacity\n330102,hospital_beds,2020,1\n330102,hospital_beds,2020,2\n", "given twice"),
    ],
)
def test_capacity_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cap.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_capacity(path, {"hospital_beds"})
    assert message in caught.value.en
    assert str(path) in caught.value.zh


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("standards:\n  - id: beds\n    ages: [60]\n    per_1000: 5\n", 3, "ages must be"),
        ("standards:\n  - id: beds\n    ages: [12, 6]\n    per_1000: 5\n", 3, "ages must be"),
        ("standards:\n  - id: beds\n    ages: [60, null]\n    per_1000: -1\n", 4, "per_1000 must be"),
        (
            "standards:\n  - id: beds\n    ages: [60, null]\n    per_1000: 5\n    colour: red\n",
            5,
            "unknown key 'colour'",
        ),
        (
            "standards:\n  - id: beds\n    ages: [0, null]\n    per_1000: 5\n  - id: beds\n    ages: [0, 1]\n"
            "    per_1000: 1\n",
            5,
            "duplicate standard id",
        ),
    ],
)
def test_standards_errors_name_the_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_standards(path)
    assert f"{path}:{line}: " in caught.value.en
    assert message in caught.value.en
