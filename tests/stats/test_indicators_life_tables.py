"""Life expectancy, fertility and crude rates on a random synthetic register, against a plain-loop recount.

The register holds a few thousand synthetic persons; the test counts deaths, births and the population at the start
and end of 2020 person by person (loops over the list it wrote, not the register), builds the abridged life tables
from those counts with the life-table module (itself checked against published tables in test_lifetable_*), and
compares with ``renkou stats`` to the printed precision.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from indicators_helpers import HEALTH, HUKOU, Person, load, row

from renkou.register.store import Register
from renkou.stats.compute import StatsRequest, compute_stats, life_tables
from renkou.stats.lifetable import life_table_from_deaths

DISTRICTS = ("330102", "330106")
START, END = date(2019, 12, 31), date(2020, 12, 31)
ABRIDGED = [0, 1, *range(5, 90, 5)]  # 0, 1-4, 5-9, ..., 85+


@dataclass
class Synthetic:
    """What the test wrote: each person's district, sex, birth date, death date and mother (for births)."""

    person: Person
    district: str
    died: date | None = None
    mother: Person | None = None


def completed_age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def abridged_group(age: int) -> int:
    return max(i for i, low in enumerate(ABRIDGED) if age >= low)


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def make_people(seed: int = 11, count: int = 5000) -> list[Synthetic]:
    rng = random.Random(seed)
    people: list[Synthetic] = []
    used: set[tuple[str, date, int]] = set()

    def sequence(district: str, born: date) -> int:
        """The first serial not yet used for this district and birth date (ID numbers must be unique)."""
        number = next(n for n in range(500) if (district, born, n) not in used)
        used.add((district, born, number))
        return number

    for i in range(count):
        district = DISTRICTS[i % 2]
        born = _random_day(rng, date(1921, 1, 1), date(2019, 12, 31))
        person = Person(f"p{i}", district, born, rng.choice("FM"), sequence(district, born))
        age = completed_age(born, START)
        # A Gompertz-like risk so that every age group, the open one included, sees deaths.
        risk = min(0.5, 0.003 + 0.00002 * math.exp(0.1 * age)) if age else 0.02
        died = _random_day(rng, date(2020, 1, 1), END) if rng.random() < risk else None
        people.append(Synthetic(person, district, died))
    mothers = [s for s in people if s.person.sex == "F" and 16 <= completed_age(s.person.born, START) <= 46]
    for j, mother in enumerate(rng.sample(mothers, 150)):
        born = _random_day(rng, date(2020, 1, 1), date(2020, 12, 20))
        if mother.died and mother.died < born:
            continue
        child = Person(f"c{j}", mother.district, born, rng.choice("FM"), sequence(mother.district, born))
        died = born + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.05 else None
        people.append(Synthetic(child, mother.district, died if died and died <= END else None, mother.person))
    return people


def build(directory: Path, people: list[Synthetic]) -> Register:
    register = Register.open(directory / "synthetic.duckdb", city="330100")
    baseline = [
        row(
            HUKOU,
            event_type="baseline",
            id_number=s.person.id,
            occurred_on=START.isoformat(),
            hukou_region=s.district,
            residence_region=s.district,
            urban_rural="111",
        )
        for s in people
        if s.mother is None
    ]
    load(register, directory, "baseline", "hukou", HUKOU, baseline)
    births = [
        row(
            HEALTH,
            event_type="birth",
            id_number=s.person.id,
            occurred_on=s.person.born.isoformat(),
            hukou_region=s.district,
            residence_region=s.district,
            mother_id=s.mother.id,
        )
        for s in people
        if s.mother is not None
    ]
    load(register, directory, "births", "health", HEALTH, births)
    deaths = [
        row(HUKOU, event_type="death", id_number=s.person.id, occurred_on=s.died.isoformat())
        for s in people
        if s.died is not None
    ]
    load(register, directory, "deaths", "hukou", HUKOU, deaths)
    return register


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Synthetic], Register, dict[str, Any]]]:
    people = make_people()
    register = build(Path(tmp_path_factory.mktemp("synthetic")), people)
    stats = compute_stats(register, StatsRequest(END))
    yield people, register, stats
    register.close()


def recount(people: list[Synthetic], district: str | None, sex: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Deaths and person-years (mean of start and end) by abridged age group, counted person by person."""
    deaths = np.zeros(len(ABRIDGED))
    start = np.zeros(len(ABRIDGED))
    end = np.zeros(len(ABRIDGED))
    for s in people:
        if (district and s.district != district) or (sex and s.person.sex != sex):
            continue
        if s.mother is None:  # everyone of the baseline is alive on START
            start[abridged_group(completed_age(s.person.born, START))] += 1
        if s.died is None:
            end[abridged_group(completed_age(s.person.born, END))] += 1
        else:
            deaths[abridged_group(completed_age(s.person.born, s.died))] += 1
    return deaths, (start + end) / 2


def expected_ex(people: list[Synthetic], district: str | None, sex: str | None, age: int) -> float:
    deaths, exposure = recount(people, district, sex)
    intervals = [*np.diff(ABRIDGED), None]
    table = life_table_from_deaths(ABRIDGED, intervals, deaths, exposure, sex=sex or "T")
    return float(table.ex_at(age))


@pytest.mark.parametrize("district", [None, *DISTRICTS])
def test_life_expectancy_matches_a_recount(
    synthetic: tuple[list[Synthetic], Register, dict[str, Any]], district: str | None
) -> None:
    people, _, stats = synthetic
    block = (stats["city"] if district is None else stats["districts"][district])["registered"]
    for key, sex, age in (
        ("life_expectancy_at_birth", None, 0),
        ("life_expectancy_at_birth_female", "F", 0),
        ("life_expectancy_at_birth_male", "M", 0),
        ("life_expectancy_at_60", None, 60),
        ("life_expectancy_at_60_female", "F", 60),
        ("life_expectancy_at_60_male", "M", 60),
    ):
        assert block[key] is not None, block["notes"].get(key)
        assert abs(block[key] - expected_ex(people, district, sex, age)) <= 0.005 + 1e-9, key
    deaths, _ = recount(people, district, None)
    assert block["life_table_deaths"]["T"] == deaths.sum() == block["deaths"]


def test_under_five_mortality_from_the_table(synthetic: tuple[list[Synthetic], Register, dict[str, Any]]) -> None:
    people, register, stats = synthetic
    deaths, exposure = recount(people, None, None)
    table = life_table_from_deaths(ABRIDGED, [*np.diff(ABRIDGED), None], deaths, exposure, sex="T")
    expected = 1000 * (1 - table.lx[2] / table.lx[0])  # 1 - l5 / l0
    assert abs(stats["city"]["registered"]["under_5_mortality_rate"] - expected) <= 0.005 + 1e-9
    tables = life_tables(register, END, "registered")
    assert tables["T"].table is not None
    assert math.isclose(float(tables["T"].table.e0), expected_ex(people, None, None, 0), rel_tol=1e-12)


def test_fertility_and_crude_rates_match_a_recount(
    synthetic: tuple[list[Synthetic], Register, dict[str, Any]],
) -> None:
    people, _, stats = synthetic
    block = stats["city"]["registered"]
    women = np.zeros(7)
    births = np.zeros(7)
    population_start = population_end = born = died = 0
    for s in people:
        alive_at_start = s.mother is None
        alive_at_end = s.died is None
        population_start += alive_at_start
        population_end += alive_at_end
        died += s.died is not None
        if s.mother is not None:
            born += 1
            mother_age = completed_age(s.mother.born, s.person.born)
            births[min(max(mother_age, 15), 49) // 5 - 3] += 1
        if s.person.sex == "F":
            for on, counted in ((START, alive_at_start), (END, alive_at_end)):
                age = completed_age(s.person.born, on)
                if counted and 15 <= age <= 49:
                    women[age // 5 - 3] += 0.5
    mean = (population_start + population_end) / 2
    assert (block["population_start"], block["population"], block["births"], block["deaths"]) == (
        population_start,
        population_end,
        born,
        died,
    )
    assert block["crude_birth_rate"] == round(1000 * born / mean, 2)
    assert block["crude_death_rate"] == round(1000 * died / mean, 2)
    rates = births / women
    assert abs(block["total_fertility_rate"] - 5 * rates.sum()) <= 0.0005 + 1e-12
    mid = np.arange(17.5, 50, 5)
    assert abs(block["mean_age_at_childbearing"] - (mid * rates).sum() / rates.sum()) <= 0.005 + 1e-12


def test_few_deaths_are_flagged_not_hidden(synthetic: tuple[list[Synthetic], Register, dict[str, Any]]) -> None:
    _, register, stats = synthetic
    strict = compute_stats(register, StatsRequest(END, district="330102", min_deaths=100_000))
    block = strict["districts"]["330102"]["registered"]
    # The figure is still printed, with a warning that chance dominates it.
    assert block["life_expectancy_at_birth"] == stats["districts"]["330102"]["registered"]["life_expectancy_at_birth"]
    assert "fewer than 100000" in block["notes"]["life_expectancy_at_birth"]
    assert "life_expectancy_at_birth" not in stats["districts"]["330102"]["registered"]["notes"]


def test_complete_single_year_tables(synthetic: tuple[list[Synthetic], Register, dict[str, Any]]) -> None:
    people, register, _ = synthetic
    open_age = 90
    deaths = np.zeros(open_age + 1)
    start = np.zeros(open_age + 1)
    end = np.zeros(open_age + 1)
    for s in people:
        if s.person.sex != "F":
            continue
        if s.mother is None:
            start[min(completed_age(s.person.born, START), open_age)] += 1
        if s.died is None:
            end[min(completed_age(s.person.born, END), open_age)] += 1
        else:
            deaths[min(completed_age(s.person.born, s.died), open_age)] += 1
    intervals = [1.0] * open_age + [None]
    expected = life_table_from_deaths(np.arange(open_age + 1), intervals, deaths, (start + end) / 2, sex="F")
    tables = life_tables(register, END, "registered", abridged=False, open_age=open_age)
    table = tables["F"].table
    assert table is not None and table.ages.size == open_age + 1
    assert np.allclose(table.ex, expected.ex, rtol=1e-12, atol=0)
    # Nobody reaches 100 in this register: a 100+ open group has no exposure, and the reason says so.
    assert tables["F"].reason is None
    assert life_tables(register, END, "registered", abridged=False)["F"].reason is not None
