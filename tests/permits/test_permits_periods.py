"""Periods of years and months by the Civil Code's corresponding-day rule, checked by hand and by day counting."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from renkou.permits.periods import add_months, add_years, completed_months, completed_years


def test_corresponding_day_and_month_end() -> None:
    assert add_years(date(2019, 3, 10), 1) == date(2020, 3, 10)
    # 29 February has no corresponding day in a common year: the month's last day (Civil Code art. 202).
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert add_months(date(2021, 3, 31), -1) == date(2021, 2, 28)
    assert add_months(date(2020, 3, 31), -1) == date(2020, 2, 29)
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2021, 12, 15), 1) == date(2022, 1, 15)
    assert add_months(date(2022, 1, 15), -1) == date(2021, 12, 15)


def test_completed_years_turn_on_the_anniversary() -> None:
    assert completed_years(date(2019, 3, 10), date(2020, 3, 9)) == 0
    assert completed_years(date(2019, 3, 10), date(2020, 3, 10)) == 1
    assert completed_years(date(2020, 2, 29), date(2021, 2, 27)) == 0
    assert completed_years(date(2020, 2, 29), date(2021, 2, 28)) == 1
    assert completed_years(date(2019, 3, 10), date(2018, 1, 1)) == 0
    assert completed_months(date(2019, 1, 31), date(2019, 2, 28)) == 1
    assert completed_months(date(2019, 1, 5), date(2019, 7, 4)) == 5
    assert completed_months(date(2019, 1, 5), date(2019, 7, 5)) == 6


def _anniversaries_by_walking(start: date, on: date) -> int:
    """Count anniversaries passed by walking day by day (an independent reading of the month-end rule)."""
    count, day = 0, start + timedelta(days=1)
    while day <= on:
        same_day = (day.month, day.day) == (start.month, start.day)
        leap_start = (start.month, start.day) == (2, 29)
        common_year_feb28 = (day.month, day.day) == (2, 28) and (day + timedelta(days=1)).month == 3
        count += same_day or (leap_start and common_year_feb28)
        day += timedelta(days=1)
    return count


@given(
    st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 12, 31)),
    st.integers(min_value=0, max_value=4 * 366),
)
def test_completed_years_equals_anniversaries_walked(start: date, length: int) -> None:
    on = start + timedelta(days=length)
    assert completed_years(start, on) == _anniversaries_by_walking(start, on)
