"""State as of a date and as known at a time; corrections; the six-month rule; the spells index."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

from conftest import HUKOU_HEADER, write_csv

from renkou.register.store import Register

RESIDENCE_HEADER = ["event_type", "id_number", "occurred_on", "residence_region", "residence_since"]


def total(register: Register, on: date, kind: str, known_at: datetime | None = None) -> int:
    table = register.population(on, kind, (), known_at)  # type: ignore[arg-type]
    return int(table.column("population")[0].as_py())


def test_six_month_rule_for_floating_and_registered_away(
    register: Register, people: dict[str, str], tmp_path: Path
) -> None:
    base = [["baseline", people[n], n, "2015-12-31", "", "", "330106", "", ""] for n in ("wang", "li")]
    register.ingest([write_csv(tmp_path / "hukou.csv", HUKOU_HEADER, base)], today=date(2021, 1, 1))
    residence = [
        ["residence_registered", people["zhao"], "2020-03-01", "330106", ""],
        ["residence_left", people["wang"], "2020-05-01", "", ""],
    ]
    register.ingest([write_csv(tmp_path / "residence.csv", RESIDENCE_HEADER, residence)], today=date(2021, 1, 1))
    # Hand count on 2020-08-31: six months earlier is 2020-02-29; zhao arrived 2020-03-01 -> not yet resident.
    # wang left 2020-05-01, after 2020-02-29 -> away less than six months -> still resident.
    assert total(register, date(2020, 8, 31), "resident") == 2  # wang (away < 6 months) + li
    assert total(register, date(2020, 8, 31), "floating") == 1
    # 2020-11-30: six months earlier is 2020-05-30; zhao arrived before -> resident; wang left before -> not.
    assert total(register, date(2020, 11, 30), "resident") == 2  # li + zhao
    assert total(register, date(2020, 11, 30), "registered") == 2  # wang's hukou is still here


def test_known_at_reproduces_an_earlier_publication(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    base = [["baseline", people[n], n, "2015-12-31", "", "", "330106", "", ""] for n in ("wang", "li", "zhang")]
    register.ingest([write_csv(tmp_path / "hukou_2015.csv", HUKOU_HEADER, base)], today=date(2021, 1, 1))
    time.sleep(0.01)
    published_at = datetime.now(UTC).replace(tzinfo=None)
    time.sleep(0.01)
    # A death in 2019 registered late, after the figure for 2019-12-31 was published.
    late = [["death", people["wang"], "wang", "2019-06-01", "", "", "", "", ""]]
    register.ingest([write_csv(tmp_path / "hukou_late.csv", HUKOU_HEADER, late)], today=date(2021, 1, 1))
    on = date(2019, 12, 31)
    assert total(register, on, "registered", known_at=published_at) == 3  # as published
    assert total(register, on, "registered") == 2  # as revised
    assert register.verify(deep=True).ok


def test_correction_supersedes_an_earlier_event(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    header = ["record_no", *HUKOU_HEADER, "corrects_record_no"]
    base = [["A1", "baseline", people["zhang"], "zhang", "2015-12-31", "", "", "330102", "", "", ""]]
    register.ingest([write_csv(tmp_path / "hukou_1.csv", header, base)], today=date(2021, 1, 1))
    fix = [["A2", "correction", people["zhang"], "zhang", "2015-12-31", "", "", "330105", "", "", "A1"]]
    register.ingest([write_csv(tmp_path / "hukou_2.csv", header, fix)], today=date(2021, 1, 1))
    rows = register.population(date(2016, 1, 1), "registered", ("district",)).to_pylist()
    assert rows == [{"district": "330105", "population": 1}]
    assert register.verify(deep=True).ok
    unknown = [["A3", "correction", people["zhang"], "zhang", "2015-12-31", "", "", "330105", "", "", "NOPE"]]
    [summary] = register.ingest([write_csv(tmp_path / "hukou_3.csv", header, unknown)], today=date(2021, 1, 1))
    assert summary.reasons == {"correction_target_unknown": 1}


def test_correction_of_a_mistyped_id_number_leaves_no_ghost(
    register: Register, people: dict[str, str], tmp_path: Path
) -> None:
    # The clerk first registered li under zhang's (valid) number, then corrected the record to li's own number.
    header = ["record_no", *HUKOU_HEADER, "corrects_record_no"]
    base = [
        ["B1", "baseline", people["wang"], "wang", "2015-12-31", "", "", "330102", "", "", ""],
        ["B2", "baseline", people["zhang"], "li", "2015-12-31", "", "", "330105", "", "", ""],
    ]
    register.ingest([write_csv(tmp_path / "hukou_1.csv", header, base)], today=date(2021, 1, 1))
    assert total(register, date(2016, 1, 1), "registered") == 2
    fix = [["B3", "correction", people["li"], "li", "2015-12-31", "", "", "330105", "", "", "B2"]]
    register.ingest([write_csv(tmp_path / "hukou_2.csv", header, fix)], today=date(2021, 1, 1))
    # Two persons, not three: the number typed by mistake no longer stands for anyone.
    rows = register.population(date(2016, 1, 1), "registered", ("district",)).to_pylist()
    assert rows == [{"district": "330102", "population": 1}, {"district": "330105", "population": 1}]
    assert register.verify(deep=True).ok


def test_moves_births_and_deaths_over_time(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    base = [["baseline", people[n], n, "2015-12-31", "", "", "330106", "", ""] for n in ("wang", "li", "zhang")]
    register.ingest([write_csv(tmp_path / "hukou_2015.csv", HUKOU_HEADER, base)], today=date(2021, 1, 1))
    changes = [
        ["hukou_out", people["zhang"], "zhang", "2017-03-01", "", "", "310101", "", ""],
        ["hukou_in", people["chen"], "chen", "2018-04-01", "", "", "330109", "", ""],
        ["death", people["li"], "li", "2019-09-09", "", "", "", "", ""],
    ]
    register.ingest([write_csv(tmp_path / "hukou_moves.csv", HUKOU_HEADER, changes)], today=date(2021, 1, 1))
    expected = {date(2016, 12, 31): 3, date(2017, 12, 31): 2, date(2018, 12, 31): 3, date(2019, 12, 31): 2}
    for on, count in expected.items():
        assert total(register, on, "registered") == count, on
    districts = register.population(date(2019, 12, 31), "registered", ("district",)).to_pylist()
    assert districts == [{"district": "330106", "population": 1}, {"district": "330109", "population": 1}]
    assert register.verify(deep=True).ok
