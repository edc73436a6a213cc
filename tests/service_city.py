"""The synthetic city of the service's tests (``tests/api`` and ``tests/web``), and what both build it into: a
register template per test session, accounts of every role, argon2 at its smallest cost.

The city is written as department files, with its ground truth kept in Python. Persons are random but seeded; who is
registered or resident where on a date, the births and deaths of a year, are computed here with plain date
arithmetic, independently of the register's SQL and the statistics part, so published figures, the dashboard and the
projection can be checked against them. Every year has births, and deaths of a woman and a man aged 85 or more (the
life tables' open group), so the register's projection can be estimated from any year. Synthetic data only.

The two suites use two :class:`CitySpec` (:data:`API_CITY`: a longer history from 2015 with a tiny district;
:data:`WEB_CITY`: 2018-2020); everything else is shared.
"""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from renkou.api import accounts
from renkou.api.permissions import Role
from renkou.api.service import Service
from renkou.api.settings import ServiceSettings

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
FLOATING_ORIGIN = "340104"
HUKOU_HEADER = ["event_type", "id_number", "name", "occurred_on", "hukou_region", "residence_region", "urban_rural"]
HEALTH_HEADER = [*HUKOU_HEADER, "mother_id"]
RESIDENCE_HEADER = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "hukou_region",
    "residence_region",
    "residence_since",
]

# argon2id at its smallest cost: the tests check behaviour, not the hash's strength (production uses the defaults).
FAST = ServiceSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
PASSWORD = "correct horse battery staple"
USERS: dict[str, dict[str, object]] = {
    "admin1": {"role": Role.ADMIN},
    "clerk_xihu": {"role": Role.CLERK, "districts": ["330106"]},
    "clerk_shangcheng": {"role": Role.CLERK, "districts": ["330102"]},
    "steward_hukou": {"role": Role.STEWARD, "feed": "hukou"},
    "steward_health": {"role": Role.STEWARD, "feed": "health"},
    "analyst1": {"role": Role.ANALYST},
    "points1": {"role": Role.POINTS_OFFICER},
    "disclosure1": {"role": Role.DISCLOSURE_OFFICER},
    "auditor1": {"role": Role.AUDITOR},
}
ROLE_USER = {
    "admin": "admin1",
    "clerk": "clerk_xihu",
    "steward": "steward_hukou",
    "analyst": "analyst1",
    "points_officer": "points1",
    "disclosure_officer": "disclosure1",
    "auditor": "auditor1",
}


@dataclass(frozen=True)
class CitySpec:
    """The shape of a synthetic city."""

    seed: int
    district_sizes: dict[str, int]  # locals by hukou district (淳安 330127 small on purpose)
    baseline_day: date  # every local's baseline registration
    born_from: date  # locals are born between these days
    born_to: date
    floating: int  # persons with hukou elsewhere who register a residence in 西湖
    floating_born_from: date
    floating_since: date
    births: dict[int, int]  # births (to local mothers outside 淳安) by year
    other_deaths: int  # deaths of persons aged 60+ besides the two of 85+ each year (spread over the years)
    movers: int  # 西湖 -> 上城 hukou transfers
    move_day: date


API_CITY = CitySpec(
    seed=7,
    district_sizes={"330106": 260, "330102": 190, "330127": 13},
    baseline_day=date(2015, 12, 31),
    born_from=date(1925, 1, 1),
    born_to=date(2014, 12, 31),
    floating=70,
    floating_born_from=date(1960, 1, 1),
    floating_since=date(2016, 3, 1),
    births={2016: 4, 2017: 5, 2018: 4, 2019: 4, 2020: 4},
    other_deaths=4,
    movers=4,
    move_day=date(2019, 9, 1),
)
WEB_CITY = CitySpec(
    seed=11,
    district_sizes={"330106": 300, "330102": 220, "330127": 15},
    baseline_day=date(2018, 12, 31),
    born_from=date(1930, 1, 1),
    born_to=date(2017, 12, 31),
    floating=80,
    floating_born_from=date(1965, 1, 1),
    floating_since=date(2018, 6, 1),
    births={2019: 14, 2020: 11},
    other_deaths=8,
    movers=5,
    move_day=date(2020, 9, 1),
)


def citizen_id(division: str, born: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number (GB 11643-1999), computed here independently of renkou.ids."""
    serial = sequence * 2 + (1 if sex == "M" else 0)  # the 17th digit's parity gives the sex
    first17 = f"{division}{born:%Y%m%d}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass(eq=False)
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

    spec: CitySpec
    persons: list[Person]
    files: list[Path]

    def registered_persons(self, day: date) -> list[Person]:
        """Alive persons with hukou in the city on ``day`` (the registered population)."""
        return [p for p in self.persons if p.hukou_on(day) is not None and p.alive_on(day)]

    def registered_on(self, day: date) -> dict[str, int]:
        """Registered population by hukou district on ``day``."""
        counts: dict[str, int] = {}
        for person in self.registered_persons(day):
            district = str(person.hukou_on(day))
            counts[district] = counts.get(district, 0) + 1
        return counts

    def residents_on(self, day: date) -> list[Person]:
        """Everyone alive in the city on ``day``: locals live where their hukou is, the floating live in 西湖."""
        return [p for p in self.persons if p.alive_on(day) and (p.hukou is None or p.hukou_on(day) is not None)]

    def births_in(self, year: int) -> list[Person]:
        """The persons born in ``year`` who are in the register (their births were reported)."""
        return [p for p in self.persons if p.mother is not None and p.born.year == year]

    def deaths_in(self, year: int) -> list[Person]:
        """The persons who died in ``year``."""
        return [p for p in self.persons if p.died is not None and p.died.year == year]

    def by_id(self, id_number: str) -> Person:
        """The person with this ID number."""
        return next(p for p in self.persons if p.id_number == id_number)

    def local(self, district: str, day: date) -> Person:
        """Someone alive with hukou in ``district`` on ``day`` who never moved and never dies."""
        return next(
            p
            for p in self.persons
            if p.hukou == district and not p.moves and p.died is None and p.mother is None and p.born < day
        )


def build_city(directory: Path, spec: CitySpec) -> City:
    """Write the department files of the synthetic city ``spec`` into ``directory``."""
    rng = random.Random(spec.seed)
    sequence = 0
    persons: list[Person] = []
    baseline = spec.baseline_day

    def new_person(division: str, hukou: str | None, residence: str, born: date) -> Person:
        nonlocal sequence
        sequence += 1
        sex = rng.choice("FM")
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return Person(citizen_id(division, born, sequence, sex), name, sex, born, hukou, residence)

    def day_between(first: date, last: date) -> date:
        return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))

    for district, size in spec.district_sizes.items():
        for _ in range(size):
            persons.append(new_person(district, district, district, day_between(spec.born_from, spec.born_to)))
    floating = [
        new_person(FLOATING_ORIGIN, None, "330106", day_between(spec.floating_born_from, date(2000, 12, 31)))
        for _ in range(spec.floating)
    ]
    persons.extend(floating)

    locals_ = [p for p in persons if p.hukou is not None]
    mothers = [p for p in locals_ if p.sex == "F" and 22 <= p.age_on(baseline) <= 38 and p.hukou != "330127"]
    babies: list[Person] = []
    for year, count in spec.births.items():
        for mother in rng.sample(mothers, count):
            born = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            baby = new_person(str(mother.hukou), mother.hukou, str(mother.hukou), born)
            baby.mother = mother
            babies.append(baby)
    years = sorted(spec.births)
    elderly = [p for p in locals_ if p.age_on(baseline) >= 60 and p not in mothers]
    # A woman and a man of 85 or more die in each year, so that every year has a life table of each sex (its open
    # group 85+ needs deaths): the oldest first.
    for sex in "FM":
        oldest = sorted((p for p in elderly if p.sex == sex), key=lambda p: p.born)
        for year, person in zip(years, oldest, strict=False):
            assert person.age_on(date(year, 1, 1)) >= 85, "the city needs more old people"
            person.died = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    others = [p for p in elderly if p.died is None]
    for index, person in enumerate(rng.sample(others, spec.other_deaths)):
        person.died = date(years[index % len(years)], 1, 1) + timedelta(days=rng.randint(0, 364))
    movers = [p for p in locals_ if p.hukou == "330106" and p.died is None and p not in mothers][: spec.movers]
    for person in movers:
        person.moves.append((spec.move_day, "330102"))
    persons.extend(babies)

    directory.mkdir(parents=True, exist_ok=True)
    baseline_rows = [
        ["baseline", p.id_number, p.name, baseline.isoformat(), p.hukou, p.residence, "111"]
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
    since = spec.floating_since.isoformat()
    residence = [
        ["residence_registered", p.id_number, p.name, since, FLOATING_ORIGIN, p.residence, since] for p in floating
    ]
    files = [
        _write(directory / "hukou_baseline.csv", HUKOU_HEADER, baseline_rows),
        _write(directory / f"residence_{spec.floating_since.year}.csv", RESIDENCE_HEADER, residence),
        _write(directory / "health_births.csv", HEALTH_HEADER, births),
        _write(directory / "hukou_changes.csv", HUKOU_HEADER, changes),
    ]
    return City(spec, persons, files)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# --- the register template and the service around it ---------------------------------------------------------------


@dataclass
class Built:
    """The template register and the city it holds."""

    directory: Path
    city: City


def build_template(directory: Path, spec: CitySpec) -> Built:
    """Ingest the city's files into ``directory/renkou.duckdb`` (every row accepted)."""
    from renkou.register.store import Register

    city = build_city(directory / "files", spec)
    register = Register.open(directory / "renkou.duckdb", city="330100")
    try:
        summaries = register.ingest(city.files)
        assert all(s.quarantined == 0 and s.status == "loaded" for s in summaries), [s.to_json() for s in summaries]
    finally:
        register.close()
    return Built(directory, city)


def copy_register(built: Built, target_dir: Path) -> Path:
    """A private copy of the template register (database and key file)."""
    target = target_dir / "renkou.duckdb"
    shutil.copy(built.directory / "renkou.duckdb", target)
    shutil.copy(built.directory / "renkou.duckdb.key", target_dir / "renkou.duckdb.key")
    return target


def make_users(service: Service) -> None:
    """Every test account (:data:`USERS`), with :data:`PASSWORD`."""
    with service.database() as engine:
        for name, spec in USERS.items():
            accounts.create_user(
                engine,
                service.hasher,
                service.settings,
                username=name,
                role=spec["role"],  # type: ignore[arg-type]
                password=PASSWORD,
                now=service.now(),
                districts=spec.get("districts", ()),  # type: ignore[arg-type]
                feed=spec.get("feed"),  # type: ignore[arg-type]
            )
