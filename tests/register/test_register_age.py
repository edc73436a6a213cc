"""Completed age in SQL (``age_sql``) against the calendar rule computed in Python, for every birth day of 130 years."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from renkou.register.population import age_sql

ON_DATES = [
    date(2019, 2, 28),  # common year: one born on 29 February is not a year older yet
    date(2019, 3, 1),
    date(2020, 2, 28),
    date(2020, 2, 29),
    date(2020, 3, 1),
    date(2020, 12, 31),
    date(2021, 1, 1),
    date(2021, 2, 28),
    date(2100, 2, 28),  # 2100 is not a leap year
    date(2016, 6, 30),
]


def completed_years(birth: date, on: date) -> int:
    """Whole years from ``birth`` to ``on``: the birthday counts from its month and day (29 February -> 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@pytest.mark.parametrize("on", ON_DATES, ids=str)
def test_age_sql_agrees_with_the_calendar_rule_for_every_birth_day(on: date) -> None:
    connection = duckdb.connect()
    first = date(1900, 1, 1)
    connection.execute(
        "CREATE TABLE people AS SELECT CAST(d AS DATE) AS birth_date "
        f"FROM range(DATE '{first}', DATE '{on}' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)"
    )
    rows = connection.execute(f"SELECT birth_date, {age_sql(on, 'birth_date')} FROM people").fetchall()
    assert len(rows) == (on - first).days + 1
    wrong = [(birth, age) for birth, age in rows if age != completed_years(birth, on)]
    assert wrong == []


def test_a_leap_day_birth_turns_a_year_older_on_1_march_in_common_years() -> None:
    connection = duckdb.connect()
    born = date(2000, 2, 29)
    ages = [
        connection.execute(f"SELECT {age_sql(on, 'b')} FROM (SELECT DATE '{born}' AS b)").fetchone()[0]  # type: ignore[index]
        for on in (date(2001, 2, 28), date(2001, 3, 1), date(2004, 2, 28), date(2004, 2, 29))
    ]
    assert ages == [0, 1, 3, 4]


def test_the_day_before_a_birthday_is_still_the_younger_age() -> None:
    connection = duckdb.connect()
    on = date(2020, 12, 31)
    birth = on.replace(year=1990) + timedelta(days=1)  # 1 January 1991
    age = connection.execute(f"SELECT {age_sql(on, 'b')} FROM (SELECT DATE '{birth}' AS b)").fetchone()[0]  # type: ignore[index]
    assert age == 29
