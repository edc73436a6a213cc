"""The working-day calendar: shipped notices vs the chinesecalendar package, coverage, overrides, validation."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from renkou.disclosure.calendar import DayKind, WorkingCalendar
from renkou.disclosure.notices import load_calendar, load_notice, shipped_notice_paths
from renkou.disclosure.text import DisclosureError

NOTICE_2027 = """
year: 2027
kind: annual
number: TEST-2027
title: 测试用2027年通知（虚构，仅供测试）
issued: 2026-11-01
holidays:
  - name: 元旦
    from: 2027-01-01
    days: 1
  - name: 春节
    from: 2027-02-06
    to: 2027-02-13
    days: 8
    work_on: [2027-02-20]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_notices_agree_with_chinesecalendar_every_day_2024_to_2026() -> None:
    # Two independent transcriptions of the State Council notices (ours in YAML, the package's constants) must give
    # the same working day for each of the 1096 days.
    calendar = load_calendar(use_env=False)
    notices_only = WorkingCalendar([load_notice(path) for path in shipped_notice_paths()], use_package=False)
    day = date(2024, 1, 1)
    while day <= date(2026, 12, 31):
        expected = chinese_calendar.is_workday(day)
        assert notices_only.is_working_day(day) is expected, day
        assert calendar.is_working_day(day) is expected, day
        day += timedelta(days=1)
    assert {2024, 2025, 2026} <= notices_only.covered_years


def test_package_data_ends_in_2026_and_2027_is_uncovered() -> None:
    calendar = load_calendar(use_env=False)
    assert calendar.covers(2026)
    assert not calendar.covers(2027)
    assert max(calendar.covered_years) == 2026
    status = calendar.status(date(2027, 1, 1))
    # No data: New Year's Day 2027 (a Friday) is counted as a working day, and flagged provisional.
    assert status.kind is DayKind.WORKDAY and status.provisional


def test_named_days_of_the_2024_spring_festival() -> None:
    calendar = load_calendar(use_env=False)
    # 国办发明电〔2023〕7号: 2月10日至17日放假调休；2月4日（周日）、2月18日（周日）上班；除夕2月9日不是法定假日。
    assert calendar.status(date(2024, 2, 4)).kind is DayKind.MAKEUP_WORKDAY
    assert calendar.status(date(2024, 2, 9)).kind is DayKind.WORKDAY
    holiday = calendar.status(date(2024, 2, 12))
    assert holiday.kind is DayKind.HOLIDAY
    assert holiday.holiday is not None and holiday.holiday.zh == "春节"
    assert calendar.status(date(2024, 2, 18)).kind is DayKind.MAKEUP_WORKDAY
    assert chinese_calendar.is_workday(date(2024, 2, 4)) and chinese_calendar.is_workday(date(2024, 2, 9))
    assert not chinese_calendar.is_workday(date(2024, 2, 12))


def test_add_working_days_does_not_count_the_start_day() -> None:
    calendar = load_calendar(use_env=False)
    # Monday 2024-03-04: day 1 is Tuesday 03-05, day 5 is Monday 03-11 (weekend 9-10 skipped).
    assert calendar.add_working_days(date(2024, 3, 4), 1) == date(2024, 3, 5)
    assert calendar.add_working_days(date(2024, 3, 4), 5) == date(2024, 3, 11)
    assert calendar.add_working_days(date(2024, 3, 4), 0) == date(2024, 3, 4)
    # Starting on a Saturday: the next working day is Monday.
    assert calendar.add_working_days(date(2024, 3, 9), 1) == date(2024, 3, 11)
    assert calendar.count_working_days(date(2024, 3, 4), date(2024, 3, 11)) == 5


def test_an_annual_notice_adds_a_year(tmp_path: Path) -> None:
    calendar = load_calendar([write(tmp_path, "2027.yaml", NOTICE_2027)], use_env=False)
    assert calendar.covers(2027)
    assert calendar.source_of(2027) == "TEST-2027"
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.status(date(2027, 2, 20)).kind is DayKind.MAKEUP_WORKDAY
    assert not calendar.status(date(2027, 2, 8)).working


def test_an_annual_notice_replaces_the_package_year(tmp_path: Path) -> None:
    # A (fictitious) corrected 2025 notice with only New Year's Day: the package's Spring Festival 2025 disappears.
    text = "year: 2025\ntitle: 测试更正\nissued: 2025-06-01\nholidays:\n  - {name: 元旦, from: 2025-01-01}\n"
    calendar = load_calendar([write(tmp_path, "fix.yaml", text)], use_env=False)
    assert calendar.is_working_day(date(2025, 1, 28))
    assert not calendar.is_working_day(date(2025, 1, 1))
    assert not calendar.is_working_day(date(2025, 1, 26))  # the make-up Sunday is a plain Sunday again


def test_a_supplement_overrides_single_days_only(tmp_path: Path) -> None:
    # Like 国办发明电〔2020〕1号 (Spring Festival 2020 extended): one day changed, the rest of the year kept.
    text = (
        "year: 2025\nkind: supplement\ntitle: 测试补充通知\nissued: 2025-02-01\n"
        "holidays:\n  - {name: 春节, from: 2025-02-05, to: 2025-02-05}\n"
    )
    calendar = load_calendar([write(tmp_path, "supp.yaml", text)], use_env=False)
    assert not calendar.is_working_day(date(2025, 2, 5))
    assert not calendar.is_working_day(date(2025, 1, 28))
    assert calendar.is_working_day(date(2025, 2, 8))  # make-up Saturday still in force


def test_environment_variable_adds_notices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKOU_HOLIDAY_NOTICES", str(tmp_path))
    write(tmp_path, "2027.yaml", NOTICE_2027)
    assert load_calendar().covers(2027)
    assert not load_calendar(use_env=False).covers(2027)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("    days: 7\n", ["holidays.1", "days"]),
        ("    work_on: [2027-02-17]\n", ["2027-02-17", "Saturday or Sunday"]),
    ],
)
def test_bad_notice_names_file_key_and_value(tmp_path: Path, body: str, words: list[str]) -> None:
    text = NOTICE_2027.replace("    days: 8\n    work_on: [2027-02-20]\n", body)
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(DisclosureError) as caught:
        load_notice(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message


def test_notice_dates_outside_its_year_and_unknown_keys_are_rejected(tmp_path: Path) -> None:
    outside = NOTICE_2027.replace("from: 2027-01-01", "from: 2028-01-01")
    with pytest.raises(DisclosureError, match="outside the notice's year 2027"):
        load_notice(write(tmp_path, "a.yaml", outside))
    typo = NOTICE_2027.replace("issued:", "isued:")
    with pytest.raises(DisclosureError, match="isued"):
        load_notice(write(tmp_path, "b.yaml", typo))
    with pytest.raises(DisclosureError, match="not valid YAML"):
        load_notice(write(tmp_path, "c.yaml", "year: [2027\n"))
