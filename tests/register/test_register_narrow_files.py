"""A file with only some of its feed's columns: the missing columns are NULL in every row (they are not staged),
an event type that needs one is quarantined, and the quarantined raw record still names every column of the feed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from conftest import citizen_id, write_csv

from renkou.linkage.secrets_io import quarantined_rows
from renkou.register.feeds import FEEDS
from renkou.register.store import Register


def test_narrow_hukou_file(register: Register, tmp_path: Path) -> None:
    good = citizen_id("330106", date(1980, 5, 17), 21, "F")
    other = citizen_id("330102", date(1975, 2, 3), 22, "M")
    bad_checksum = good[:17] + ("1" if good[17] != "1" else "2")
    header = ["event_type", "id_number", "occurred_on", "hukou_region"]
    rows = [
        ["baseline", good, "2015-12-31", "330106"],
        ["baseline", bad_checksum, "2015-12-31", "330106"],
        ["education_changed", other, "2016-03-01", ""],  # needs education, which this file cannot carry
        ["address_changed", other, "2016-04-01", "330102"],  # needs residence_region
        ["baseline", other, "2015-12-31", "330102"],
    ]
    [summary] = register.ingest([write_csv(tmp_path / "hukou_narrow.csv", header, rows)], today=date(2021, 1, 1))
    assert (summary.accepted, summary.quarantined) == (2, 3)
    assert summary.reasons == {"id_checksum": 1, "required_missing": 2}
    quarantined = sorted(quarantined_rows(register.engine, register.keys), key=lambda row: int(row["line"]))  # type: ignore[call-overload]
    assert [(row["line"], row["column_name"], row["reason"]) for row in quarantined] == [
        (3, "id_number", "id_checksum"),
        (4, "education", "required_missing"),
        (5, "residence_region", "required_missing"),
    ]
    raw = quarantined[1]["raw"]
    assert isinstance(raw, dict)
    assert set(raw) == set(FEEDS["hukou"].columns)  # every column of the feed, as in a full-width file
    assert (raw["event_type"], raw["id_number"], raw["occurred_on"], raw["education"], raw["name"]) == (
        "education_changed",
        other,
        "2016-03-01",
        None,
        None,
    )
    event = register.engine.rows(
        "SELECT sex, birth_date, hukou_region, hukou_in_city, residence_region, residence_in_city, education, "
        "household_id, ethnicity, alive FROM events ORDER BY event_id LIMIT 1"
    )[0]
    # Sex and birth date from the number; the residence follows the hukou on a baseline; absent columns are NULL.
    assert event == ("F", date(1980, 5, 17), "330106", True, "330106", True, None, None, None, True)
    assert register.verify().ok
