"""The desk's workflow on a real register: every act is a batch of one, chained, and the errors a clerk meets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from permits_helpers import PEOPLE, citizen_id, write_csv

from renkou.errors import UserError
from renkou.permits.desk import PermitDesk
from renkou.permits.eligibility import Basis
from renkou.permits.lifecycle import Status
from renkou.register.store import Register


def test_apply_lists_conditions_and_the_issue_deadline(desk: PermitDesk) -> None:
    early = desk.apply(PEOPLE["zhao"], date(2019, 7, 4))
    assert not early.eligibility.eligible and early.deadline is None
    assert [c.key for c in early.eligibility.conditions if not c.met] == ["residence_months"]
    ready = desk.apply(PEOPLE["zhao"], date(2019, 7, 5))
    assert ready.eligibility.eligible and ready.person.masked == PEOPLE["zhao"][:6] + "********" + PEOPLE["zhao"][-4:]
    assert ready.deadline is not None and (ready.deadline.due, ready.deadline.latest) == (
        date(2019, 7, 22),
        date(2019, 8, 5),
    )
    assert desk.apply(PEOPLE["zhou"], date(2019, 8, 1)).eligibility.bases == (Basis.STUDY,)


def test_issue_is_a_chained_batch_of_one(desk: PermitDesk, register: Register) -> None:
    batches_before = register.engine.scalar("SELECT count(*) FROM batches")
    issued = desk.issue(PEOPLE["zhao"], date(2019, 7, 15), accepted=date(2019, 7, 5))
    assert issued.permit_no == "3301062019000001" and not issued.late
    assert issued.state.status is Status.VALID and issued.state.counting_from == date(2019, 7, 15)
    batch = register.engine.rows(
        "SELECT feed, n_rows, n_accepted, n_quarantined FROM batches WHERE batch_id = ?", [issued.batch_id]
    )
    assert batch == [("residence", 1, 1, 0)]
    assert register.engine.scalar("SELECT count(*) FROM batches") == batches_before + 1
    event = register.engine.rows(
        "SELECT event_type, occurred_on, permit_no, permit_status, source FROM events WHERE batch_id = ?",
        [issued.batch_id],
    )
    assert event == [("permit_issued", date(2019, 7, 15), "3301062019000001", "valid", "residence")]
    assert register.verify(deep=True).ok
    # The next permit of the district and year takes the next serial.
    assert desk.issue(PEOPLE["sun"], date(2019, 7, 16)).permit_no == "3301062019000002"


def test_endorse_on_time_then_late_restores_and_restarts(desk: PermitDesk, register: Register) -> None:
    desk.issue(PEOPLE["zhao"], date(2019, 7, 15))
    on_time = desk.endorse(PEOPLE["zhao"], date(2020, 6, 20))
    assert not on_time.late and on_time.after.endorsements == 1
    # Year 2's window (2021-06-15..07-15) is missed: suspended; the late endorsement restores it.
    assert desk.state(on_time.person, date(2021, 7, 16)).status is Status.SUSPENDED
    late = desk.endorse(PEOPLE["zhao"], date(2021, 9, 1))
    assert late.late and late.before.status is Status.SUSPENDED
    assert (late.after.status, late.after.counting_from) == (Status.VALID, date(2021, 9, 1))
    status = desk.status(PEOPLE["zhao"], date(2022, 9, 1))
    assert (status.state.years, status.district) == (1, "330106")
    renewals = register.engine.scalar("SELECT count(*) FROM events WHERE event_type = 'permit_renewed'")
    assert renewals == 2 and register.verify().ok


def test_user_errors_are_one_line_and_name_the_problem(desk: PermitDesk) -> None:
    stranger = citizen_id("340104", date(1990, 1, 1), 99, "M")
    with pytest.raises(UserError) as unknown:
        desk.apply(stranger, date(2020, 1, 1))
    assert unknown.value.code == "unknown_person" and stranger[-4:] in str(unknown.value)
    assert stranger not in str(unknown.value)  # the number is shown masked
    with pytest.raises(UserError, match="invalid citizen ID"):
        desk.apply("34010419900101999", date(2020, 1, 1))
    with pytest.raises(UserError) as ineligible:
        desk.issue(PEOPLE["qian"], date(2019, 8, 1))
    assert ineligible.value.code == "not_eligible" and "none of legal stable employment" in ineligible.value.en
    with pytest.raises(UserError, match="hukou is in this city"):
        desk.issue(PEOPLE["wang"], date(2019, 8, 1))
    with pytest.raises(UserError, match="holds no permit"):
        desk.endorse(PEOPLE["sun"], date(2020, 1, 1))
    with pytest.raises(UserError, match="in the future"):
        desk.issue(PEOPLE["sun"], date.today().replace(year=date.today().year + 1))
    desk.issue(PEOPLE["sun"], date(2019, 7, 15))
    with pytest.raises(UserError) as early:
        desk.endorse(PEOPLE["sun"], date(2020, 5, 1))
    assert early.value.code == "not_due" and "2020-06-15" in early.value.en
    with pytest.raises(UserError, match="already holds a permit"):
        desk.issue(PEOPLE["sun"], date(2019, 9, 1))
    desk.cancel(PEOPLE["sun"], date(2019, 12, 1))
    with pytest.raises(UserError) as cancelled:
        desk.endorse(PEOPLE["sun"], date(2020, 6, 20))
    assert cancelled.value.code == "permit_cancelled" and "2019-12-01" in cancelled.value.en
    with pytest.raises(UserError) as again:
        desk.cancel(PEOPLE["sun"], date(2020, 1, 1))
    assert again.value.code == "permit_cancelled" and "already cancelled on 2019-12-01" in again.value.en
    with pytest.raises(UserError) as never:
        desk.cancel(PEOPLE["zhao"], date(2020, 1, 1))
    assert never.value.code == "no_permit" and "no permit to cancel (status: no permit)" in never.value.en


def test_cancel_on_departure_ends_the_registration_in_the_same_batch(desk: PermitDesk, register: Register) -> None:
    desk.issue(PEOPLE["wu"], date(2019, 3, 1))
    cancelled = desk.cancel(PEOPLE["wu"], date(2019, 10, 8), departed=True)
    assert cancelled.state.status is Status.CANCELLED
    rows = register.engine.rows(
        "SELECT event_type FROM events WHERE batch_id = ? ORDER BY event_id", [cancelled.batch_id]
    )
    assert rows == [("permit_cancelled",), ("residence_left",)]
    # Gone from the city: no longer eligible to apply again.
    again = desk.apply(PEOPLE["wu"], date(2019, 10, 9))
    assert [c.key for c in again.eligibility.conditions if not c.met] == ["residence_registered"]


def test_an_earlier_endorsement_cannot_be_slipped_under_later_events(desk: PermitDesk) -> None:
    desk.issue(PEOPLE["zhao"], date(2019, 7, 15))
    desk.endorse(PEOPLE["zhao"], date(2020, 7, 1))
    with pytest.raises(UserError, match="an earlier endorsement cannot be added"):
        desk.endorse(PEOPLE["zhao"], date(2020, 6, 20))


def test_a_given_permit_number_must_be_free(desk: PermitDesk) -> None:
    desk.issue(PEOPLE["zhao"], date(2019, 7, 15), permit_no="HZ-0001")
    with pytest.raises(UserError, match="HZ-0001 belongs to someone else"):
        desk.issue(PEOPLE["sun"], date(2019, 7, 15), permit_no="HZ-0001")


def test_leaving_the_city_ends_the_permit_and_says_so(desk: PermitDesk, register: Register, tmp_path: Path) -> None:
    desk.issue(PEOPLE["zhao"], date(2019, 7, 15))
    left = {"event_type": "residence_left", "id_number": PEOPLE["zhao"], "occurred_on": "2020-03-02"}
    register.ingest([write_csv(tmp_path / "residence-left.csv", [left])])
    assert desk.status(PEOPLE["zhao"], date(2020, 3, 2)).state.status is Status.CANCELLED
    with pytest.raises(UserError, match="left the city"):
        desk.endorse(PEOPLE["zhao"], date(2020, 6, 20))
