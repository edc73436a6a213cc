"""The counts agree with the register's own population query, and a past state of knowledge is reproduced."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from indicators_helpers import HEALTH, HUKOU, Person, load, row
from indicators_small_city import build_small_city

from renkou.register.store import Register
from renkou.stats.compute import StatsRequest, compute_stats
from renkou.stats.counts import make_areas, read_counts
from renkou.stats.counts_base import AGE_UNKNOWN


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    register = build_small_city(Path(tmp_path_factory.mktemp("views")))
    yield register
    register.close()


@pytest.mark.parametrize("kind", ["registered", "resident", "floating"])
def test_population_counts_match_the_register_query(city: Register, kind: str) -> None:
    areas = make_areas(city.engine, city.city, city.city_prefix)
    counts = read_counts(city.engine, areas, date(2020, 12, 31))
    for on, when in ((date(2019, 12, 31), "start"), (date(2020, 12, 31), "end")):
        expected = city.population(on, kind, ("district", "sex", "age")).to_pylist()  # type: ignore[arg-type]
        for row_ in expected:
            area = areas.codes.index(row_["district"])
            sex = ("F", "M").index(row_["sex"])
            if kind == "floating":
                got = getattr(counts.floating, f"population_{when}")[area, sex]
                cell = sum(
                    r["population"] for r in expected if (r["district"], r["sex"]) == (row_["district"], row_["sex"])
                )
            else:
                got = getattr(counts.blocks[kind], f"population_{when}")[area, sex, row_["age"]]
                cell = row_["population"]
            assert got == cell, (kind, on, row_)
        total = sum(r["population"] for r in expected)
        array = counts.floating if kind == "floating" else counts.blocks[kind]
        assert getattr(array, f"population_{when}")[0].sum() == total
        if kind != "floating":
            assert not getattr(array, f"population_{when}")[..., AGE_UNKNOWN].any()


def test_known_at_reproduces_an_earlier_publication(tmp_path: Path) -> None:
    wang = Person("wang", "330106", date(1950, 3, 1), "M", 1)
    li = Person("li", "330106", date(1985, 7, 9), "F", 2)
    baby = Person("baby", "330106", date(2020, 4, 2), "F", 3)
    register = Register.open(tmp_path / "late.duckdb", city="330100")
    try:
        baseline = [
            row(HUKOU, event_type="baseline", id_number=p.id, occurred_on="2019-12-31", hukou_region="330106")
            for p in (wang, li)
        ]
        load(register, tmp_path, "baseline", "hukou", HUKOU, baseline)
        moved = [
            row(HUKOU, event_type="hukou_transfer", id_number=li.id, occurred_on="2020-03-01", hukou_region="330102")
        ]
        load(register, tmp_path, "moves", "hukou", HUKOU, moved)
        time.sleep(0.01)
        published_at = datetime.now(UTC).replace(tzinfo=None)
        time.sleep(0.01)
        # Reported after the figures for 2020 were published: wang's death and li's baby.
        late_death = [row(HUKOU, event_type="death", id_number=wang.id, occurred_on="2020-11-11")]
        load(register, tmp_path, "late_death", "hukou", HUKOU, late_death)
        late_birth = [
            row(
                HEALTH,
                event_type="birth",
                id_number=baby.id,
                occurred_on="2020-04-02",
                hukou_region="330102",
                mother_id=li.id,
            )
        ]
        load(register, tmp_path, "late_birth", "health", HEALTH, late_birth)
        on = date(2020, 12, 31)
        published = compute_stats(register, StatsRequest(on, known_at=published_at))["city"]["registered"]
        revised = compute_stats(register, StatsRequest(on))["city"]["registered"]
    finally:
        register.close()
    assert (published["population"], published["births"], published["deaths"]) == (2, 0, 0)
    assert (revised["population"], revised["births"], revised["deaths"]) == (2, 1, 1)
    assert revised["crude_death_rate"] == 500.0  # 1 death over the mean of 2 and 2
    # li was 34 at the birth: 30-34 has 1 birth over li's mean presence (34 at the start, 35 at the end) of 0.5.
    assert revised["asfr"]["30-34"] == 2.0
    # With no other women the other groups' rates, and so the TFR, are undefined (not zero).
    assert revised["asfr"]["25-29"] is None and revised["total_fertility_rate"] is None


def test_corrections_move_a_birth_and_cancel_a_death(tmp_path: Path) -> None:
    mother = Person("mother", "330106", date(1990, 2, 2), "F", 1)
    grandpa = Person("grandpa", "330106", date(1940, 3, 3), "M", 2)
    child = Person("child", "330102", date(2020, 5, 5), "M", 3)
    header = ["record_no", *HUKOU, "corrects_record_no"]
    register = Register.open(tmp_path / "corrected.duckdb", city="330100")
    try:
        baseline = [
            row(
                header,
                record_no=f"B{i}",
                event_type="baseline",
                id_number=p.id,
                occurred_on="2019-12-31",
                hukou_region="330106",
            )
            for i, p in enumerate((mother, grandpa))
        ]
        load(register, tmp_path, "baseline", "hukou", header, baseline)
        first = [
            row(
                header,
                record_no="R1",
                event_type="birth",
                id_number=child.id,
                occurred_on="2020-05-05",
                hukou_region="330102",
                residence_region="330102",
            ),
            row(header, record_no="R2", event_type="death", id_number=grandpa.id, occurred_on="2020-06-06"),
        ]
        load(register, tmp_path, "first", "hukou", header, first)
        # The birth was registered in the wrong district; the death was reported in error.
        fixes = [
            row(
                header,
                record_no="R3",
                event_type="correction",
                id_number=child.id,
                occurred_on="2020-05-05",
                sex="M",
                birth_date="2020-05-05",
                hukou_region="330106",
                residence_region="330106",
                corrects_record_no="R1",
            ),
            row(
                header,
                record_no="R4",
                event_type="correction",
                id_number=grandpa.id,
                occurred_on="2020-06-06",
                corrects_record_no="R2",
            ),
        ]
        load(register, tmp_path, "fixes", "hukou", header, fixes)
        result = compute_stats(register, StatsRequest(date(2020, 12, 31)))
    finally:
        register.close()
    city = result["city"]["registered"]
    assert (city["births"], city["births_male"], city["deaths"], city["population"]) == (1, 1, 0, 3)
    assert result["districts"]["330106"]["registered"]["births"] == 1
    assert result["districts"]["330102"]["registered"]["births"] == 0
