"""The permit fold of :mod:`renkou.permits.lifecycle`, vectorised over many holders with NumPy (for district lists).

Same rules, different shape: instead of replaying one person's events, round k applies every holder's k-th event
at once (a person has a handful of permit events, so there are few rounds). Dates are day numbers since 1970-01-01;
anniversaries use the month-end rule; the last day of a window moves to the next working day through a lookup table
built from the working calendar. The scalar fold stays the reference: the tests check the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from renkou.permits.deadlines import Calendar
from renkou.permits.lifecycle import EventKind, Status
from renkou.permits.rules import EndorsementRules

KIND_CODES = {
    EventKind.ISSUED: 0,
    EventKind.ENDORSED: 1,
    EventKind.CANCELLED: 2,
    EventKind.LEFT: 3,
    EventKind.DIED: 4,
    EventKind.APPLIED: 5,
    EventKind.SUSPENDED: 6,
    EventKind.RESTORED: 7,
    EventKind.REPLACED: 8,
}
_ENDING_CODES = [KIND_CODES[kind] for kind in (EventKind.CANCELLED, EventKind.LEFT, EventKind.DIED)]
STATUS_CODES = {Status.NONE: 0, Status.VALID: 1, Status.SUSPENDED: 2, Status.CANCELLED: 3}
STATUS_OF_CODE = {code: status for status, code in STATUS_CODES.items()}
_EPOCH = date(1970, 1, 1)
NO_DAY = np.iinfo(np.int64).min  # "no date" in the day-number arrays

Days = npt.NDArray[np.int64]


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - _EPOCH).days


def from_day_number(number: int) -> date:
    """The date of a day number."""
    return _EPOCH + timedelta(days=int(number))


# Civil dates from day numbers and back by integer arithmetic (H. Hinnant's algorithms, proleptic Gregorian): many
# times faster than NumPy's datetime64 month conversions, which dominated the fold.
_DAYS_0000_03_01_TO_EPOCH = 719468
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


def civil_from_days(days: Days) -> tuple[Days, Days, Days]:
    """(year, month 1-12, day 1-31) of each day number."""
    z = days + _DAYS_0000_03_01_TO_EPOCH
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def days_from_civil(year: Days, month: Days, day: Days) -> Days:
    """The day number of each (year, month, day)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(month > 2, month - 3, month + 9)
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    result: Days = era * 146097 + doe - _DAYS_0000_03_01_TO_EPOCH
    return result


def _month_length(year: Days, month: Days) -> Days:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _MONTH_DAYS[month - 1] + (leap & (month == 2))


def add_months_array(days: Days, months: Days | int) -> Days:
    """``periods.add_months`` for arrays: the corresponding day, clamped to the month's last day."""
    year, month, day = civil_from_days(days)
    index = year * 12 + (month - 1) + months
    new_year, new_month = index // 12, index % 12 + 1
    return days_from_civil(new_year, new_month, np.minimum(day, _month_length(new_year, new_month)))


@dataclass(frozen=True)
class WorkingTable:
    """For each day of a span: the day itself if it is a working day, else the next working day."""

    first: int  # day number of the first day in the table
    next_working: Days
    covered_years: frozenset[int]

    @classmethod
    def build(cls, first: date, last: date, calendar: Calendar) -> WorkingTable:
        """Tabulate ``calendar`` from ``first`` to ``last`` (plus slack so a roll near the end stays inside)."""
        span = (last - first).days + 60
        working = np.array([calendar.is_working_day(first + timedelta(days=i)) for i in range(span)])
        index = np.where(working, np.arange(span), span)
        following = np.minimum.accumulate(index[::-1])[::-1]
        years = frozenset(y for y in range(first.year, last.year + 2) if calendar.covers(y))
        return cls(day_number(first), following.astype(np.int64) + day_number(first), years)

    def roll(self, days: Days) -> Days:
        """The day itself on a working day, else the next working day."""
        offsets = days - self.first
        if len(offsets) and (offsets.min() < 0 or offsets.max() >= len(self.next_working)):
            raise ValueError("a date is outside the working-day table")
        return self.next_working[offsets]


@dataclass
class Folded:
    """Every holder's permit on one date, as arrays (NO_DAY where a date does not apply)."""

    on: int
    status: npt.NDArray[np.int8]
    issued_on: Days
    anchor: Days  # start of the continuous years (counting_from)
    number: Days  # full years endorsed since the anchor
    suspended_since: Days
    ended_on: Days
    endorsements: Days
    permit_event: Days  # position (in the input arrays) of the event whose permit number is current; -1 for none
    anniversary: Days  # of the expected endorsement (NO_DAY when no live permit)
    opens: Days
    due: Days
    provisional: npt.NDArray[np.bool_]
    years: Days


def _window(anchor: Days, endorsed: Days, rules: EndorsementRules, table: WorkingTable) -> tuple[Days, Days, Days]:
    """(anniversary, opening, last day) of the endorsement expected after ``endorsed`` years since ``anchor``."""
    anniversary = add_months_array(anchor, 12 * (endorsed + 1))
    opens = add_months_array(anniversary, -rules.window_months)
    due = table.roll(anniversary) if rules.roll_to_working_day else anniversary
    return anniversary, opens, due


def fold_all(
    holder: npt.NDArray[np.int64],
    kinds: npt.NDArray[np.int8],
    days: Days,
    has_permit_no: npt.NDArray[np.bool_],
    holders: int,
    on: date,
    rules: EndorsementRules,
    calendar: Calendar,
) -> Folded:
    """Fold the events (sorted by holder, then date and register order) of ``holders`` persons as of ``on``.

    Events after ``on`` must already be left out. ``holder`` gives each event's person (0..holders-1).
    """
    today = day_number(on)
    first_day = int(days.min()) if len(days) else today
    table = WorkingTable.build(from_day_number(first_day) - timedelta(days=40), on + timedelta(days=800), calendar)
    status = np.zeros(holders, np.int8)
    issued_on = np.full(holders, NO_DAY, np.int64)
    anchor = np.full(holders, NO_DAY, np.int64)
    number = np.zeros(holders, np.int64)
    suspended_since = np.full(holders, NO_DAY, np.int64)
    ended_on = np.full(holders, NO_DAY, np.int64)
    endorsements = np.zeros(holders, np.int64)
    permit_event = np.full(holders, -1, np.int64)
    # The window expected next, kept up to date: recomputed only for holders whose anchor or count changed.
    anniversary = np.full(holders, NO_DAY, np.int64)
    opens = np.full(holders, NO_DAY, np.int64)
    due = np.full(holders, NO_DAY, np.int64)
    valid, suspended, cancelled = (STATUS_CODES[s] for s in (Status.VALID, Status.SUSPENDED, Status.CANCELLED))

    def refresh(who: npt.NDArray[np.int64]) -> None:
        if len(who):
            anniversary[who], opens[who], due[who] = _window(anchor[who], number[who], rules, table)

    def lapse(who: npt.NDArray[np.int64], before: Days) -> None:
        """Suspend valid permits among ``who`` whose window closed before ``before`` (one day per person)."""
        is_valid = status[who] == valid
        live = who[is_valid]
        late = due[live] < before[is_valid]
        hit = live[late]
        status[hit] = suspended
        suspended_since[hit] = due[hit] + 1

    # Position of each event within its holder's run: round k takes the events at position k.
    starts = np.flatnonzero(np.r_[True, holder[1:] != holder[:-1]]) if len(holder) else np.array([], np.int64)
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(holder)]))
    position = np.arange(len(holder)) - run_start
    for k in range(int(position.max()) + 1 if len(position) else 0):
        rows = np.flatnonzero(position == k)
        who, kind, day = holder[rows], kinds[rows], days[rows]
        lapse(who, day)
        current = status[who]
        live = (current == valid) | (current == suspended)
        # Issue: a new permit, or a replacement of a live one (the years go on). A recorded replacement of a live
        # permit is the same; of no live permit it counts for nothing (as do the events that only note a step).
        issue = (kind == KIND_CODES[EventKind.ISSUED]) | ((kind == KIND_CODES[EventKind.REPLACED]) & live)
        new = issue & ~live
        fresh = who[new]
        status[fresh], issued_on[fresh], anchor[fresh] = valid, day[new], day[new]
        number[fresh], endorsements[fresh] = 0, 0
        suspended_since[fresh], ended_on[fresh] = NO_DAY, NO_DAY
        permit_event[fresh] = rows[new]
        replace = issue & live & has_permit_no[rows]
        permit_event[who[replace]] = rows[replace]
        # Endorsement: late restores and restarts; on time counts a year; too early or without a permit, nothing.
        endorse = kind == KIND_CODES[EventKind.ENDORSED]
        restart = endorse & (current == suspended)
        back = who[restart]
        status[back], anchor[back], number[back], suspended_since[back] = valid, day[restart], 0, NO_DAY
        endorsements[back] += 1
        candidate = endorse & (current == valid)
        asked = who[candidate]
        counted = asked[day[candidate] >= opens[asked]]
        number[counted] += 1
        endorsements[counted] += 1
        refresh(np.concatenate([fresh, back, counted]))
        # Cancellation, leaving the city, death: the permit ends.
        end = np.isin(kind, _ENDING_CODES) & live
        gone = who[end]
        status[gone], ended_on[gone], suspended_since[gone] = cancelled, day[end], NO_DAY
    everyone = np.arange(holders, dtype=np.int64)
    lapse(everyone, np.full(holders, today, np.int64))
    provisional = np.zeros(holders, np.bool_)
    gone = (status != valid) & (status != suspended)  # no window is expected of these
    anniversary[gone], opens[gone], due[gone] = NO_DAY, NO_DAY, NO_DAY
    held = np.flatnonzero(~gone)
    if len(held):
        provisional[held] = ~np.isin(civil_from_days(due[held])[0], list(table.covered_years))
    years = np.zeros(holders, np.int64)
    counting = np.flatnonzero(status == valid)
    if len(counting):
        start = anchor[counting]
        full = on.year - civil_from_days(start)[0]
        years[counting] = full - (add_months_array(start, 12 * full) > today)
    return Folded(
        today,
        status,
        issued_on,
        anchor,
        number,
        suspended_since,
        ended_on,
        endorsements,
        permit_event,
        anniversary,
        opens,
        due,
        provisional,
        years,
    )
