"""Permit deadlines: the issue period after acceptance (art. 9) and the yearly endorsement window (art. 10).

Periods in days start the day after the event (Civil Code art. 201: the first day is not counted); a period of years
ends on the corresponding day (see :mod:`renkou.permits.periods`). When the rules say so, a last day that falls on a
weekend or public holiday moves to the next working day (Civil Code art. 203), since the office is closed. Working
days come from :class:`renkou.disclosure.calendar.WorkingCalendar` (chinesecalendar plus the State Council's holiday
notices); any result that depends on a year without an official holiday notice is flagged provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from renkou.permits.periods import add_months, add_years
from renkou.permits.rules import EndorsementRules, IssueRules

_ONE_DAY = timedelta(days=1)
_MAX_SCAN_DAYS = 3 * 366


class Calendar(Protocol):
    """What the deadlines need from the working calendar (``WorkingCalendar`` provides it)."""

    def is_working_day(self, day: date) -> bool:
        """True on an official working day."""
        ...

    def covers(self, year: int) -> bool:
        """True when the year's official holidays are known."""
        ...

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` not counted)."""
        ...


def roll_forward(day: date, calendar: Calendar) -> date:
    """``day`` itself on a working day, otherwise the next working day."""
    current = day
    for _ in range(_MAX_SCAN_DAYS):
        if calendar.is_working_day(current):
            return current
        current += _ONE_DAY
    raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days of {day}")


def working_days_before(day: date, count: int, calendar: Calendar) -> date:
    """The ``count``-th working day before ``day`` (``day`` not counted; 0 gives ``day``)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    current, found = day, 0
    for _ in range(_MAX_SCAN_DAYS):
        if found == count:
            return current
        current -= _ONE_DAY
        found += calendar.is_working_day(current)
    raise ValueError(f"{count} working days before {day} is out of range")


def _provisional(calendar: Calendar, *days: date) -> bool:
    return any(not calendar.covers(day.year) for day in days)


@dataclass(frozen=True)
class IssueDeadline:
    """When a permit accepted on ``accepted`` must be issued (art. 9)."""

    accepted: date
    due: date  # the ordinary limit (15 days)
    latest: date  # the limit a city's measures may extend to (30 days at most)
    provisional: bool


def issue_deadline(accepted: date, rules: IssueRules, calendar: Calendar) -> IssueDeadline:
    """The issue limits after acceptance, in calendar or working days as the rules say."""

    def limit(days: int) -> date:
        if rules.day_kind == "working":
            return calendar.add_working_days(accepted, days)
        end = accepted + timedelta(days=days)
        return roll_forward(end, calendar) if rules.roll_to_working_day else end

    due, latest = limit(rules.days), limit(rules.max_days)
    return IssueDeadline(accepted, due, latest, _provisional(calendar, accepted, latest))


@dataclass(frozen=True)
class EndorsementWindow:
    """The window of the ``number``-th yearly endorsement of a permit counted from ``anchor``."""

    anchor: date  # the issue date, or the date of the last late endorsement
    number: int  # 1 for the first full year after the anchor
    anniversary: date  # the day the year is full (居住每满1年之日)
    opens: date  # the first day an endorsement counts (one month before the anniversary)
    due: date  # the last day: the anniversary, moved to the next working day when the rules say so
    provisional: bool

    def contains(self, day: date) -> bool:
        """True when an endorsement on ``day`` is on time."""
        return self.opens <= day <= self.due


def endorsement_window(anchor: date, number: int, rules: EndorsementRules, calendar: Calendar) -> EndorsementWindow:
    """The window for the full year ``number`` (1, 2, ...) after ``anchor``."""
    if number < 1:
        raise ValueError("number must be >= 1")
    anniversary = add_years(anchor, number)
    opens = add_months(anniversary, -rules.window_months)
    due = roll_forward(anniversary, calendar) if rules.roll_to_working_day else anniversary
    return EndorsementWindow(anchor, number, anniversary, opens, due, not calendar.covers(due.year))


def reminder_date(window: EndorsementWindow, rules: EndorsementRules, calendar: Calendar) -> date:
    """When the endorsement reminder goes out: N working days before the last day, never before the window opens."""
    return max(window.opens, working_days_before(window.due, rules.reminder_working_days, calendar))
