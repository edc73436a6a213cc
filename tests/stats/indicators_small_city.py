"""A small synthetic city whose indicators are worked out by hand in the tests.

Hangzhou (330100), two districts: 上城区 330102 and 西湖区 330106. The hukou baseline is taken on 2019-12-31 (the
register's start); the year under test is 2020 (as of 2020-12-31, so the year starts after 2019-12-31).

Registered persons on 2019-12-31 (name: sex, birth date, district, urban code, household, education):
  330102  A F 1990-06-15 111 H1 bachelor | B M 1988-03-01 111 H1 senior | C F 1950-01-10 111 H2
          D M 1940-05-05 220 H3          | E F 1945-02-02 220 H3        | P F 1983-05-05 111 -  -
          R F 1973-04-04 111 -  primary
  330106  F F 1995-09-09 111 H4 master   | G M 2010-01-01 111 H4        | H M 1960-12-31 111 H5 junior
          I F 2000-07-07 111 H5 college  | Q F 1978-01-20 220 -  junior
Floating: J M 1985-04-04 hukou 340104 (Anhui), living in 330106 since 2015-03-01, residence permit 2019-06-01;
          K F 1998-08-08 hukou 410102 (Henan), living in 330102 since 2020-10-01.
Events of 2020:
  L F born 2020-03-10 to A, hukou 330102 household H1 (reported by police and by health: one birth)
  M M born 2020-11-20 to F, hukou 330106 (health), died 2020-12-01 (health)
  N M born 2020-12-15 to K, hukou 410102, living in 330102 (health)
  D died 2020-08-01 (police and health: one death)
  I moved her hukou out to Shanghai 310101 on 2020-05-01
  B transferred his hukou to 330106 on 2020-06-01 (new household H6)
  O M 1992-02-02 (ID from Nanjing 320102) moved his hukou in to 330106 on 2020-09-01, household H7, bachelor
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from indicators_helpers import HEALTH, HUKOU, RESIDENCE, Person, load, row

from renkou.register.store import Register

SHANGCHENG = "330102"
XIHU = "330106"
BASELINE_DAY = "2019-12-31"

PEOPLE = {
    "A": Person("A", SHANGCHENG, date(1990, 6, 15), "F", 1),
    "B": Person("B", SHANGCHENG, date(1988, 3, 1), "M", 2),
    "C": Person("C", SHANGCHENG, date(1950, 1, 10), "F", 3),
    "D": Person("D", SHANGCHENG, date(1940, 5, 5), "M", 4),
    "E": Person("E", SHANGCHENG, date(1945, 2, 2), "F", 5),
    "P": Person("P", SHANGCHENG, date(1983, 5, 5), "F", 6),
    "R": Person("R", SHANGCHENG, date(1973, 4, 4), "F", 7),
    "F": Person("F", XIHU, date(1995, 9, 9), "F", 8),
    "G": Person("G", XIHU, date(2010, 1, 1), "M", 9),
    "H": Person("H", XIHU, date(1960, 12, 31), "M", 10),
    "I": Person("I", XIHU, date(2000, 7, 7), "F", 11),
    "Q": Person("Q", XIHU, date(1978, 1, 20), "F", 12),
    "J": Person("J", "340104", date(1985, 4, 4), "M", 13),
    "K": Person("K", "410102", date(1998, 8, 8), "F", 14),
    "L": Person("L", SHANGCHENG, date(2020, 3, 10), "F", 15),
    "M": Person("M", XIHU, date(2020, 11, 20), "M", 16),
    "N": Person("N", "410102", date(2020, 12, 15), "M", 17),
    "O": Person("O", "320102", date(1992, 2, 2), "M", 18),
}

# name: (district, urban code, household, relation, education)
BASELINE = {
    "A": (SHANGCHENG, "111", "H1", "head", "bachelor"),
    "B": (SHANGCHENG, "111", "H1", "spouse", "senior"),
    "C": (SHANGCHENG, "111", "H2", "head", None),
    "D": (SHANGCHENG, "220", "H3", "head", None),
    "E": (SHANGCHENG, "220", "H3", "spouse", None),
    "P": (SHANGCHENG, "111", None, None, None),
    "R": (SHANGCHENG, "111", None, None, "primary"),
    "F": (XIHU, "111", "H4", "head", "master"),
    "G": (XIHU, "111", "H4", "child", None),
    "H": (XIHU, "111", "H5", "head", "junior"),
    "I": (XIHU, "111", "H5", "child", "college"),
    "Q": (XIHU, "220", None, None, "junior"),
}


def _person(name: str, header: list[str], event: str, day: str, **values: object) -> list[str]:
    person = PEOPLE[name]
    return row(
        header,
        event_type=event,
        id_number=person.id,
        name=name,
        occurred_on=day,
        sex=person.sex,
        birth_date=person.born.isoformat(),
        **values,
    )


def build_small_city(directory: Path) -> Register:
    """Ingest the small city's department files into a new register in ``directory``."""
    register = Register.open(directory / "small.duckdb", city="330100")
    baseline = [
        _person(
            name,
            HUKOU,
            "baseline",
            BASELINE_DAY,
            hukou_region=district,
            residence_region=district,
            urban_rural=urban,
            household_id=household,
            relation=relation,
            education=education,
        )
        for name, (district, urban, household, relation, education) in BASELINE.items()
    ]
    load(register, directory, "hukou_baseline", "hukou", HUKOU, baseline)
    residence = [
        _person(
            "J",
            RESIDENCE,
            "residence_registered",
            "2015-03-01",
            hukou_region="340104",
            residence_region=XIHU,
            urban_rural="111",
        ),
        _person("J", RESIDENCE, "permit_issued", "2019-06-01", permit_no="330106201900001"),
        _person(
            "K",
            RESIDENCE,
            "residence_registered",
            "2020-10-01",
            hukou_region="410102",
            residence_region=SHANGCHENG,
            urban_rural="111",
        ),
    ]
    load(register, directory, "residence", "residence", RESIDENCE, residence)
    hukou_2020 = [
        _person(
            "L",
            HUKOU,
            "birth",
            "2020-03-10",
            hukou_region=SHANGCHENG,
            residence_region=SHANGCHENG,
            household_id="H1",
            relation="child",
        ),
        _person("I", HUKOU, "hukou_out", "2020-05-01", hukou_region="310101"),
        _person(
            "B",
            HUKOU,
            "hukou_transfer",
            "2020-06-01",
            hukou_region=XIHU,
            residence_region=XIHU,
            household_id="H6",
            relation="head",
        ),
        _person("D", HUKOU, "death", "2020-08-01"),
        _person(
            "O",
            HUKOU,
            "hukou_in",
            "2020-09-01",
            hukou_region=XIHU,
            residence_region=XIHU,
            urban_rural="111",
            household_id="H7",
            relation="head",
            education="bachelor",
        ),
    ]
    load(register, directory, "hukou_2020", "hukou", HUKOU, hukou_2020)
    health_2020 = [
        _person(
            "L",
            HEALTH,
            "birth",
            "2020-03-10",
            hukou_region=SHANGCHENG,
            residence_region=SHANGCHENG,
            urban_rural="111",
            mother_id=PEOPLE["A"].id,
        ),
        _person("D", HEALTH, "death", "2020-08-01"),
        _person(
            "M",
            HEALTH,
            "birth",
            "2020-11-20",
            hukou_region=XIHU,
            residence_region=XIHU,
            urban_rural="111",
            mother_id=PEOPLE["F"].id,
        ),
        _person("M", HEALTH, "death", "2020-12-01"),
        _person(
            "N",
            HEALTH,
            "birth",
            "2020-12-15",
            hukou_region="410102",
            residence_region=SHANGCHENG,
            urban_rural="111",
            mother_id=PEOPLE["K"].id,
        ),
    ]
    load(register, directory, "health_2020", "health", HEALTH, health_2020)
    return register
