"""The stored event hashes and subject keys, recomputed in Python from the register format's definition (the event hash of formats 2 and 3),
independently of the SQL that ingest uses: a faster ingest must store exactly the same bytes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from conftest import citizen_id, write_csv

from renkou.register.store import Register

# Register formats 2 and 3: the canonical event is these fields joined by U+001F, NULL as the empty text; dates ISO,
# booleans true/false, 128-bit keys as upper-case hex without leading zeros, integers in decimal.
CANONICAL_HEAD = ("event_type", "subject_id", "occurred_on", "source", "record_no")
CANONICAL_ATTRIBUTES = (
    "sex",
    "birth_date",
    "ethnicity",
    "id_division",
    "hukou_region",
    "hukou_in_city",
    "residence_region",
    "residence_in_city",
    "urban_rural",
    "residence_since",
    "left_on",
    "household_id",
    "relation",
    "education",
    "marital_status",
    "employment",
    "insurance",
    "housing",
    "permit_no",
    "permit_status",
    "alive",
    "mother_id",
    "father_id",
    "partner_id",
    "supersedes",
)
KEYS = ("subject_id", "mother_id", "father_id", "partner_id")


def canonical_text(row: dict[str, object]) -> str:
    parts = []
    for name in CANONICAL_HEAD + CANONICAL_ATTRIBUTES:
        value = row[name]
        if value is None:
            parts.append("")
        elif name in KEYS:
            parts.append(format(int(value), "X"))  # type: ignore[call-overload]
        elif isinstance(value, bool):
            parts.append("true" if value else "false")
        elif isinstance(value, date):
            parts.append(value.isoformat())
        else:
            parts.append(str(value))
    return "\x1f".join(parts)


def subject_key(pseudonym: bytes, number: str) -> int:
    return int.from_bytes(hashlib.sha256(pseudonym + number.encode("ascii")).digest()[:16], "big")


def stored_events(register: Register) -> list[dict[str, object]]:
    rows = register.engine.arrow("SELECT * FROM events ORDER BY event_id").to_pylist()
    # Arrow carries the unsigned 128-bit columns as signed decimals: the same 16 bytes, read back unsigned here.
    for row in rows:
        for name in (*KEYS, "hash_hi", "hash_lo"):
            if row[name] is not None:
                row[name] = int(row[name]) % (1 << 128)
    return rows


def test_event_hashes_and_keys_match_the_format(register: Register, tmp_path: Path) -> None:
    mother = citizen_id("330106", date(1960, 3, 1), 11, "F")
    father = citizen_id("330106", date(1958, 4, 2), 12, "M")
    child = citizen_id("330102", date(1985, 1, 31), 13, "F")
    migrant = citizen_id("340104", date(1992, 6, 6), 14, "M")
    hukou_header = [
        "record_no",
        "event_type",
        "id_number",
        "name",
        "occurred_on",
        "sex",
        "birth_date",
        "ethnicity",
        "hukou_region",
        "residence_region",
        "urban_rural",
        "residence_since",
        "household_id",
        "relation",
        "education",
        "marital_status",
        "corrects_record_no",
    ]
    hukou = [
        ["H1", "baseline", mother, "李秀英", "2015-12-31", "女", "1960-03-01", "汉族", "330106", "330106", "111", "",
         "HH01", "户主", "高中", "已婚", ""],
        ["H2", "baseline", father, "王建国", "2015/12/31", "1", "", "", "330106", "330105", "", "2001-05-04", "HH01",
         "配偶", "", "", ""],
        ["H3", "hukou_out", father, "", "2018年3月5日", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["H4", "baseline", child, "王敏", "2015-12-31", "", "", "", "330102", "", "220", "", "", "子女", "本科", "",
         ""],
    ]  # fmt: skip
    # A correction names an event already in the register, so it comes in a later delivery.
    correction = [["H5", "correction", child, "", "2015-12-31", "", "", "", "330103", "", "", "", "", "", "", "", "H4"]]
    health_header = ["event_type", "id_number", "occurred_on", "mother_id", "father_id", "hukou_region"]
    health = [["birth", citizen_id("330106", date(2019, 9, 9), 15, "M"), "2019-09-09", mother, father, "330106"]]
    civil_header = ["record_no", "event_type", "id_number", "occurred_on", "partner_id"]
    civil = [["C1", "marriage", child, "43831", migrant]]  # Excel serial 43831 = 2020-01-01
    residence_header = [
        "event_type",
        "id_number",
        "occurred_on",
        "residence_region",
        "permit_no",
        "housing",
        "employment",
    ]
    residence = [
        ["residence_registered", migrant, "2019-02-01", "330108", "", "租房", "在业"],
        ["permit_issued", migrant, "2019-08-01", "", "P330108-0001", "", ""],
        ["residence_left", migrant, "2020-10-01", "", "", "", ""],
    ]
    files = [
        write_csv(tmp_path / "hukou_2015.csv", hukou_header, hukou),
        write_csv(tmp_path / "hukou_2016.csv", hukou_header, correction),
        write_csv(tmp_path / "health_2019.csv", health_header, health),
        write_csv(tmp_path / "civil_2020.csv", civil_header, civil),
        write_csv(tmp_path / "residence_2019.csv", residence_header, residence),
    ]
    summaries = register.ingest(files, today=date(2021, 1, 1))
    assert [s.reasons for s in summaries] == [{}, {}, {}, {}, {}]
    events = stored_events(register)
    assert len(events) == 10
    for event in events:
        digest = hashlib.sha256(canonical_text(event).encode("utf-8")).digest()
        assert event["hash_hi"] == int.from_bytes(digest[:16], "big"), event["event_id"]
        assert event["hash_lo"] == int.from_bytes(digest[16:], "big"), event["event_id"]
    pseudonym = register.keys.pseudonym
    birth = next(e for e in events if e["event_type"] == "birth")
    assert birth["mother_id"] == subject_key(pseudonym, mother)
    assert birth["father_id"] == subject_key(pseudonym, father)
    assert birth["subject_id"] == subject_key(pseudonym, citizen_id("330106", date(2019, 9, 9), 15, "M"))
    marriage = next(e for e in events if e["event_type"] == "marriage")
    assert marriage["partner_id"] == subject_key(pseudonym, migrant)
    assert marriage["occurred_on"] == date(2020, 1, 1)
    # Values worked out by hand from the rows above (what the canonical text must carry).
    first = events[0]
    assert (first["sex"], first["birth_date"], first["hukou_in_city"], first["residence_in_city"]) == (
        "F",
        date(1960, 3, 1),
        True,
        True,
    )
    assert (first["relation"], first["education"], first["marital_status"], first["alive"]) == (
        "head",
        "senior",
        "married",
        True,
    )
    moved_out = next(e for e in events if e["event_type"] == "hukou_out")
    assert moved_out["occurred_on"] == date(2018, 3, 5)
    # Moving the hukou out with no residence left in the city ends the residence on that day.
    assert (moved_out["hukou_in_city"], moved_out["residence_region"], moved_out["left_on"]) == (
        False,
        None,
        date(2018, 3, 5),
    )
    corrects = next(e for e in events if e["event_type"] == "correction")
    corrected = next(e for e in events if e["record_no"] == "H4")
    assert corrects["supersedes"] == corrected["event_id"]
    left = next(e for e in events if e["event_type"] == "residence_left")
    assert (left["residence_in_city"], left["left_on"]) == (False, date(2020, 10, 1))
    permit = next(e for e in events if e["event_type"] == "permit_issued")
    assert (permit["permit_no"], permit["permit_status"]) == ("P330108-0001", "valid")
    assert register.verify().ok
