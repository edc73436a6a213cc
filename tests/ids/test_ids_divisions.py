"""The GB/T 2260 table: Hangzhou's 2021 change, lookups by code, name, year and hierarchy, and table integrity."""

import csv
from collections import defaultdict
from importlib import resources
from itertools import pairwise

import pytest

from renkou.ids import Division, all_divisions, find_by_name, is_known, lookup, prefecture_of, province_of
from renkou.ids.divisions import children_of, history

HANGZHOU_2020 = {
    "330102": "上城区",
    "330103": "下城区",
    "330104": "江干区",
    "330105": "拱墅区",
    "330106": "西湖区",
    "330108": "滨江区",
    "330109": "萧山区",
    "330110": "余杭区",
    "330111": "富阳区",
    "330112": "临安区",
    "330122": "桐庐县",
    "330127": "淳安县",
    "330182": "建德市",
}
HANGZHOU_NOW = {code: name for code, name in HANGZHOU_2020.items() if code not in {"330103", "330104"}} | {
    "330113": "临平区",
    "330114": "钱塘区",
}


def must(division: Division | None) -> Division:
    assert division is not None
    return division


def named_children(code: str, year: int | None) -> dict[str, str]:
    # 市辖区 (xx01) is the placeholder for "the city's districts", not a district.
    return {d.code: d.name for d in children_of(code, year) if d.name != "市辖区"}


def test_hangzhou_2020_has_its_13_districts_and_counties() -> None:
    for code, name in HANGZHOU_2020.items():
        division = lookup(code, 2020)
        assert division is not None and division.name == name, code
    assert named_children("330100", 2020) == HANGZHOU_2020


def test_hangzhou_2021_change() -> None:
    for code in ("330103", "330104"):
        division = lookup(code)
        assert division is not None and division.valid_to == 2021
        assert lookup(code, 2022) is None
        assert is_known(code)
    for code in ("330113", "330114"):
        division = lookup(code)
        assert division is not None and division.valid_from == 2021 and division.is_current
        assert lookup(code, 2020) is None
    assert named_children("330100", None) == HANGZHOU_NOW
    assert named_children("330100", 2023) == HANGZHOU_NOW


def test_renamed_code_has_one_row_per_name() -> None:
    assert must(lookup("330206", 1986)).name == "滨海区"
    assert must(lookup("330206", 1987)).name == "北仑区"
    assert must(lookup("330206")).name == "北仑区"
    assert [d.name for d in history("330206")] == ["滨海区", "北仑区"]
    # In the year of a change (Zhejiang's 1982 re-coding) the newer name wins.
    assert must(lookup("332600", 1981)).name == "丽水地区"
    assert must(lookup("332600", 1982)).name == "台州地区"


def test_unknown_codes() -> None:
    assert lookup("999999") is None
    assert not is_known("999999")
    assert not is_known("33010")
    assert province_of("999999") is None
    assert prefecture_of("339999") is None


def test_hierarchy() -> None:
    assert must(province_of("330113")).name == "浙江省"
    assert must(prefecture_of("330113")).name == "杭州市"
    assert must(prefecture_of("330103")).code == "330100"
    assert must(prefecture_of("330100")).code == "330100"
    assert prefecture_of("330000") is None
    # A municipality's districts: the city is the municipality.
    assert must(prefecture_of("110105")).code == "110000"
    assert must(prefecture_of("500229")).code == "500000"
    # A county run directly by its province belongs to no prefecture.
    assert prefecture_of("419001") is None
    assert must(province_of("419001")).name == "河南省"
    # Suzhou and Lianyungang, the other plan cities.
    assert must(prefecture_of("320508")).name == "苏州市"
    assert must(prefecture_of("320703")).name == "连云港市"


def test_prefecture_name_by_year() -> None:
    # 鄂西土家族苗族自治州 was renamed 恩施土家族苗族自治州 in 1993.
    assert must(prefecture_of("422801", 1990)).name == "鄂西土家族苗族自治州"
    assert must(prefecture_of("422801")).name == "恩施土家族苗族自治州"


def test_find_by_name() -> None:
    assert {d.code for d in find_by_name("西湖区")} == {"330106", "360103"}
    assert [d.code for d in find_by_name("西湖区", parent="杭州市")] == ["330106"]
    assert [d.code for d in find_by_name("西湖区", parent="360000")] == ["360103"]
    assert [d.code for d in find_by_name("杭州")] == ["330100"]
    assert [d.code for d in find_by_name("临平区")] == ["330113"]
    assert find_by_name("不存在区") == []
    # A retired name is found too, after the current ones.
    assert [d.code for d in find_by_name("下城区", parent="330100")] == ["330103"]


def test_table_integrity() -> None:
    rows = all_divisions()
    assert len(rows) > 6500
    codes = {d.code for d in rows}
    by_code = defaultdict(list)
    for d in rows:
        assert len(d.code) == 6 and d.code.isdigit(), d
        assert d.name and d.name == d.name.strip(), d
        expected_level = "province" if d.code.endswith("0000") else "prefecture" if d.code.endswith("00") else "county"
        assert d.level == expected_level, d
        if d.level == "province":
            assert d.parent_code is None
        else:
            assert d.parent_code in codes and d.code.startswith(d.parent_code[:2]), d
        if d.valid_from is not None and d.valid_to is not None:
            assert d.valid_from <= d.valid_to, d
        by_code[d.code].append(d)
    for code, names in by_code.items():
        # Names of one code follow each other; they may share only the year of the change.
        ordered = sorted(names, key=lambda d: d.valid_from or 0)
        for earlier, later in pairwise(ordered):
            assert earlier.valid_to is not None and later.valid_from is not None, code
            assert earlier.valid_to <= later.valid_from, code


def test_all_34_province_level_divisions_are_current() -> None:
    provinces = [d for d in all_divisions() if d.level == "province" and d.is_current]
    assert len(provinces) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs


def test_no_traditional_characters_left() -> None:
    text = "".join(d.name for d in all_divisions())
    for character in "達嶺區員會別門":
        assert character not in text
    assert must(lookup("220723")).name == "乾安县"  # not "干安县"


def test_csv_has_the_contract_columns() -> None:
    path = resources.files("renkou.ids.data") / "divisions.csv"
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == ["code", "name", "level", "parent_code", "valid_from", "valid_to"]


@pytest.mark.parametrize("code", ["110105", "330106", "320508", "440305", "650102", "540102"])
def test_common_current_codes(code: str) -> None:
    division = lookup(code)
    assert division is not None and division.is_current
