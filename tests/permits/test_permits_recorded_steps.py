"""The permit events that note a step (application, suspension, restoration) change nothing the rules derive, and a
replacement keeps the years; dates worked by hand on the official calendar (no holiday falls on them)."""

from __future__ import annotations

from datetime import date

from permits_helpers import PEOPLE, calendar, rules

from renkou.permits.desk import PermitDesk
from renkou.permits.lifecycle import EventKind, PermitEvent, Status, permit_state


def _state(events: list[PermitEvent], on: date):  # type: ignore[no-untyped-def]
    return permit_state(events, on, rules().endorsement, calendar())


def test_noted_events_leave_the_derived_suspension_as_it_is() -> None:
    events = [
        PermitEvent(EventKind.APPLIED, date(2020, 2, 20), seq=1),
        PermitEvent(EventKind.ISSUED, date(2020, 3, 2), "P1", seq=2),
        # Anniversary Tuesday 2 March 2021 is the last day of the window: suspended from 3 March.
        PermitEvent(EventKind.SUSPENDED, date(2021, 3, 5), seq=3),
    ]
    state = _state(events, date(2021, 4, 1))
    assert state.status is Status.SUSPENDED
    assert state.suspended_since == date(2021, 3, 3)
    assert [(s.on, s.kind) for s in state.history] == [
        (date(2020, 2, 20), "noted"),
        (date(2020, 3, 2), "issued"),
        (date(2021, 3, 3), "suspended"),
        (date(2021, 3, 5), "noted"),
    ]
    assert state.history[0].text.en == "permit application accepted"
    # A recorded suspension before the window closed does not suspend the permit.
    early = _state([events[1], PermitEvent(EventKind.SUSPENDED, date(2020, 9, 1), seq=3)], date(2020, 10, 1))
    assert early.status is Status.VALID and early.years == 0


def test_a_replacement_keeps_the_years_and_one_without_a_permit_counts_for_nothing() -> None:
    events = [
        PermitEvent(EventKind.ISSUED, date(2019, 5, 6), "P1", seq=1),
        PermitEvent(EventKind.ENDORSED, date(2020, 4, 20), seq=2),
        PermitEvent(EventKind.REPLACED, date(2020, 7, 1), "P2", seq=3),
    ]
    state = _state(events, date(2020, 7, 2))
    assert (state.status, state.permit_no, state.counting_from, state.years) == (
        Status.VALID,
        "P2",
        date(2019, 5, 6),
        1,
    )
    alone = _state([PermitEvent(EventKind.REPLACED, date(2020, 7, 1), "P9", seq=1)], date(2020, 8, 1))
    assert alone.status is Status.NONE and alone.permit_no is None


def test_the_desk_records_an_application_a_restoration_and_a_replacement(desk: PermitDesk) -> None:
    zhao = PEOPLE["zhao"]  # employed, registered in 330106 since 2019-01-05
    desk.today = date(2022, 1, 1)
    applied = desk.apply(zhao, date(2019, 8, 1), record=True)
    assert applied.eligibility.eligible and applied.batch_id
    desk.issue(zhao, date(2019, 8, 12), accepted=date(2019, 8, 1), permit_no="330106201900000001")
    # Window of year 1: 12 July .. Wednesday 12 August 2020; endorsed late on 1 September 2020.
    endorsed = desk.endorse(zhao, date(2020, 9, 1))
    assert endorsed.late
    replaced = desk.replace(zhao, date(2020, 10, 9), permit_no="330106202000000007")
    assert replaced.old_no == "330106201900000001"
    assert replaced.state.permit_no == "330106202000000007"
    assert replaced.state.counting_from == date(2020, 9, 1)
    types = desk.register.engine.rows(
        "SELECT event_type FROM events WHERE event_type LIKE 'permit_%' ORDER BY occurred_on, event_id"
    )
    assert [t for (t,) in types] == [
        "permit_applied",
        "permit_issued",
        "permit_renewed",
        "permit_restored",
        "permit_replaced",
    ]
    state = desk.state(desk_person(desk, zhao), date(2020, 10, 9))
    assert [s.kind for s in state.history] == ["noted", "issued", "suspended", "endorsed_late", "replaced"]


def desk_person(desk: PermitDesk, number: str):  # type: ignore[no-untyped-def]
    from renkou.permits import records

    return records.find_person(desk.register, number)


def test_suspensions_are_recorded_once_and_change_nothing_derived(desk: PermitDesk) -> None:
    sun, zhao = PEOPLE["sun"], PEOPLE["zhao"]
    desk.today = date(2021, 6, 1)
    desk.issue(sun, date(2019, 8, 1))  # never endorsed: anniversary Saturday 1 August 2020 -> due Monday 3 August
    desk.issue(zhao, date(2020, 3, 2))
    desk.endorse(zhao, date(2021, 2, 10))  # on time: not suspended
    first = desk.record_suspensions(date(2021, 6, 1))
    assert (first.suspended, first.recorded) == (1, 1)
    again = desk.record_suspensions(date(2021, 6, 1))
    assert (again.suspended, again.recorded, again.batch_id) == (1, 0, None)
    rows = desk.register.engine.rows(
        "SELECT occurred_on, permit_no FROM events WHERE event_type = 'permit_suspended' ORDER BY event_id"
    )
    assert rows == [(date(2020, 8, 4), "3301062019000001")]
    state = desk.state(desk_person(desk, sun), date(2021, 6, 1))
    assert state.status is Status.SUSPENDED and state.suspended_since == date(2020, 8, 4)
    assert [(s.on, s.kind) for s in state.history][-2:] == [
        (date(2020, 8, 4), "suspended"),
        (date(2020, 8, 4), "noted"),
    ]
