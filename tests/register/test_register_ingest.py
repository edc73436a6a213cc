"""Ingest of department files: accepted rows, quarantine with reasons, duplicates, atomic batches."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import HUKOU_HEADER, citizen_id, write_csv

from renkou.register.store import Register


def baseline_rows(people: dict[str, str]) -> list[list[str]]:
    return [
        ["baseline", people["wang"], "王建国", "2015-12-31", "男", "1950-03-01", "330106", "330106", "111"],
        ["baseline", people["li"], "李秀英", "2015-12-31", "女", "1955-07-09", "330106", "330106", "111"],
        ["基础登记", people["zhang"], "张敏", "2015-12-31", "2", "", "330102", "330102", "111"],
        ["baseline", people["chen"], "陈浩", "2015-12-31", "", "", "330109", "330109", "220"],
    ]


def test_clean_file_is_accepted_and_counted(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hukou_2015.csv", HUKOU_HEADER, baseline_rows(people), encoding="gbk")
    [summary] = register.ingest([path], today=date(2021, 1, 1))
    assert summary.status == "loaded"
    assert summary.encoding == "gb18030"
    assert (summary.accepted, summary.quarantined, summary.duplicates) == (4, 0, 0)
    by_district = dict(
        (row["district"], row["population"])
        for row in register.population(date(2016, 6, 30), "registered", ("district",)).to_pylist()
    )
    assert by_district == {"330102": 1, "330106": 2, "330109": 1}
    # Sex and birth date missing in the file are taken from the ID number.
    ages = register.population(date(2016, 6, 30), "registered", ("sex", "age")).to_pylist()
    assert {"sex": "M", "age": 3, "population": 1} in ages  # chen, born 2012-12-12
    assert {"sex": "F", "age": 26, "population": 1} in ages  # zhang, born 1990-01-31


def test_same_file_twice_changes_nothing(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hukou_2015.csv", HUKOU_HEADER, baseline_rows(people))
    register.ingest([path], today=date(2021, 1, 1))
    events_before = register.engine.scalar("SELECT count(*) FROM events")
    [again] = register.ingest([path], today=date(2021, 1, 1))
    assert again.status == "already_loaded"
    assert again.accepted == 0
    assert register.engine.scalar("SELECT count(*) FROM events") == events_before
    assert register.engine.scalar("SELECT count(*) FROM batches") == 1


def test_duplicate_rows_in_file_and_across_files(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    rows = baseline_rows(people)
    first = write_csv(tmp_path / "hukou_a.csv", HUKOU_HEADER, [*rows, rows[0], rows[1]])
    [summary] = register.ingest([first], today=date(2021, 1, 1))
    assert (summary.accepted, summary.duplicates) == (4, 2)
    # A later delivery repeating a row (different file bytes) adds only what is new.
    extra = ["baseline", people["zhao"], "赵磊", "2015-12-31", "男", "", "330105", "330105", "111"]
    second = write_csv(tmp_path / "hukou_b.csv", HUKOU_HEADER, [rows[2], extra])
    [summary2] = register.ingest([second], today=date(2021, 1, 1))
    assert (summary2.accepted, summary2.duplicates) == (1, 1)


def test_bad_rows_are_quarantined_with_reason_and_line(
    register: Register, people: dict[str, str], tmp_path: Path
) -> None:
    good = people["wang"]
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    impossible = citizen_id("330106", date(1990, 1, 1), 7, "M").replace("19900101", "19900231")
    lower_x = next(
        citizen_id("330106", date(1980, 1, d), s, "F")
        for d in range(1, 29)
        for s in range(50)
        if citizen_id("330106", date(1980, 1, d), s, "F").endswith("X")
    )
    full_width = citizen_id("330102", date(1970, 2, 2), 8, "M").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    rows = [
        ["baseline", bad_checksum, "甲", "2015-12-31", "", "", "330106", "", ""],  # line 2
        ["baseline", impossible, "乙", "2015-12-31", "", "", "330106", "", ""],  # line 3
        ["baseline", lower_x.lower(), "丙", "2015/12/31", "", "", "330106", "", ""],  # line 4: accepted
        ["baseline", full_width, "丁", "2015年12月31日", "", "", "330102", "", ""],  # line 5: accepted
        ["baseline", people["li"], "戊", "2015-13-45", "", "", "330106", "", ""],  # line 6: bad date
        ["baseline", people["zhang"], "己", "2015-12-31", "男", "", "330102", "", ""],  # line 7: sex mismatch
        ["baseline", people["chen"], "庚", "2015-12-31", "", "", "339999", "", ""],  # line 8: unknown region
        ["moved", people["zhao"], "辛", "2015-12-31", "", "", "330102", "", ""],  # line 9: unknown event type
        ["baseline", "", "壬", "2015-12-31", "", "", "330102", "", ""],  # line 10: ID missing
        ["baseline", people["sun"], "=cmd|' /C calc'!A0", "42369", "", "", "330105", "", "121"],  # line 11: accepted
    ]
    path = write_csv(tmp_path / "hukou_dirty.csv", HUKOU_HEADER, rows)
    [summary] = register.ingest([path], today=date(2021, 1, 1))
    assert summary.accepted == 3
    assert summary.quarantined == 7
    quarantined = {
        line: (column, reason)
        for line, column, reason in register.engine.rows("SELECT line, column_name, reason FROM quarantine")
    }
    assert quarantined == {
        2: ("id_number", "id_checksum"),
        3: ("id_number", "id_impossible_date"),
        6: ("occurred_on", "date_invalid"),
        7: ("sex", "id_sex_mismatch"),
        8: ("hukou_region", "region_unknown"),
        9: ("event_type", "event_type_unknown"),
        10: ("id_number", "id_missing"),
    }
    assert summary.reasons["id_checksum"] == 1
    # Quarantined ID values are masked.
    shown = register.engine.scalar("SELECT value_masked FROM quarantine WHERE line = 2")
    assert shown == bad_checksum[:6] + "********" + bad_checksum[-4:]
    # The Excel serial 42369 is 2015-12-31.
    assert register.engine.scalar("SELECT count(*) FROM events WHERE occurred_on = DATE '2015-12-31'") == 3


def test_formula_in_name_is_stored_inert(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    from renkou.register.identity import decrypt_one, split_identity

    formula = "=cmd|' /C calc'!A0"
    row = ["baseline", people["sun"], formula, "2015-12-31", "", "", "330105", "", ""]
    register.ingest([write_csv(tmp_path / "hukou.csv", HUKOU_HEADER, [row])], today=date(2021, 1, 1))
    ciphertext, offset, nonce = register.engine.rows(
        "SELECT i.ciphertext, i.stream_offset, b.nonce FROM identity i JOIN batches b USING (batch_id)"
    )[0]
    assert formula.encode() not in bytes(ciphertext)  # encrypted at rest
    number, name = split_identity(decrypt_one(bytes(ciphertext), offset, register.keys.identity, bytes(nonce)))
    assert (number, name) == (people["sun"], formula)
    from renkou.register.export import inert

    assert inert(formula) == "'" + formula


def test_formats_xlsx_jsonl_parquet(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    # Births and deaths from health as XLSX with Chinese headers and an Excel date cell.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["事件类型", "公民身份号码", "姓名", "发生日期", "性别", "母亲公民身份号码", "户籍地区划代码"])
    baby = citizen_id("330106", date(2019, 5, 4), 9, "F")
    sheet.append(["出生", baby, "王小美", date(2019, 5, 4), "女", people["li"], "330106"])
    sheet.append(["死亡", people["wang"], "王建国", "2020/1/5", None, None, None])
    xlsx = tmp_path / "health_2019.xlsx"
    workbook.save(xlsx)
    register.ingest([write_csv(tmp_path / "hukou.csv", HUKOU_HEADER, baseline_rows(people))], today=date(2021, 1, 1))
    [health] = register.ingest([xlsx], today=date(2021, 1, 1))
    assert (health.feed, health.accepted, health.quarantined) == ("health", 2, 0)

    jsonl = tmp_path / "residence_2019.jsonl"
    records = [
        {
            "event_type": "residence_registered",
            "id_number": people["zhao"],
            "occurred_on": "2019-01-10",
            "residence_region": "330106",
            "urban_rural": "111",
        },
        {
            "event_type": "residence_registered",
            "id_number": people["sun"],
            "occurred_on": "2020-11-01",
            "residence_region": "330108",
        },
    ]
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken json\n", encoding="utf-8")
    [residence] = register.ingest([jsonl], today=date(2021, 1, 1))
    assert (residence.accepted, residence.quarantined) == (2, 1)
    assert register.engine.scalar("SELECT line FROM quarantine WHERE reason = 'malformed_line'") == 3

    parquet = tmp_path / "hrss_2020.parquet"
    pq.write_table(
        pa.table(
            {
                "event_type": ["employment_changed"],
                "id_number": [people["zhao"]],
                "occurred_on": [date(2020, 3, 1)],
                "employment": ["就业"],
            }
        ),
        parquet,
    )
    [hrss] = register.ingest([parquet], today=date(2021, 1, 1))
    assert (hrss.feed, hrss.accepted) == ("hrss", 1)

    on = date(2020, 12, 31)
    assert register.population(on, "floating", ()).column("population")[0].as_py() == 2
    # zhao lived here for 23 months (resident); sun only two months (not yet resident).
    resident = register.population(on, "resident", ()).column("population")[0].as_py()
    registered = register.population(on, "registered", ()).column("population")[0].as_py()
    assert registered == 4  # wang died, the baby was born: 4 - 1 + 1
    assert resident == registered + 1


def test_consecutive_json_lines_batches_chain(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    for index, name in enumerate(("zhao", "sun")):
        path = tmp_path / f"residence_{index}.jsonl"
        record = {
            "event_type": "residence_registered",
            "id_number": people[name],
            "occurred_on": "2019-01-10",
            "residence_region": "330106",
        }
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        [summary] = register.ingest([path], today=date(2021, 1, 1))
        assert summary.accepted == 1
    assert register.engine.rows("SELECT event_id FROM events ORDER BY event_id") == [(1,), (2,)]
    assert register.verify(deep=True).ok


def test_json_key_first_seen_late_is_not_lost(register: Register, people: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "residence_late_key.jsonl"
    lines = [
        {
            "event_type": "residence_registered",
            "id_number": people["zhao"],
            "occurred_on": "2019-01-10",
            "residence_region": "330106",
        }
    ] * 1500
    lines = [dict(line, record_no=f"R{i}") for i, line in enumerate(lines)]
    lines.append(
        {
            "event_type": "permit_issued",
            "id_number": people["zhao"],
            "occurred_on": "2019-08-01",
            "permit_no": "HZ2019-0001",
            "record_no": "R-last",
        }
    )
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    [summary] = register.ingest([path], today=date(2021, 1, 1))
    assert summary.quarantined == 0
    assert register.engine.scalar("SELECT permit_no FROM events WHERE event_type = 'permit_issued'") == "HZ2019-0001"
