"""A random register for comparing the fast counting path with the previous one (not a hand-checked city).

About 1 200 persons in eight districts of Hangzhou and elsewhere, a hukou baseline on 2017-12-31 with random
households (some spread over two districts, some without a number), education and urban codes; floating persons
registered in the city at random dates (some left, some with residence permits); three years of hukou moves in,
out and between districts, deaths, and births reported by health with the mother's ID. Delivered in several
batches, so that a past state of knowledge (``known_at``) differs from the present one.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
from indicators_helpers import HEALTH, HUKOU, RESIDENCE, Person, load, row

from renkou.register.store import Register

DISTRICTS = ("330102", "330105", "330106", "330108", "330109", "330110", "330122", "330182")
ELSEWHERE = ("340104", "410102", "320102", "310101", "510104")
EDUCATION = ("primary", "junior", "senior", "college", "bachelor", "master", None)
URBAN = ("111", "121", "220", None)
START = date(2017, 12, 31)


def _day(rng: np.random.Generator, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _born(rng: np.random.Generator) -> date:
    return _day(rng, date(1925, 1, 1), date(2017, 6, 30))


def _event(person: Person, header: list[str], event: str, day: date, **values: object) -> list[str]:
    return row(
        header,
        event_type=event,
        id_number=person.id,
        name=person.name,
        occurred_on=day.isoformat(),
        sex=person.sex,
        birth_date=person.born.isoformat(),
        **values,
    )


def build_random_register(directory: Path, seed: int, persons: int = 900, floating: int = 300) -> Register:
    """Ingest a random city's files into a new register in ``directory`` (batches recorded one after another)."""
    rng = np.random.default_rng(seed)
    register = Register.open(directory / f"random-{seed}.duckdb", city="330100")
    sequence = iter(range(1, 100_000))

    def new_person(division: str, born: date) -> Person:
        number = next(sequence)
        return Person(f"P{number}", division, born, "F" if rng.random() < 0.5 else "M", number % 500)

    hukou_district: dict[str, str] = {}
    people: list[Person] = []
    baseline = []
    for _ in range(persons):
        district = DISTRICTS[int(rng.integers(0, len(DISTRICTS)))]
        person = new_person(district, _born(rng))
        people.append(person)
        hukou_district[person.id] = district
        household = f"H{int(rng.integers(0, persons // 3))}" if rng.random() < 0.85 else None
        baseline.append(
            _event(
                person,
                HUKOU,
                "baseline",
                START,
                hukou_region=district,
                residence_region=district,
                urban_rural=URBAN[int(rng.integers(0, len(URBAN)))],
                household_id=household,
                relation="head" if household else None,
                education=EDUCATION[int(rng.integers(0, len(EDUCATION)))],
            )
        )
    load(register, directory, f"baseline-{seed}", "hukou", HUKOU, baseline)

    residence = []
    for _ in range(floating):
        person = new_person(ELSEWHERE[int(rng.integers(0, len(ELSEWHERE)))], _born(rng))
        since = _day(rng, max(date(2012, 1, 1), person.born + timedelta(days=1)), date(2020, 12, 1))
        district = DISTRICTS[int(rng.integers(0, len(DISTRICTS)))]
        residence.append(
            _event(
                person,
                RESIDENCE,
                "residence_registered",
                since,
                hukou_region=person.division,
                residence_region=district,
                urban_rural=URBAN[int(rng.integers(0, 3))],
                residence_since=since.isoformat(),
            )
        )
        if rng.random() < 0.4:
            issued = min(since + timedelta(days=int(rng.integers(180, 900))), date(2020, 12, 30))
            residence.append(
                _event(
                    person, RESIDENCE, "permit_issued", issued, permit_no=f"{district}{issued:%Y}{next(sequence):05d}"
                )
            )
        if rng.random() < 0.2:
            left = _day(rng, max(since, START) + timedelta(days=1), date(2020, 12, 31))
            residence.append(_event(person, RESIDENCE, "residence_left", left))
    load(register, directory, f"residence-{seed}", "residence", RESIDENCE, residence)

    for year in (2018, 2019, 2020):
        hukou, health = [], []
        first, last = date(year, 1, 1), date(year, 12, 31)
        for person in rng.choice(np.array(people, dtype=object), size=persons // 12, replace=False):
            day = _day(rng, first, last)
            what = rng.random()
            if person.id not in hukou_district:
                continue
            if what < 0.3:
                hukou.append(_event(person, HUKOU, "death", day))
                health.append(_event(person, HEALTH, "death", day))
                del hukou_district[person.id]
            elif what < 0.5:
                hukou.append(_event(person, HUKOU, "hukou_out", day, hukou_region=ELSEWHERE[int(rng.integers(0, 5))]))
                del hukou_district[person.id]
            else:
                target = DISTRICTS[int(rng.integers(0, len(DISTRICTS)))]
                household = f"H{int(rng.integers(0, persons // 3))}"
                hukou.append(
                    _event(
                        person,
                        HUKOU,
                        "hukou_transfer",
                        day,
                        hukou_region=target,
                        residence_region=target,
                        household_id=household,
                        relation="head",
                    )
                )
                hukou_district[person.id] = target
        for _ in range(persons // 30):
            district = DISTRICTS[int(rng.integers(0, len(DISTRICTS)))]
            person = new_person(ELSEWHERE[int(rng.integers(0, len(ELSEWHERE)))], _born(rng))
            hukou.append(
                _event(
                    person,
                    HUKOU,
                    "hukou_in",
                    _day(rng, first, last),
                    hukou_region=district,
                    residence_region=district,
                    urban_rural="111",
                    household_id=f"H{int(rng.integers(0, persons // 3))}",
                    relation="head",
                    education=EDUCATION[int(rng.integers(0, len(EDUCATION)))],
                )
            )
            people.append(person)
            hukou_district[person.id] = district
        mothers = [p for p in people if p.sex == "F" and 1972 <= p.born.year <= 2003 and p.id in hukou_district]
        for mother in rng.choice(np.array(mothers, dtype=object), size=min(len(mothers), persons // 40), replace=False):
            day = _day(rng, first, last)
            district = hukou_district[mother.id]
            child = new_person(district, day)
            health.append(
                _event(
                    child,
                    HEALTH,
                    "birth",
                    day,
                    hukou_region=district,
                    residence_region=district,
                    urban_rural="111",
                    mother_id=mother.id,
                )
            )
            people.append(child)
            hukou_district[child.id] = district
        load(register, directory, f"hukou-{seed}-{year}", "hukou", HUKOU, hukou)
        load(register, directory, f"health-{seed}-{year}", "health", HEALTH, health)
    return register
