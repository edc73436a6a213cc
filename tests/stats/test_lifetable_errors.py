"""Bad life-table input: a clear bilingual error naming the file, line, column or age, never a silent figure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from renkou.errors import UserError
from renkou.stats.lifetable import life_table, life_table_from_deaths
from renkou.stats.lifetable_ages import LifeTableInputError
from renkou.stats.lifetable_io import compute_life_table, read_lifetable_csv

GOOD = """age,interval,deaths,exposure
0,1,30,10000
1,4,5,40000
5,5,4,50000
10,,900,20000
"""


def run_file(tmp_path: Path, text: str, **options: object) -> object:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return compute_life_table(read_lifetable_csv(path), **options)  # type: ignore[arg-type]


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(UserError) as caught:
        run_file(tmp_path, text)
    message = str(caught.value)
    assert " / " in message  # Chinese first, then English
    return message


def test_good_file_runs(tmp_path: Path) -> None:
    table = run_file(tmp_path, GOOD)
    assert table.ages.tolist() == [0, 1, 5, 10]  # type: ignore[attr-defined]


def test_zero_exposure_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("5,5,4,50000", "5,5,0,0"))
    assert "in.csv line 4" in message and "第 4 行" in message
    assert "exposure is 0" in message and "age 5" in message


def test_negative_deaths_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("1,4,5,40000", "1,4,-5,40000"))
    assert "line 3" in message and "deaths -5" in message


def test_ages_not_contiguous(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("5,5,4,50000", "6,5,4,50000"))
    assert "line 4" in message
    assert "not contiguous: 1 + interval 4 = 5 but the next row has age 6" in message


def test_open_group_missing(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("10,,900,20000", "10,5,900,20000"))
    assert "line 5" in message and "open age group is missing" in message


def test_only_the_last_group_may_be_open(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("1,4,5,40000", "1,,5,40000"))
    assert "line 3" in message and "only the last age group may be open" in message


def test_open_group_without_deaths(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("10,,900,20000", "10,,0,20000"))
    assert "line 5" in message and "no deaths in the open age group 10+" in message


def test_not_a_number_names_line_column_and_value(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("5,5,4,50000", "5,5,four,50000"))
    assert "line 4" in message and "column deaths: 'four' is not a number" in message


def test_empty_required_cell(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("5,5,4,50000", "5,5,4,"))
    assert "line 4" in message and "column exposure is empty" in message


def test_missing_columns_and_mixed_inputs(tmp_path: Path) -> None:
    assert "missing column exposure" in error_of(tmp_path, "age,interval,deaths\n0,,3\n")
    assert "use one or the other" in error_of(tmp_path, "age,interval,deaths,exposure,mx\n0,,3,10,0.3\n")
    assert "no data rows" in error_of(tmp_path, "age,interval,mx\n")


def test_ax_outside_the_interval(tmp_path: Path) -> None:
    text = "age,interval,mx,ax\n0,1,0.01,1.5\n1,,0.2,\n"
    message = error_of(tmp_path, text)
    assert "line 2" in message and "ax = 1.5 must lie between 0 and the interval 1" in message


def test_missing_file_and_bad_sex(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="input file not found"):
        read_lifetable_csv(tmp_path / "nope.csv")
    with pytest.raises(UserError, match="invalid sex 'X'"):
        run_file(tmp_path, GOOD, sex="X")
    with pytest.raises(UserError, match="unknown ax method 'spline'"):
        run_file(tmp_path, GOOD, ax_method="spline")


def test_open_marker_gbk_and_chinese_headers(tmp_path: Path) -> None:
    """A spreadsheet export: GBK, Chinese headers, '85+' for the open group, a comment and a blank line."""
    path = tmp_path / "gbk.csv"
    path.write_bytes('# 合成数据\n年龄,组距,死亡人数,暴露人年\n0,1,30,10000\n\n1+,,900,"20,000"\n'.encode("gbk"))
    table = compute_life_table(read_lifetable_csv(path))
    assert table.ages.tolist() == [0, 1]
    assert table.mx[1] == pytest.approx(900 / 20_000)
    path.write_text("age,interval,mx\n0,1,0.01\n1+,4,0.2\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"line 3.*open group, so its interval must be empty"):
        read_lifetable_csv(path)


def test_api_errors_name_the_row_and_region() -> None:
    deaths = np.array([[3.0, 10.0], [3.0, 10.0]])
    exposure = np.array([[100.0, 50.0], [0.0, 50.0]])
    with pytest.raises(LifeTableInputError) as caught:
        life_table_from_deaths([0, 1], [1, None], deaths, exposure)
    assert caught.value.row == 0 and caught.value.region == (1,)
    assert "region 1: age 0" in str(caught.value)
    with pytest.raises(LifeTableInputError, match=r"age 1: death rate -0.1 is invalid"):
        life_table([0, 1, 2], [1, 1, None], [0.01, -0.1, 0.3])
    with pytest.raises(LifeTableInputError, match=r"open age group 2\+ has a death rate of 0"):
        life_table([0, 1, 2], [1, 1, None], [0.01, 0.1, 0.0])
    with pytest.raises(LifeTableInputError, match="3 age groups on their last axis"):
        life_table([0, 1, 2], [1, 1, None], [0.01, 0.1])


def test_small_numbers_of_deaths_give_a_warning_not_a_silent_figure() -> None:
    ages, intervals = [0, 1, 5, 10], [1, 4, 5, None]
    few = life_table_from_deaths(ages, intervals, [1, 0, 1, 12], [300, 1200, 1500, 500])
    assert len(few.warnings) == 1
    assert "only 14 deaths in total (fewer than 20)" in few.warnings[0] and "死亡人数合计仅 14 人" in few.warnings[0]
    assert life_table_from_deaths(ages, intervals, [1, 0, 1, 12], [300, 1200, 1500, 500], min_deaths=10).warnings == []
    stacked = life_table_from_deaths(
        ages, intervals, [[1, 0, 1, 12], [10, 5, 5, 30]], [[300, 1200, 1500, 500]] * 2, min_deaths=20
    )
    assert len(stacked.warnings) == 1 and stacked.warnings[0].startswith("第 0 个区域")
    assert "region 0: only 14 deaths" in stacked.warnings[0]


def test_unsplit_first_age_group_is_flagged() -> None:
    table = life_table([0, 5, 10], [5, 5, None], [0.002, 0.0003, 0.05])
    assert any("does not separate infants" in w for w in table.warnings)
