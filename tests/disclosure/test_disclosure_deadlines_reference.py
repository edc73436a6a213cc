"""compute_deadlines against an independent day-by-day count on chinesecalendar's own ``is_workday``."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from renkou.disclosure.deadlines import compute_deadlines
from renkou.disclosure.events import ConsultationEnded, ConsultationStarted, Event, ExtensionApproved, Received
from renkou.disclosure.notices import load_calendar
from renkou.disclosure.receipt import Channel

CALENDAR = load_calendar(use_env=False)
ONE = timedelta(days=1)


def nth_workday_after(start: date, count: int, skip: tuple[date, date] | None = None) -> date:
    """Plain loop: the count-th chinesecalendar workday after start, skipping days in (skip[0], skip[1]]."""
    day, seen = start, 0
    while True:
        day += ONE
        if not chinese_calendar.is_workday(day):
            continue
        if skip is not None and skip[0] < day <= skip[1]:
            continue
        seen += 1
        if seen == count:
            return day


@settings(max_examples=150, deadline=None)
@given(
    received=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 9, 1)),
    extension=st.integers(min_value=0, max_value=20),
    consult_after=st.integers(min_value=0, max_value=20),
    consult_length=st.integers(min_value=0, max_value=40),
)
def test_due_date_matches_a_plain_count(
    received: date, extension: int, consult_after: int, consult_length: int
) -> None:
    start = received + timedelta(days=consult_after)
    end = start + timedelta(days=consult_length)
    limit = nth_workday_after(start, 15)
    events: list[Event] = [
        Received(on=received, channel=Channel.IN_PERSON),
        ConsultationStarted(on=start, party="P"),
        ConsultationEnded(on=end, party="P"),
    ]
    if extension:
        events.append(ExtensionApproved(on=end, working_days=extension))
    expected = nth_workday_after(received, 20 + extension, (start, min(end, limit)))
    report = compute_deadlines(events, CALENDAR)
    assert report.answer_due == expected
    assert not report.provisional
