"""A permit's life and its continuous residence years over hand-worked timelines (居住证暂行条例 art. 10).

Each expectation was worked out by hand from the rules: the window of year n runs from one month before the n-th
anniversary of the anchor to the anniversary (moved to the next working day on a day off); a missed window suspends
the permit from the next day; a late endorsement restores it and restarts the years and the windows from its date.
"""

from __future__ import annotations

from datetime import date

from permits_helpers import calendar, rules

from renkou.permits.lifecycle import EventKind, PermitEvent, PermitState, Status, permit_state

ISSUED, ENDORSED, CANCELLED, LEFT, DIED = (
    EventKind.ISSUED,
    EventKind.ENDORSED,
    EventKind.CANCELLED,
    EventKind.LEFT,
    EventKind.DIED,
)


def at(events: list[PermitEvent], on: date) -> PermitState:
    return permit_state(events, on, rules().endorsement, calendar())


# Issued 2019-07-15; year 1 endorsed 2020-06-20 (window 2020-06-15..07-15); year 2 missed (window 2021-06-15..
# 07-15); late endorsement 2021-09-01 restarts the count; year 1 of the new count endorsed 2022-08-15 (window
# 2022-08-01..09-01); year 2 (window 2023-08-01..09-01, a Friday) missed.
MISSED_THEN_LATE = [
    PermitEvent(ISSUED, date(2019, 7, 15), "330106201900001"),
    PermitEvent(ENDORSED, date(2020, 6, 20), "330106201900001"),
    PermitEvent(ENDORSED, date(2021, 9, 1), "330106201900001"),
    PermitEvent(ENDORSED, date(2022, 8, 15), "330106201900001"),
]


def test_before_issue_there_is_no_permit() -> None:
    state = at(MISSED_THEN_LATE, date(2019, 7, 14))
    assert (state.status, state.years, state.window) == (Status.NONE, 0, None)


def test_on_time_endorsement_keeps_the_years_counting_from_issue() -> None:
    state = at(MISSED_THEN_LATE, date(2020, 7, 14))
    assert (state.status, state.years, state.endorsements) == (Status.VALID, 0, 1)
    assert state.window is not None and state.window.number == 2
    assert (state.window.opens, state.window.due) == (date(2021, 6, 15), date(2021, 7, 15))
    assert at(MISSED_THEN_LATE, date(2020, 7, 15)).years == 1
    # The last day of the missed window is still inside it: valid, two full years.
    last_day = at(MISSED_THEN_LATE, date(2021, 7, 15))
    assert (last_day.status, last_day.years, last_day.counting_from) == (Status.VALID, 2, date(2019, 7, 15))


def test_missed_endorsement_suspends_from_the_next_day() -> None:
    state = at(MISSED_THEN_LATE, date(2021, 7, 16))
    assert (state.status, state.suspended_since, state.years, state.days) == (
        Status.SUSPENDED,
        date(2021, 7, 16),
        0,
        0,
    )
    assert at(MISSED_THEN_LATE, date(2021, 8, 31)).status is Status.SUSPENDED


def test_late_endorsement_restores_and_restarts_the_years() -> None:
    state = at(MISSED_THEN_LATE, date(2021, 9, 1))
    assert (state.status, state.counting_from, state.years, state.suspended_since) == (
        Status.VALID,
        date(2021, 9, 1),
        0,
        None,
    )
    assert state.window is not None
    assert (state.window.number, state.window.opens, state.window.due) == (1, date(2022, 8, 1), date(2022, 9, 1))
    assert at(MISSED_THEN_LATE, date(2022, 8, 31)).years == 0
    assert at(MISSED_THEN_LATE, date(2022, 9, 1)).years == 1
    kinds = [step.kind for step in at(MISSED_THEN_LATE, date(2022, 9, 1)).history]
    assert kinds == ["issued", "endorsed", "suspended", "endorsed_late", "endorsed"]


def test_second_count_lapses_in_its_turn() -> None:
    assert at(MISSED_THEN_LATE, date(2023, 9, 1)).years == 2
    state = at(MISSED_THEN_LATE, date(2023, 9, 2))
    assert (state.status, state.suspended_since) == (Status.SUSPENDED, date(2023, 9, 2))


def test_several_missed_years_need_one_late_endorsement() -> None:
    events = [PermitEvent(ISSUED, date(2018, 3, 1), "P1"), PermitEvent(ENDORSED, date(2020, 6, 10), "P1")]
    # Year 1's window closed on Friday 2019-03-01 -> suspended from 2019-03-02 until the late endorsement.
    assert at(events, date(2019, 3, 2)).status is Status.SUSPENDED
    assert at(events, date(2020, 6, 9)).status is Status.SUSPENDED
    state = at(events, date(2021, 6, 10))
    assert (state.status, state.counting_from, state.years) == (Status.VALID, date(2020, 6, 10), 1)


def test_endorsement_before_its_window_does_not_count() -> None:
    events = [PermitEvent(ISSUED, date(2019, 7, 15), "P1"), PermitEvent(ENDORSED, date(2020, 5, 1), "P1")]
    state = at(events, date(2020, 7, 16))
    assert (state.status, state.endorsements) == (Status.SUSPENDED, 0)
    assert "endorsement_ignored" in [step.kind for step in state.history]


def test_window_moved_by_national_day_holiday() -> None:
    # Issued 2022-09-30; year 1 is full on 2023-09-30 (holiday) -> last day 2023-10-07 (make-up Saturday).
    issued = [PermitEvent(ISSUED, date(2022, 9, 30), "P1")]
    assert at(issued, date(2023, 10, 7)).status is Status.VALID
    assert at(issued, date(2023, 10, 8)).status is Status.SUSPENDED
    on_time = [*issued, PermitEvent(ENDORSED, date(2023, 10, 7), "P1")]
    state = at(on_time, date(2024, 1, 1))
    assert (state.status, state.counting_from, state.years) == (Status.VALID, date(2022, 9, 30), 1)
    assert state.window is not None and (state.window.opens, state.window.due) == (date(2024, 8, 30), date(2024, 9, 30))
    late = [*issued, PermitEvent(ENDORSED, date(2023, 10, 8), "P1")]
    assert at(late, date(2024, 1, 1)).counting_from == date(2023, 10, 8)


def test_replacement_keeps_the_years() -> None:
    events = [PermitEvent(ISSUED, date(2019, 7, 15), "P1"), PermitEvent(ISSUED, date(2020, 1, 10), "P2")]
    state = at(events, date(2020, 7, 15))
    assert (state.status, state.permit_no, state.counting_from, state.years) == (
        Status.VALID,
        "P2",
        date(2019, 7, 15),
        1,
    )


def test_cancellation_ends_the_permit_and_a_new_one_starts_from_zero() -> None:
    events = [
        PermitEvent(ISSUED, date(2019, 7, 15), "P1"),
        PermitEvent(CANCELLED, date(2020, 1, 10), "P1"),
        PermitEvent(ENDORSED, date(2020, 7, 1), "P1"),
    ]
    state = at(events, date(2020, 8, 1))
    assert (state.status, state.ended_on, state.years, state.window) == (Status.CANCELLED, date(2020, 1, 10), 0, None)
    assert state.history[-1].kind == "endorsement_ignored"
    again = [*events, PermitEvent(ISSUED, date(2021, 3, 1), "P3")]
    state = at(again, date(2022, 3, 1))
    assert (state.status, state.permit_no, state.counting_from, state.years) == (
        Status.VALID,
        "P3",
        date(2021, 3, 1),
        1,
    )


def test_leaving_the_city_or_death_ends_a_permit_even_while_suspended() -> None:
    left = [PermitEvent(ISSUED, date(2019, 7, 15), "P1"), PermitEvent(LEFT, date(2021, 1, 4))]
    assert at(left, date(2021, 2, 1)).status is Status.CANCELLED
    died = [PermitEvent(ISSUED, date(2019, 7, 15), "P1"), PermitEvent(DIED, date(2020, 9, 1))]
    state = at(died, date(2020, 10, 1))  # suspended since 2020-07-16, then ended by death
    assert (state.status, state.ended_on) == (Status.CANCELLED, date(2020, 9, 1))
    assert [step.kind for step in state.history] == ["issued", "suspended", "ended"]


def test_events_after_the_date_are_ignored_and_order_within_a_day_is_kept() -> None:
    events = [
        PermitEvent(ISSUED, date(2019, 7, 15), "P1", seq=1),
        PermitEvent(CANCELLED, date(2019, 8, 1), "P1", seq=2),
        PermitEvent(ISSUED, date(2019, 8, 1), "P2", seq=3),
    ]
    state = at(events, date(2019, 8, 1))
    assert (state.status, state.permit_no, state.counting_from) == (Status.VALID, "P2", date(2019, 8, 1))
    assert at(events, date(2019, 7, 31)).permit_no == "P1"
