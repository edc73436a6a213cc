"""Applicant CSV files: encodings, column names, defaults, evidence sources, and one-line errors for bad data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from points_helpers import citizen_id

from renkou.points.applicants import ApplicantDataError, RecordApplicants
from renkou.points.csvfile import CsvApplicants
from renkou.points.evidence import REGISTER, SELF_DECLARED, VERIFIED
from renkou.points.loader import load_rules

HEADER = "applicant_id,name,has_permit,sex,age,insurance_years,education"


def _write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "a.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _rows(count: int) -> list[str]:
    return [f"{citizen_id(i)},张{i},1,M,30,{7 + i},硕士" for i in range(1, count + 1)]


def _error(path: Path) -> str:
    with pytest.raises(ApplicantDataError) as caught:
        CsvApplicants(path).evidence(load_rules("beijing-2016").rules)
    return str(caught.value)


def test_reads_utf8_with_bom_and_gbk_with_chinese_headers(tmp_path: Path) -> None:
    rules = load_rules("beijing-2016").rules
    utf8 = _write(tmp_path, ["\ufeff" + HEADER, *_rows(3)], name="u.csv")
    gbk_header = "公民身份号码,姓名,持有本市居住证,性别,年龄（周岁）,在京连续缴纳社会保险年限,最高学历学位"
    gbk = _write(tmp_path, [gbk_header, f"{citizen_id(1)},王五,是,男,30,8,本科+学士"], encoding="gbk", name="g.csv")
    a = CsvApplicants(utf8).evidence(rules)
    b = CsvApplicants(gbk).evidence(rules)
    assert a.ids.to_pylist() == [citizen_id(i) for i in (1, 2, 3)]
    assert a.values["insurance_years"].tolist() == [8, 9, 10]
    assert a.lines.tolist() == [2, 3, 4]
    assert b.names.to_pylist() == ["王五"]
    assert b.values["education"].tolist() == [list(rules.inputs["education"].levels or {}).index("bachelor_degree")]
    assert b.values["has_permit"].tolist() == [True]


def test_defaults_fill_empty_cells_and_missing_columns_with_a_warning(tmp_path: Path) -> None:
    rules = load_rules("beijing-2016").rules
    table = CsvApplicants(
        _write(tmp_path, [HEADER + ",retirement_age", _rows(1)[0] + ",", f"{citizen_id(9)},李,1,F,30,8,,"])
    ).evidence(rules)
    assert table.values["retirement_age"].tolist() == [60, 50]  # empty cell: default by sex
    assert table.values["education"].tolist()[1] == 0  # empty: "none"
    assert table.values["detentions"].tolist() == [0, 0]  # column missing: default 0
    assert any("detentions" in en for _, en in table.warnings)


def test_evidence_sources_per_row_and_per_value() -> None:
    rules = load_rules("beijing-2016").rules
    records = [
        {"applicant_id": citizen_id(1), "has_permit": 1, "sex": "M", "age": 30, "insurance_years": 8},
        {"applicant_id": citizen_id(2), "has_permit": 1, "sex": "M", "age": 30, "insurance_years": 8,
         "evidence_source": "登记", "age_source": "已核验"},
    ]  # fmt: skip
    table = RecordApplicants(records).evidence(rules)
    assert table.sources["age"].tolist() == [SELF_DECLARED, VERIFIED]
    assert table.sources["insurance_years"].tolist() == [SELF_DECLARED, REGISTER]


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, ["applicant_id,name,has_permit,sex,age,education", f"{citizen_id(1)},张,1,M,30,硕士"])
    message = _error(path)
    assert f"{path} line 1: column insurance_years" in message and "is missing" in message
    assert "缺少列 insurance_years" in message


def test_non_numeric_years_names_line_column_and_value(tmp_path: Path) -> None:
    rows = _rows(5)
    rows[3] = rows[3].replace(",11,", ",十年,")
    rows[4] = rows[4].replace(",12,", ",n/a,")
    message = _error(_write(tmp_path, [HEADER, *rows]))
    assert "line 5, column insurance_years: value '十年' is not a number" in message
    assert "(2 rows are wrong)" in message
    assert "\n" not in message


def test_nan_and_out_of_range_values_are_rejected(tmp_path: Path) -> None:
    rows = _rows(2)
    rows[1] = rows[1].replace(",9,", ",nan,")
    assert "line 3, column insurance_years: value 'nan' is not a number" in _error(_write(tmp_path, [HEADER, *rows]))
    rows = _rows(2)
    rows[0] = rows[0].replace(",30,", ",-3,")
    assert "line 2, column age: value '-3' is below the minimum 0" in _error(
        _write(tmp_path, [HEADER, *rows], name="b.csv")
    )
    rows = _rows(2)
    rows[0] = rows[0].replace(",30,", ",30.5,")
    assert "is not a whole number" in _error(_write(tmp_path, [HEADER, *rows], name="c.csv"))


def test_unknown_education_level(tmp_path: Path) -> None:
    rows = _rows(3)
    rows[2] = rows[2].replace("硕士", "大学")
    message = _error(_write(tmp_path, [HEADER, *rows]))
    assert "line 4, column education: value '大学' is not a known level" in message
    assert "master" in message  # the known levels are listed


def test_bad_flag_empty_required_value_and_missing_id(tmp_path: Path) -> None:
    rows = _rows(2)
    rows[1] = rows[1].replace(",1,M,", ",maybe,M,")
    assert "line 3, column has_permit: value 'maybe' is not yes/no" in _error(_write(tmp_path, [HEADER, *rows]))
    rows = _rows(2)
    rows[0] = rows[0].replace(",1,M,30,", ",1,M,,")
    assert "line 2, column age: value '' is empty and input age has no default" in _error(
        _write(tmp_path, [HEADER, *rows], name="e.csv")
    )
    assert "line 1: column applicant_id (citizen ID) is missing" in _error(
        _write(tmp_path, [HEADER.replace("applicant_id", "id"), *_rows(1)], name="f.csv")
    )


def test_repeated_applicant_is_named_masked(tmp_path: Path) -> None:
    rows = _rows(3)
    rows[2] = rows[0]
    message = _error(_write(tmp_path, [HEADER, *rows]))
    masked = citizen_id(1)[:6] + "********" + citizen_id(1)[-4:]
    assert f"applicant {masked} repeats line 2" in message and "line 4" in message
    assert citizen_id(1) not in message


def test_ragged_csv_is_one_line_error(tmp_path: Path) -> None:
    rows = _rows(2)
    rows[1] += ",extra"
    message = _error(_write(tmp_path, [HEADER, *rows]))
    assert "cannot be read as CSV" in message and "\n" not in message


def test_large_file_values_are_converted_column_wise(tmp_path: Path) -> None:
    # 2,000 rows through the same path as a million: spot-check the conversion against the text.
    rows = [
        f"{citizen_id(i % 1000, born=f'19{80 + i // 1000}0101')},张,1,{'MF'[i % 2]},{20 + i % 40},{(i % 97) / 4},"
        + ["硕士", "博士", ""][i % 3]
        for i in range(2000)
    ]
    path = _write(tmp_path, [HEADER, *rows])
    table = CsvApplicants(path).evidence(load_rules("beijing-2016").rules)
    assert np.array_equal(table.values["age"], np.array([20 + i % 40 for i in range(2000)], dtype=float))
    assert np.array_equal(table.values["insurance_years"], np.array([(i % 97) / 4 for i in range(2000)]))
