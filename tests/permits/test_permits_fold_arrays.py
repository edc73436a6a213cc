"""The vectorised fold (all holders at once) against the scalar fold (one person at a time), on the real calendar."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from permits_helpers import calendar, rules

from renkou.permits.fold_arrays import (
    KIND_CODES,
    NO_DAY,
    STATUS_OF_CODE,
    add_months_array,
    civil_from_days,
    day_number,
    days_from_civil,
    fold_all,
    from_day_number,
)
from renkou.permits.lifecycle import EventKind, PermitEvent, Status, permit_state
from renkou.permits.periods import add_months

KINDS = [EventKind.ENDORSED] * 6 + [EventKind.CANCELLED, EventKind.ISSUED, EventKind.LEFT, EventKind.DIED]
# The events that only note a step, and replacements, mixed in too.
KINDS += [EventKind.APPLIED, EventKind.SUSPENDED, EventKind.RESTORED, EventKind.REPLACED, EventKind.REPLACED]


@st.composite
def person(draw: st.DrawFn) -> list[PermitEvent]:
    day = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2021, 12, 31)))
    events = [PermitEvent(EventKind.ISSUED, day, "P0", seq=0)]
    for seq in range(1, draw(st.integers(min_value=0, max_value=6)) + 1):
        day += timedelta(days=draw(st.integers(min_value=0, max_value=420)))
        kind = draw(st.sampled_from(KINDS))
        replaces = kind in (EventKind.ISSUED, EventKind.REPLACED)
        permit_no = draw(st.sampled_from([None, f"P{seq}"])) if replaces else None
        events.append(PermitEvent(kind, day, permit_no, seq=seq))
    return events


def _day(value: int) -> date | None:
    return None if value == NO_DAY else from_day_number(value)


@settings(max_examples=60, deadline=None)
@given(st.lists(person(), min_size=1, max_size=25), st.integers(min_value=0, max_value=2000))
def test_vectorised_fold_agrees_with_the_scalar_fold(people: list[list[PermitEvent]], offset: int) -> None:
    on = date(2016, 6, 1) + timedelta(days=offset)
    rows = [
        (i, e) for i, events in enumerate(people) for e in sorted(events, key=lambda e: (e.on, e.seq)) if e.on <= on
    ]
    holder = np.array([i for i, _ in rows], np.int64)
    folded = fold_all(
        holder,
        np.array([KIND_CODES[e.kind] for _, e in rows], np.int8),
        np.array([day_number(e.on) for _, e in rows], np.int64),
        np.array([e.permit_no is not None for _, e in rows], np.bool_),
        len(people),
        on,
        rules().endorsement,
        calendar(),
    )
    for i, events in enumerate(people):
        expected = permit_state(events, on, rules().endorsement, calendar())
        status = STATUS_OF_CODE[int(folded.status[i])]
        position = int(folded.permit_event[i])
        got_permit = rows[position][1].permit_no if position >= 0 else None
        assert status is expected.status, (i, events)
        assert got_permit == expected.permit_no
        assert int(folded.years[i]) == expected.years
        assert _day(int(folded.suspended_since[i])) == expected.suspended_since
        assert _day(int(folded.ended_on[i])) == expected.ended_on
        assert int(folded.endorsements[i]) == expected.endorsements
        if status is not Status.NONE:
            assert _day(int(folded.anchor[i])) == expected.counting_from
            assert _day(int(folded.issued_on[i])) == expected.issued_on
        if expected.window is not None:
            window = expected.window
            got = (_day(int(folded.anniversary[i])), _day(int(folded.opens[i])), _day(int(folded.due[i])))
            assert got == (window.anniversary, window.opens, window.due)
            assert bool(folded.provisional[i]) == window.provisional


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), st.integers(min_value=-30, max_value=30))
def test_month_arithmetic_matches_the_scalar_rule(day: date, months: int) -> None:
    got = add_months_array(np.array([day_number(day)], np.int64), months)
    assert from_day_number(int(got[0])) == add_months(day, months)


def test_civil_dates_agree_with_the_standard_library_for_two_centuries() -> None:
    first, last = day_number(date(1900, 1, 1)), day_number(date(2100, 12, 31))
    numbers = np.arange(first, last + 1, dtype=np.int64)
    year, month, day = civil_from_days(numbers)
    expected = [from_day_number(int(n)) for n in numbers]
    assert year.tolist() == [d.year for d in expected]
    assert month.tolist() == [d.month for d in expected]
    assert day.tolist() == [d.day for d in expected]
    assert days_from_civil(year, month, day).tolist() == numbers.tolist()
