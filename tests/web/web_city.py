"""A small synthetic city for the web tests, written as department files, with its ground truth kept in Python.

Persons are random but seeded; who is registered or resident where on a date, the births and deaths of a year, are
computed here with plain date arithmetic, independently of the register's SQL and the statistics part, so the
dashboard's figures can be checked against them. Synthetic data only.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
DISTRICT_SIZES = {"330106": 300, "330102": 220, "330127": 15}
FLOATING_ORIGIN = "340104"
BASELINE_DAY = date(2018, 12, 31)
FLOATING_SINCE = date(2018, 6, 1)
YEARS = (2019, 2020)
HUKOU_HEADER = ["event_type", "id_number", "name", "occurred_on", "hukou_region", "residence_region", "urban_rural"]
HEALTH_HEADER = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "hukou_region",
    "residence_region",
    "urban_rural",
    "mother_id",
]
RESIDENCE_HEADER = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "hukou_region",
    "residence_region",
    "residence_since",
]


def citizen_id(division: str, born: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number (GB 11643-1999), computed here independently of renkou.ids."""
    serial = sequence * 2 + (1 if sex == "M" else 0)  # the 17th digit's parity gives the sex
    first17 = f"{division}{born:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass
class Person:
    """One synthetic person and their life in the register."""

    id_number: str
    name: str
    sex: str
    born: date
    hukou: str | None  # hukou district in the city (None: hukou elsewhere)
    residence: str
    died: date | None = None
    mother: Person | None = None
    moves: list[tuple[date, str]] = field(default_factory=list)  # (day, new hukou and residence district)

    def hukou_on(self, day: date) -> str | None:
        """The hukou district on ``day``."""
        current = self.hukou
        for when, district in self.moves:
            if when <= day:
                current = district
        return current

    def alive_on(self, day: date) -> bool:
        """Born on or before ``day`` and not dead by then."""
        return self.born <= day and (self.died is None or self.died > day)

    def age_on(self, day: date) -> int:
        """Completed years on ``day``."""
        return day.year - self.born.year - ((day.month, day.day) < (self.born.month, self.born.day))


@dataclass
class City:
    """The persons and the department files that describe them."""

    persons: list[Person]
    files: list[Path]

    def registered_on(self, day: date) -> dict[str, int]:
        """Registered population (alive, hukou in the city) by hukou district on ``day``."""
        counts: dict[str, int] = {}
        for person in self.persons:
            district = person.hukou_on(day)
            if district is not None and person.alive_on(day):
                counts[district] = counts.get(district, 0) + 1
        return counts

    def births_in(self, year: int) -> list[Person]:
        """The persons born in ``year`` who are in the register (their births were reported)."""
        return [p for p in self.persons if p.mother is not None and p.born.year == year]

    def deaths_in(self, year: int) -> list[Person]:
        """The persons who died in ``year``."""
        return [p for p in self.persons if p.died is not None and p.died.year == year]

    def local(self, district: str, day: date) -> Person:
        """Someone alive with hukou in ``district`` on ``day`` who never moved and never dies."""
        return next(
            p
            for p in self.persons
            if p.hukou == district and not p.moves and p.died is None and p.mother is None and p.born < day
        )


def build_city(directory: Path, seed: int = 11) -> City:
    """Write the department files of the synthetic city into ``directory``."""
    rng = random.Random(seed)
    sequence = 0
    persons: list[Person] = []

    def new_person(division: str, hukou: str | None, residence: str, born: date, sex: str | None = None) -> Person:
        nonlocal sequence
        sequence += 1
        chosen = sex or rng.choice("FM")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return Person(citizen_id(division, born, sequence, chosen), name, chosen, born, hukou, residence)

    for district, size in DISTRICT_SIZES.items():
        for _ in range(size):
            born = date.fromordinal(rng.randint(date(1930, 1, 1).toordinal(), date(2017, 12, 31).toordinal()))
            persons.append(new_person(district, district, district, born))
    floating = []
    for _ in range(80):
        born = date.fromordinal(rng.randint(date(1965, 1, 1).toordinal(), date(2000, 12, 31).toordinal()))
        floating.append(new_person(FLOATING_ORIGIN, None, "330106", born))
    persons.extend(floating)

    locals_ = [p for p in persons if p.hukou is not None]
    mothers = [p for p in locals_ if p.sex == "F" and 22 <= p.age_on(BASELINE_DAY) <= 38 and p.hukou != "330127"]
    babies: list[Person] = []
    for year, count in zip(YEARS, (14, 11), strict=True):
        for mother in rng.sample(mothers, count):
            born = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            baby = new_person(str(mother.hukou), mother.hukou, str(mother.hukou), born)
            baby.mother = mother
            babies.append(baby)
    elderly = [p for p in locals_ if p.age_on(BASELINE_DAY) >= 60 and p not in mothers]
    # A woman and a man of 85 or more die in each year, so that every year has a life table of each sex (its open
    # group 85+ needs deaths): the register's projection can then be estimated from any year.
    oldest = {sex: [p for p in elderly if p.sex == sex and p.age_on(BASELINE_DAY) >= 86][: len(YEARS)] for sex in "FM"}
    for people in oldest.values():
        for year, person in zip(YEARS, people, strict=True):
            person.died = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    others = [p for p in elderly if p.died is None]
    dying = rng.sample(others, 12 - 2 * len(YEARS))
    for index, person in enumerate(dying):
        person.died = date(YEARS[index % 2], 1, 1) + timedelta(days=rng.randint(0, 364))
    movers = [p for p in locals_ if p.hukou == "330106" and p.died is None and p not in mothers][:5]
    for person in movers:
        person.moves.append((date(2020, 9, 1), "330102"))
    persons.extend(babies)

    directory.mkdir(parents=True, exist_ok=True)
    baseline = [
        ["baseline", p.id_number, p.name, BASELINE_DAY.isoformat(), p.hukou, p.residence, "111"]
        for p in persons
        if p.hukou is not None and p.mother is None
    ]
    changes: list[list[str]] = []
    for p in persons:
        if p.died:
            changes.append(["death", p.id_number, p.name, p.died.isoformat(), "", "", ""])
        for when, district in p.moves:
            changes.append(["hukou_transfer", p.id_number, p.name, when.isoformat(), district, district, ""])
    births = [
        ["birth", b.id_number, b.name, b.born.isoformat(), b.hukou or "", b.residence, "111", b.mother.id_number]
        for b in babies
        if b.mother is not None
    ]
    residence = [
        [
            "residence_registered",
            p.id_number,
            p.name,
            FLOATING_SINCE.isoformat(),
            FLOATING_ORIGIN,
            p.residence,
            FLOATING_SINCE.isoformat(),
        ]
        for p in floating
    ]
    files = [
        _write(directory / "hukou_baseline.csv", HUKOU_HEADER, baseline),
        _write(directory / "residence_2018.csv", RESIDENCE_HEADER, residence),
        _write(directory / "health_births.csv", HEALTH_HEADER, births),
        _write(directory / "hukou_changes.csv", HUKOU_HEADER, changes),
    ]
    return City(persons, files)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
