"""A small synthetic city for the API tests, written as department files, with its ground truth kept in Python.

Persons are random but seeded; the truth (who is registered where on a date, at what age) is computed here with
plain date arithmetic, independently of the register's SQL, so published figures can be checked against it.
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
# District sizes chosen so that the published table has both large and small cells (淳安 is tiny on purpose).
DISTRICT_SIZES = {"330106": 260, "330102": 190, "330127": 13}
FLOATING_ORIGIN = "340104"
BASELINE_DAY = date(2015, 12, 31)
HUKOU_HEADER = ["event_type", "id_number", "name", "occurred_on", "hukou_region", "residence_region", "urban_rural"]
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
    moves: list[tuple[date, str]] = field(default_factory=list)  # (day, new hukou district)

    def hukou_on(self, day: date) -> str | None:
        """The hukou district on ``day``."""
        current = self.hukou
        for when, district in self.moves:
            if when <= day:
                current = district
        return current

    def age_on(self, day: date) -> int:
        """Completed years on ``day``."""
        return day.year - self.born.year - ((day.month, day.day) < (self.born.month, self.born.day))


@dataclass
class City:
    """The persons and the department files that describe them."""

    persons: list[Person]
    files: list[Path]

    def registered_on(self, day: date) -> list[Person]:
        """Alive persons with hukou in the city on ``day`` (the registered population)."""
        return [
            p
            for p in self.persons
            if p.hukou_on(day) is not None and (p.died is None or p.died > day) and p.born <= day
        ]

    def by_id(self, id_number: str) -> Person:
        """The person with this ID number."""
        return next(p for p in self.persons if p.id_number == id_number)


def build_city(directory: Path, seed: int = 7) -> City:
    """Write the department files of the synthetic city into ``directory``."""
    rng = random.Random(seed)
    sequence = 0
    persons: list[Person] = []

    def new_person(division: str, hukou: str | None, residence: str, born: date) -> Person:
        nonlocal sequence
        sequence += 1
        sex = rng.choice("FM")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return Person(citizen_id(division, born, sequence, sex), name, sex, born, hukou, residence)

    for district, size in DISTRICT_SIZES.items():
        for _ in range(size):
            born = date.fromordinal(rng.randint(date(1930, 1, 1).toordinal(), date(2014, 12, 31).toordinal()))
            persons.append(new_person(district, district, district, born))
    floating = []
    for _ in range(70):
        born = date.fromordinal(rng.randint(date(1960, 1, 1).toordinal(), date(2000, 12, 31).toordinal()))
        floating.append(new_person(FLOATING_ORIGIN, None, "330106", born))
    persons.extend(floating)

    locals_ = [p for p in persons if p.hukou is not None]
    for person in rng.sample(locals_, 6):
        person.died = date(2018, 5, 1) + timedelta(days=rng.randint(0, 200))
    movers = [p for p in locals_ if p.hukou == "330106" and p.died is None][:4]
    for person in movers:
        person.moves.append((date(2019, 9, 1), "330102"))
    babies = []
    for index in range(5):
        born = date(2017, 3, 1 + index)
        babies.append(new_person("330102", "330102", "330102", born))
    persons.extend(babies)

    directory.mkdir(parents=True, exist_ok=True)
    baseline = [
        ["baseline", p.id_number, p.name, BASELINE_DAY.isoformat(), p.hukou, p.residence, "111"]
        for p in persons
        if p.hukou is not None and p not in babies
    ]
    later: list[list[str]] = []
    for p in babies:
        later.append(["birth", p.id_number, p.name, p.born.isoformat(), p.hukou or "", p.residence, "111"])
    for p in persons:
        if p.died:
            later.append(["death", p.id_number, p.name, p.died.isoformat(), "", "", ""])
        for when, district in p.moves:
            later.append(["hukou_transfer", p.id_number, p.name, when.isoformat(), district, district, ""])
    residence = [
        ["residence_registered", p.id_number, p.name, "2016-03-01", FLOATING_ORIGIN, p.residence, "2016-03-01"]
        for p in floating
    ]
    files = [
        _write(directory / "hukou_baseline.csv", HUKOU_HEADER, baseline),
        _write(directory / "hukou_changes.csv", HUKOU_HEADER, later),
        _write(directory / "residence_2016.csv", RESIDENCE_HEADER, residence),
    ]
    return City(persons, files)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path
