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

KIND_CODES = {EventKind.ISSUED: 0, EventKind.ENDORSED: 1, EventKind.CANCELLED: 2, EventKind.LEFT: 3, EventKind.DIED: 4}
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


def _split(days: Days) -> tuple[Days, Days, Days]:
    """(months since 1970-01, day of month 1..31, days in that month) of each day number."""
    stamps = days.astype("datetime64[D]")
    months = stamps.astype("datetime64[M]")
    day_of_month = (stamps - months.astype("datetime64[D]")).astype(np.int64) + 1
    return months.astype(np.int64), day_of_month, _month_length(months.astype(np.int64))


def _month_length(months: Days) -> Days:
    start = months.astype("datetime64[M]")
    return ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)


def add_months_array(days: Days, months: Days | int) -> Days:
    """``periods.add_months`` for arrays: the corresponding day, clamped to the month's last day."""
    month_index, day_of_month, _ = _split(days)
    target = month_index + months
    clamped = np.minimum(day_of_month, _month_length(target))
    return target.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + clamped - 1


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
    valid, suspended, cancelled = (STATUS_CODES[s] for s in (Status.VALID, Status.SUSPENDED, Status.CANCELLED))

    def lapse(who: npt.NDArray[np.int64], before: Days) -> None:
        """Suspend valid permits among ``who`` whose window closed before ``before`` (one day per person)."""
        live = who[status[who] == valid]
        if not len(live):
            return
        _, _, due = _window(anchor[live], number[live], rules, table)
        late = due < before[status[who] == valid]
        hit = live[late]
        status[hit] = suspended
        suspended_since[hit] = due[late] + 1

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
        # Issue: a new permit, or a replacement of a live one (the years go on).
        issue = kind == KIND_CODES[EventKind.ISSUED]
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
        if candidate.any():
            asked = who[candidate]
            _, opens, _ = _window(anchor[asked], number[asked], rules, table)
            counted = asked[day[candidate] >= opens]
            number[counted] += 1
            endorsements[counted] += 1
        # Cancellation, leaving the city, death: the permit ends.
        end = ~issue & ~endorse & live
        gone = who[end]
        status[gone], ended_on[gone], suspended_since[gone] = cancelled, day[end], NO_DAY
    everyone = np.arange(holders, dtype=np.int64)
    lapse(everyone, np.full(holders, today, np.int64))
    anniversary = np.full(holders, NO_DAY, np.int64)
    opens = np.full(holders, NO_DAY, np.int64)
    due = np.full(holders, NO_DAY, np.int64)
    provisional = np.zeros(holders, np.bool_)
    held = np.flatnonzero((status == valid) | (status == suspended))
    if len(held):
        anniversary[held], opens[held], due[held] = _window(anchor[held], number[held], rules, table)
        due_years = due[held].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        provisional[held] = ~np.isin(due_years, list(table.covered_years))
    years = np.zeros(holders, np.int64)
    counting = np.flatnonzero(status == valid)
    if len(counting):
        start = anchor[counting]
        start_year = start.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        full = on.year - start_year
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
