"""The permit fold against an independent day-by-day simulation of art. 10 (weekends-only calendar).

The reference walks the calendar one day at a time, keeps the dates of the current count in plain variables and
computes anniversaries with ``date.replace`` (falling back to 28 February), the window's opening by stepping back a
month with ``replace`` (falling back to the month's last day), and the last day by skipping weekends — a different
formulation from :mod:`renkou.permits.periods` and :mod:`renkou.permits.deadlines`.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from permits_helpers import WeekendsOnly, rules

from renkou.permits.lifecycle import EventKind, PermitEvent, Status, permit_state


def _anniversary(anchor: date, years: int) -> date:
    try:
        return anchor.replace(year=anchor.year + years)
    except ValueError:  # 29 February in a common year
        return anchor.replace(year=anchor.year + years, day=28)


def _month_before(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(candidate, day.day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _last_day(anniversary: date) -> date:
    while anniversary.weekday() >= 5:
        anniversary += timedelta(days=1)
    return anniversary


def reference(events: list[PermitEvent], checkpoints: list[date]) -> dict[date, tuple[Status, date | None, int]]:
    """(status, start of the count, completed years) on each checkpoint, by walking day by day once."""
    status, anchor, endorsed_years = Status.NONE, None, 0
    by_day: dict[date, list[PermitEvent]] = {}
    for event in events:
        by_day.setdefault(event.on, []).append(event)
    found: dict[date, tuple[Status, date | None, int]] = {}
    day = min([*by_day, *checkpoints])
    while day <= max(checkpoints):
        if status is Status.VALID and anchor is not None and day > _last_day(_anniversary(anchor, endorsed_years + 1)):
            status = Status.SUSPENDED
        for event in by_day.get(day, []):
            if (event.kind is EventKind.ISSUED and status not in (Status.VALID, Status.SUSPENDED)) or (
                event.kind is EventKind.ENDORSED and status is Status.SUSPENDED
            ):
                status, anchor, endorsed_years = Status.VALID, day, 0
            elif event.kind is EventKind.ENDORSED and status is Status.VALID and anchor is not None:
                if day >= _month_before(_anniversary(anchor, endorsed_years + 1)):
                    endorsed_years += 1
            elif event.kind in (EventKind.CANCELLED, EventKind.LEFT) and status in (Status.VALID, Status.SUSPENDED):
                status = Status.CANCELLED
        if day in checkpoints:
            years = 0
            if status is Status.VALID and anchor is not None:
                while _anniversary(anchor, years + 1) <= day:
                    years += 1
            found[day] = (status, anchor if status is not Status.NONE else None, years)
        day += timedelta(days=1)
    return found


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[PermitEvent], date]:
    start = draw(st.dates(min_value=date(2016, 1, 1), max_value=date(2020, 12, 31)))
    events = [PermitEvent(EventKind.ISSUED, start, "P1", seq=0)]
    day = start
    for seq in range(1, draw(st.integers(min_value=0, max_value=6)) + 1):
        day += timedelta(days=draw(st.integers(min_value=1, max_value=500)))
        kind = draw(st.sampled_from([EventKind.ENDORSED] * 6 + [EventKind.CANCELLED, EventKind.ISSUED, EventKind.LEFT]))
        events.append(PermitEvent(kind, day, "P1", seq=seq))
    on = day + timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    return events, on


@settings(max_examples=300, deadline=None)
@given(timelines())
def test_fold_agrees_with_the_day_by_day_walk(case: tuple[list[PermitEvent], date]) -> None:
    events, on = case
    # Check the final date and a few dates in between, so every stretch of the timeline is compared.
    days = sorted({on, *(event.on for event in events), *(event.on + timedelta(days=400) for event in events)})
    checkpoints = [d for d in days if d <= on]
    expected = reference(events, checkpoints)
    for day in checkpoints:
        state = permit_state(events, day, rules().endorsement, WeekendsOnly())
        assert (state.status, state.counting_from, state.years) == expected[day], day


def test_on_time_every_year_counts_years_from_the_issue() -> None:
    issued = date(2016, 8, 31)
    events = [PermitEvent(EventKind.ISSUED, issued, "P1")]
    # Endorse on each anniversary's window opening: the count never restarts.
    for year in range(1, 8):
        events.append(PermitEvent(EventKind.ENDORSED, _month_before(_anniversary(issued, year)), "P1", seq=year))
    state = permit_state(events, date(2024, 1, 1), rules().endorsement, WeekendsOnly())
    assert (state.status, state.counting_from, state.years, state.endorsements) == (Status.VALID, issued, 7, 7)
