"""A tiny register for the points and permit service tests: a few migrants in Hangzhou with insurance, housing,
education and permit histories written by hand, and what the register should say about them worked out by hand.

Synthetic data only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from points_helpers import citizen_id

from renkou.register.store import Register

# Hukou in Hefei (340104); living in Hangzhou's 西湖区 (330106) or 上城区 (330102).
LI = citizen_id(11, "340104", "19860415")  # male (odd 17th digit: 11 % 1000 -> "011")
CHEN = citizen_id(22, "340104", "19990820")
MA = citizen_id(33, "340104", "19750110")
ZHOU = citizen_id(44, "340104", "19920303")
NOT_IN_REGISTER = citizen_id(55, "340104", "19880808")
NAMES = {LI: "李建国", CHEN: "陈晓", MA: "马文", ZHOU: "周敏"}


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _event(kind: str, who: str, on: str, **extra: str) -> dict[str, str]:
    return {"event_type": kind, "id_number": who, "name": NAMES[who], "occurred_on": on, **extra}


def city_files(folder: Path) -> list[tuple[Path, str]]:
    """(file, feed) of the city, in loading order."""
    folder.mkdir(parents=True, exist_ok=True)
    residence = [
        _event("residence_registered", LI, "2015-03-01", hukou_region="340104", residence_region="330106",
               employment="employed"),
        _event("residence_registered", CHEN, "2020-12-01", hukou_region="340104", residence_region="330106"),
        _event("residence_registered", MA, "2016-05-01", hukou_region="340104", residence_region="330102",
               employment="employed"),
        _event("residence_registered", ZHOU, "2019-01-07", hukou_region="340104", residence_region="330106",
               employment="employed"),
        _event("permit_issued", LI, "2016-04-01", permit_no="330106201600000001"),
        # Every endorsement inside its window (one month before each anniversary of 1 April).
        *[_event("permit_renewed", LI, day) for day in
          ("2017-03-22", "2018-03-22", "2019-03-22", "2020-03-23", "2021-03-22")],
    ]  # fmt: skip
    insurance = [
        _event("insurance_changed", LI, "2015-03-01", insurance="urban_employee"),
        _event("insurance_changed", LI, "2018-01-10", insurance="none"),
        _event("insurance_changed", LI, "2018-05-20", insurance="urban_employee"),
    ]
    housing = [
        _event("housing_changed", LI, "2016-01-01", housing="rented"),
        _event("housing_changed", LI, "2019-07-01", housing="owned"),
    ]
    education = [_event("education_changed", LI, "2015-03-01", education="bachelor")]
    return [
        (_write(folder / "residence.csv", residence), "residence"),
        (_write(folder / "insurance.csv", insurance), "hrss"),
        (_write(folder / "housing.csv", housing), "housing"),
        (_write(folder / "education.csv", education), "hukou"),
    ]


def build_register(folder: Path) -> Path:
    """The register database (and its key file) in ``folder``."""
    register = Register.open(folder / "renkou.duckdb", city="330100")
    try:
        for path, feed in city_files(folder / "files"):
            [summary] = register.ingest([path], feed=feed)
            assert summary.quarantined == 0 and summary.accepted > 0, summary.to_json()
    finally:
        register.close()
    return folder / "renkou.duckdb"


@dataclass(frozen=True)
class Expected:
    """What the register says about 李建国 on 1 June 2021, worked by hand.

    Insurance: employee insurance 2015-03-01 .. 2018-01-10 is 34 full months (2018-01-01 is the 34th corresponding
    day), 2018-05-20 .. 2021-06-01 inclusive is 36 full months (2021-05-20); 70 months in all = 5 10/12 years, the
    current stretch 36 months = 3 years. Housing: rented 2016-01-01 .. 2019-07-01 = 42 months = 3.5 years, owned
    2019-07-01 .. 2021-06-01 inclusive = 23 months; before 2016 the register has no housing, which ends the run.
    Age: born 15 April 1986, 35 on the day. The permit was endorsed every year, so it is valid.
    """

    on: date = date(2021, 6, 1)
    age: int = 35
    insurance_years: float = 70 / 12
    insurance_years_continuous: float = 3.0
    housing_owned_years: float = 23 / 12
    housing_rented_years: float = 3.5
