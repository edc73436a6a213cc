"""Issue and endorsement deadlines, hand-counted on the official calendar (holidays and make-up working days)."""

from __future__ import annotations

from datetime import date

from permits_helpers import calendar, rules

from renkou.permits.deadlines import endorsement_window, issue_deadline, reminder_date, working_days_before
from renkou.permits.rules import IssueRules


def test_issue_deadline_moves_off_a_weekend() -> None:
    # Accepted Friday 2019-07-05: day 15 is Saturday 07-20 -> Monday 07-22; day 30 is Sunday 08-04 -> Monday 08-05.
    found = issue_deadline(date(2019, 7, 5), rules().issue, calendar())
    assert (found.due, found.latest, found.provisional) == (date(2019, 7, 22), date(2019, 8, 5), False)


def test_issue_deadline_over_spring_festival_lands_on_a_makeup_sunday() -> None:
    # 2024: Spring Festival off 02-10..02-17, Sunday 02-18 is a working day (国办发明电〔2023〕7号).
    # Accepted 2024-01-26: day 15 is 02-10 (holiday) -> 02-18 (make-up Sunday); day 30 is Sunday 02-25 -> 02-26.
    found = issue_deadline(date(2024, 1, 26), rules().issue, calendar())
    assert (found.due, found.latest) == (date(2024, 2, 18), date(2024, 2, 26))


def test_issue_deadline_in_working_days_when_local_rules_say_so() -> None:
    working = IssueRules(days=15, max_days=30, day_kind="working")
    # From Monday 2024-02-05, counting working days: 02-06..02-09 (4), 02-18 Sunday make-up (5), 02-19..02-23 (10),
    # 02-26..03-01 (15).
    found = issue_deadline(date(2024, 2, 5), working, calendar())
    assert found.due == date(2024, 3, 1)


def test_endorsement_window_over_national_day_2023() -> None:
    # Issued Friday 2022-09-30: the first year is full on Saturday 2023-09-30, inside the 09-29..10-06 holiday;
    # Saturday 10-07 is a make-up working day, so the last day is 2023-10-07. The window opens a month before.
    window = endorsement_window(date(2022, 9, 30), 1, rules().endorsement, calendar())
    assert (window.anniversary, window.opens, window.due) == (date(2023, 9, 30), date(2023, 8, 30), date(2023, 10, 7))
    assert window.contains(date(2023, 10, 7)) and not window.contains(date(2023, 10, 8))
    assert not window.contains(date(2023, 8, 29))


def test_endorsement_window_of_a_leap_day_issue() -> None:
    # Issued 2020-02-29: full year on 2021-02-28 (a Sunday) -> Monday 2021-03-01; opens 2021-01-28.
    window = endorsement_window(date(2020, 2, 29), 1, rules().endorsement, calendar())
    assert (window.anniversary, window.opens, window.due) == (date(2021, 2, 28), date(2021, 1, 28), date(2021, 3, 1))


def test_reminder_ten_working_days_before_the_last_day() -> None:
    # Counting back from 2023-10-07 over the holiday and a weekend: 09-28, 27, 26, 25, 22, 21, 20, 19, 18, 15.
    window = endorsement_window(date(2022, 9, 30), 1, rules().endorsement, calendar())
    assert reminder_date(window, rules().endorsement, calendar()) == date(2023, 9, 15)
    assert working_days_before(date(2023, 10, 7), 1, calendar()) == date(2023, 9, 28)
    assert working_days_before(date(2023, 10, 7), 0, calendar()) == date(2023, 10, 7)


def test_years_without_a_holiday_notice_are_provisional() -> None:
    window = endorsement_window(date(2029, 5, 6), 1, rules().endorsement, calendar())
    assert window.provisional
    assert not endorsement_window(date(2023, 5, 6), 1, rules().endorsement, calendar()).provisional
