"""The department files: names, encodings, formats, valid and unique IDs, and the ground truth of the dirt."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from renkou.ids import InvalidCitizenID, parse_id
from renkou.register.feeds import COLUMNS, EVENT_TYPES_ZH
from renkou.synth.events import LAYOUT

FEEDS = {
    "hukou": ".csv",
    "health": ".xlsx",
    "residence": ".jsonl",
    "civil": ".csv",
    "hrss": ".parquet",
    "housing": ".csv",
}
TODAY = date(2021, 6, 30)
EVENT_FROM_ZH = {zh: name for name, zh in EVENT_TYPES_ZH.items()}
SEX = {"男": "M", "女": "F", "M": "M", "F": "F"}


def _department_files(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_file())


def test_files_are_named_for_their_feed_and_truth_is_apart(dirty_city) -> None:  # type: ignore[no-untyped-def]
    out, summary = dirty_city
    files = _department_files(out)
    assert {p.name for p in files} == set(summary.files)
    for path in files:
        feed = path.name.split("_")[0]
        assert feed in FEEDS and path.suffix == FEEDS[feed], path.name
    assert {p.name for p in out.iterdir() if p.is_dir()} == {"truth"}
    assert sorted(p.name for p in (out / "truth").iterdir()) == ["dirt.parquet", "summary.json"]
    assert {p.name.split("_")[0] for p in files} == set(FEEDS)


def test_encodings_headers_and_formats(dirty_city) -> None:  # type: ignore[no-untyped-def]
    out, _ = dirty_city
    for path in _department_files(out):
        feed = path.name.split("_")[0]
        chinese = [COLUMNS[c].zh for c in LAYOUT[feed]]
        english = list(LAYOUT[feed])
        if feed == "hukou":
            raw = path.read_bytes()
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")  # GBK, not UTF-8
            assert raw.decode("gbk").splitlines()[0].split(",") == chinese
        elif path.suffix == ".csv":
            assert path.read_text(encoding="utf-8").splitlines()[0].split(",") == chinese
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                assert list(json.loads(line)) == english
        elif path.suffix == ".parquet":
            assert pq.read_schema(path).names == english
        else:
            import openpyxl

            book = openpyxl.load_workbook(path, read_only=True)
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True))
            assert list(first) == chinese


def _introductions(out: Path, read_rows) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, list[str]] = {"hukou": [], "hukou_in": [], "residence": [], "floating_birth": []}
    for path in _department_files(out):
        feed = path.name.split("_")[0]
        for _, row in read_rows(path):
            event = EVENT_FROM_ZH.get(str(row["event_type"]), str(row["event_type"]))
            number = str(row["id_number"])
            if feed == "hukou" and event in ("baseline", "birth"):
                found["hukou"].append(number)
            elif feed == "hukou" and event == "hukou_in":
                found["hukou_in"].append(number)
            elif feed == "residence" and event == "residence_registered":
                found["residence"].append(number)
            elif feed == "health" and event == "birth" and not str(row["hukou_region"]).startswith("3301"):
                found["floating_birth"].append(number)
    return found


def test_ids_are_unique_per_person(clean_city, read_rows) -> None:  # type: ignore[no-untyped-def]
    out, _ = clean_city
    found = _introductions(out, read_rows)
    for kind, numbers in found.items():
        repeated = [n for n, c in Counter(numbers).items() if c > 1]
        assert not repeated, f"{kind}: {len(repeated)} repeated ID numbers"
    registered = set(found["hukou"]) | set(found["hukou_in"])
    assert not set(found["hukou"]) & set(found["hukou_in"])
    # Only in-migrants who had lived in the city as floating residents are in both registers.
    assert set(found["residence"]) & registered <= set(found["hukou_in"])
    assert set(found["residence"]) & set(found["hukou_in"])
    assert not set(found["floating_birth"]) & (registered | set(found["residence"]))


def test_clean_ids_are_valid_and_agree_with_sex_and_birth_date(clean_city, read_rows) -> None:  # type: ignore[no-untyped-def]
    out, _ = clean_city
    checked = 0
    for path in _department_files(out):
        for line, row in read_rows(path):
            for column in ("id_number", "mother_id", "father_id", "partner_id"):
                if row.get(column):
                    parsed = parse_id(str(row[column]), today=TODAY)
                    assert parsed.number == row[column]
            parsed = parse_id(str(row["id_number"]), today=TODAY)
            if row.get("sex"):
                assert SEX[str(row["sex"])] == parsed.sex, (path.name, line)
            if row.get("birth_date"):
                assert row["birth_date"] == parsed.birth_date.isoformat(), (path.name, line)
            checked += 1
    assert checked > 50_000


def test_clean_city_has_no_dirt(clean_city) -> None:  # type: ignore[no-untyped-def]
    out, summary = clean_city
    assert pq.read_table(out / "truth" / "dirt.parquet").num_rows == 0
    assert summary.dirty_rows == 0
    assert not any("resend" in name for name in summary.files)


def _digits_changed(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def test_truth_names_every_dirty_row(dirty_city, read_rows) -> None:  # type: ignore[no-untyped-def]
    out, summary = dirty_city
    truth = pq.read_table(out / "truth" / "dirt.parquet").to_pylist()
    assert summary.dirty_rows == len(truth)
    assert {row["kind"] for row in truth} == {
        "id_digit",
        "id_swap",
        "id_missing",
        "name_traditional",
        "name_homophone",
        "date_format",
        "duplicate",
        "impossible",
    }
    rows = {path.name: dict(read_rows(path)) for path in _department_files(out)}
    record_files: dict[str, list[str]] = {}
    for name, content in rows.items():
        for row in content.values():
            record_files.setdefault(f"{name.split('_')[0]}:{row['record_no']}", []).append(name)
    import opencc

    to_simplified = opencc.OpenCC("t2s")
    for entry in truth:
        row = rows[entry["file"]][entry["line"]]
        number, person, kind = row.get("id_number") or "", entry["person_id"], entry["kind"]
        parse_id(person, today=TODAY)  # the truth holds the real, valid number
        if kind == "id_digit":
            assert _digits_changed(number, person) == 1
        elif kind == "id_swap":
            assert _digits_changed(number, person) == 2 and sorted(number) == sorted(person)
        elif kind == "id_missing":
            assert number == ""
        else:
            assert number == person
        if kind == "name_traditional":
            assert to_simplified.convert(str(row["name"])) != row["name"]
        if kind == "date_format":
            value = row["occurred_on"]
            assert isinstance(value, float) or "/" in str(value) or "年" in str(value)
        if kind == "impossible":
            occurred = str(row["occurred_on"])
            assert occurred.startswith("2099") or occurred < parse_id(person, today=TODAY).birth_date.isoformat()
        if kind == "duplicate":
            feed = entry["file"].split("_")[0]
            copies = record_files[f"{feed}:{row['record_no']}"]
            assert len(copies) == 2 and copies[0] < entry["file"] == copies[1]
    # Rows the truth does not name are clean: their ID numbers are valid.
    named = {(entry["file"], entry["line"]) for entry in truth}
    for name, content in rows.items():
        for line, row in content.items():
            if (name, line) not in named:
                try:
                    parse_id(str(row["id_number"]), today=TODAY)
                except InvalidCitizenID as error:  # pragma: no cover - the assertion message is the point
                    raise AssertionError(f"{name}:{line} is dirty but not in the truth ({error.reason})") from None
