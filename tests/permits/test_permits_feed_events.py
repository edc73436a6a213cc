"""The register's residence feed carries the permit events an application, a suspension, a restoration and a
replacement need (permit_applied, permit_suspended, permit_restored, permit_replaced), by English or Chinese name."""

from __future__ import annotations

from pathlib import Path

from permits_helpers import PEOPLE, write_csv

from renkou.register.feeds import FEEDS, event_type_map
from renkou.register.store import Register

NEW_TYPES = ("permit_applied", "permit_suspended", "permit_restored", "permit_replaced")


def test_the_residence_feed_declares_the_new_permit_events() -> None:
    residence = FEEDS["residence"]
    for name in NEW_TYPES:
        assert name in residence.event_types
        assert all(name not in feed.event_types for key, feed in FEEDS.items() if key != "residence")
    assert residence.required_by_event["permit_replaced"] == ("permit_no",)
    assert event_type_map()["居住证换领补领"] == "permit_replaced"
    assert event_type_map()["居住证使用功能中止"] == "permit_suspended"


def test_the_new_permit_events_are_ingested_and_a_replacement_without_number_is_quarantined(
    register: Register, tmp_path: Path
) -> None:
    zhao = PEOPLE["zhao"]
    rows = [
        {"record_no": "T1", "event_type": "permit_applied", "id_number": zhao, "occurred_on": "2019-08-01"},
        {"record_no": "T2", "event_type": "permit_issued", "id_number": zhao, "occurred_on": "2019-08-10",
         "permit_no": "P-1"},
        {"record_no": "T3", "event_type": "居住证使用功能中止", "id_number": zhao, "occurred_on": "2020-08-11"},
        {"record_no": "T4", "event_type": "permit_restored", "id_number": zhao, "occurred_on": "2020-09-01"},
        {"record_no": "T5", "event_type": "permit_replaced", "id_number": zhao, "occurred_on": "2020-10-01",
         "permit_no": "P-2"},
        {"record_no": "T6", "event_type": "permit_replaced", "id_number": zhao, "occurred_on": "2020-11-01"},
    ]  # fmt: skip
    [summary] = register.ingest([write_csv(tmp_path / "residence-permits.csv", rows)])
    assert (summary.accepted, summary.quarantined) == (5, 1)
    stored = register.engine.rows(
        "SELECT event_type, occurred_on::VARCHAR, permit_no FROM events WHERE batch_id = ? ORDER BY occurred_on",
        [summary.batch_id],
    )
    assert [(t, d) for t, d, _ in stored] == [
        ("permit_applied", "2019-08-01"),
        ("permit_issued", "2019-08-10"),
        ("permit_suspended", "2020-08-11"),
        ("permit_restored", "2020-09-01"),
        ("permit_replaced", "2020-10-01"),
    ]
    assert stored[-1][2] == "P-2"
    [(column, reason)] = register.engine.rows(
        "SELECT column_name, reason FROM quarantine WHERE batch_id = ?", [summary.batch_id]
    )
    assert (column, reason) == ("permit_no", "required_missing")


def test_the_register_state_follows_suspension_restoration_and_replacement(register: Register, tmp_path: Path) -> None:
    from datetime import date

    from renkou.register.state import state_sql
    from renkou.register.transform import keyed

    zhao = PEOPLE["zhao"]
    rows = [
        {"record_no": "S1", "event_type": "permit_applied", "id_number": zhao, "occurred_on": "2019-08-01"},
        {"record_no": "S2", "event_type": "permit_issued", "id_number": zhao, "occurred_on": "2019-08-10",
         "permit_no": "P-1"},
        {"record_no": "S3", "event_type": "permit_suspended", "id_number": zhao, "occurred_on": "2020-08-11"},
        {"record_no": "S4", "event_type": "permit_restored", "id_number": zhao, "occurred_on": "2020-09-01"},
        {"record_no": "S5", "event_type": "permit_replaced", "id_number": zhao, "occurred_on": "2020-10-01",
         "permit_no": "P-2"},
    ]  # fmt: skip
    register.ingest([write_csv(tmp_path / "residence-permit-states.csv", rows)])

    def status_on(day: date) -> tuple[str | None, str | None]:
        key = keyed("'" + register.keys.pseudonym_prefix_hex() + "'", f"'{zhao}'")
        found = register.engine.rows(
            f"SELECT permit_status, permit_no FROM ({state_sql(day)}) s WHERE s.subject_id = {key}"
        )
        return found[0] if found else (None, None)

    assert status_on(date(2019, 8, 5)) == (None, None)  # applied only: no permit yet
    assert status_on(date(2019, 8, 10)) == ("valid", "P-1")
    assert status_on(date(2020, 8, 20)) == ("suspended", "P-1")
    assert status_on(date(2020, 9, 1)) == ("valid", "P-1")
    assert status_on(date(2020, 10, 2)) == ("valid", "P-2")
