"""China's official working-day calendar: the chinesecalendar package merged with holiday notices.

The State Council announces each year's public holidays and make-up working weekends (调休) in a notice, usually in
November of the year before. The chinesecalendar package carries those notices up to the latest year it knows of;
the officer can add a year (or correct one) with a notice of their own (see :mod:`renkou.disclosure.notices`).

Merging rules:
- an *annual* notice for year Y replaces the package's data for Y and makes Y covered;
- a *supplementary* notice (e.g. the 2020 extension of the Spring Festival) overrides single dates only;
- later-issued notices win over earlier ones.

A year with neither package data nor an annual notice is counted with weekends only, and every result that depends
on such a year is flagged provisional: the true date can only move later once the holidays are known.
This module is pure: it takes notices as objects and never reads files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from renkou.disclosure.text import Text

_ONE_DAY = timedelta(days=1)
# A working-day count never needs more than a few hundred calendar days; this bound turns a wrong call
# (say a count of a million) into a clear error instead of a hang.
_MAX_SCAN_DAYS = 3 * 366


@dataclass(frozen=True)
class HolidayNotice:
    """One State Council holiday notice (or the officer's transcription of it).

    ``holidays`` maps each day off to its holiday's name; ``workdays`` maps each make-up working day (a weekend day
    declared a working day) to the holiday it pays for.
    """

    year: int
    number: str
    title: str
    issued: date
    holidays: Mapping[date, Text]
    workdays: Mapping[date, Text]
    supplement: bool = False
    source: str = ""

    @property
    def label(self) -> str:
        """Short reference used in explanations: the document number, or the title when there is none."""
        return self.number or self.title


class DayKind(StrEnum):
    """What a day is on the official calendar."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


@dataclass(frozen=True)
class DayStatus:
    """One day's status and where it comes from."""

    day: date
    kind: DayKind
    holiday: Text | None
    source: str
    provisional: bool

    @property
    def working(self) -> bool:
        """True on a working day (an ordinary weekday or a make-up working day)."""
        return self.kind in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


@dataclass(frozen=True)
class _Entry:
    working: bool
    holiday: Text
    source: str


@dataclass
class _Table:
    entries: dict[date, _Entry] = field(default_factory=dict)
    covered: set[int] = field(default_factory=set)
    sources: dict[int, str] = field(default_factory=dict)


def _package_table() -> _Table:
    """The chinesecalendar package's data as a table of special days."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    source = f"chinesecalendar {chinese_calendar.__version__}"
    names = {member.value: Text(member.chinese, member.value) for member in Holiday}
    table = _Table()
    for day, name in chinese_calendar.holidays.items():
        table.entries[day] = _Entry(False, names.get(name, Text(name, name)), source)
    for day, name in chinese_calendar.workdays.items():
        table.entries[day] = _Entry(True, names.get(name, Text(name, name)), source)
    years = [day.year for day in chinese_calendar.holidays]
    for year in range(min(years), max(years) + 1):
        table.covered.add(year)
        table.sources[year] = source
    return table


class WorkingCalendar:
    """Working days on China's official calendar, with a flag for years that have no data yet."""

    def __init__(self, notices: Iterable[HolidayNotice] = (), *, use_package: bool = True) -> None:
        table = _package_table() if use_package else _Table()
        ordered = sorted(notices, key=lambda notice: (notice.supplement, notice.issued, notice.year))
        for notice in ordered:
            if not notice.supplement:
                # An annual notice is the whole truth for its year: drop what the package said about that year.
                for day in [day for day in table.entries if day.year == notice.year]:
                    del table.entries[day]
                table.covered.add(notice.year)
                table.sources[notice.year] = notice.label
            for day, name in notice.holidays.items():
                table.entries[day] = _Entry(False, name, notice.label)
            for day, name in notice.workdays.items():
                table.entries[day] = _Entry(True, name, notice.label)
        self._entries = table.entries
        self._covered = frozenset(table.covered)
        self._sources = dict(table.sources)

    @property
    def covered_years(self) -> frozenset[int]:
        """Years with official data (package or annual notice)."""
        return self._covered

    def covers(self, year: int) -> bool:
        """True when the year's official holidays are known."""
        return year in self._covered

    def source_of(self, year: int) -> str | None:
        """Where the year's data comes from (package version or notice number), None when uncovered."""
        return self._sources.get(year)

    def status(self, day: date) -> DayStatus:
        """The day's kind, holiday name and source."""
        covered = day.year in self._covered
        entry = self._entries.get(day)
        if entry is not None:
            kind = DayKind.MAKEUP_WORKDAY if entry.working else DayKind.HOLIDAY
            # A make-up working day on a weekday would just be a weekday; only call it make-up on a weekend.
            if entry.working and day.weekday() < 5:
                kind = DayKind.WORKDAY
            return DayStatus(day, kind, entry.holiday, entry.source, provisional=not covered)
        kind = DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND
        source = self._sources.get(day.year, "weekends only / 仅按周末")
        return DayStatus(day, kind, None, source, provisional=not covered)

    def is_working_day(self, day: date) -> bool:
        """True on an official working day (weekends only for an uncovered year)."""
        entry = self._entries.get(day)
        if entry is not None:
            return entry.working
        return day.weekday() < 5

    def working_days_after(self, start: date) -> Iterator[date]:
        """Working days strictly after ``start``, in order (the start day itself is never counted)."""
        day = start
        for _ in range(_MAX_SCAN_DAYS):
            day += _ONE_DAY
            if self.is_working_day(day):
                yield day
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {start}")

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` not counted; ``count`` 0 gives ``start``)."""
        if count < 0:
            raise ValueError("count must be >= 0")
        if count == 0:
            return start
        for number, day in enumerate(self.working_days_after(start), start=1):
            if number == count:
                return day
        raise AssertionError("unreachable: working_days_after is unbounded until its scan limit")

    def count_working_days(self, after: date, through: date) -> int:
        """Working days in the interval (``after``, ``through``]."""
        count = 0
        day = after + _ONE_DAY
        while day <= through:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """Years between two dates (inclusive) without official data."""
        return [year for year in range(first.year, last.year + 1) if year not in self._covered]


def provisional_warning(years: Iterable[int]) -> Text:
    """The bilingual warning shown when a result depends on years without an official holiday notice."""
    listed = "、".join(str(year) for year in sorted(set(years)))
    listed_en = ", ".join(str(year) for year in sorted(set(years)))
    return Text(
        f"{listed}年尚无国务院节假日安排数据，该年按仅周末休息计算，结果为暂定；公布后请录入该年通知（YAML）再核对",
        f"no official holiday calendar for {listed_en} yet: counted with weekends only, so the date is provisional; "
        "enter the year's State Council notice (YAML) when it is published and check again",
    )
