"""Small department files written by hand for the indicator tests: valid synthetic ID numbers and CSV writers.

Every person is synthetic. ID numbers are computed here (GB 11643-1999), independently of renkou.ids.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from renkou.register.store import Register

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
# The ingest refuses dates after "today"; any day after the test years will do.
TODAY = date(2022, 1, 1)

HUKOU = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "sex",
    "birth_date",
    "hukou_region",
    "residence_region",
    "urban_rural",
    "household_id",
    "relation",
    "education",
]
HEALTH = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "sex",
    "birth_date",
    "hukou_region",
    "residence_region",
    "urban_rural",
    "mother_id",
]
RESIDENCE = [
    "event_type",
    "id_number",
    "name",
    "occurred_on",
    "sex",
    "birth_date",
    "hukou_region",
    "residence_region",
    "urban_rural",
    "residence_since",
    "permit_no",
]


def citizen_id(division: str, born: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number; the 17th digit's parity gives the sex."""
    serial = sequence * 2 + (1 if sex == "M" else 0)
    first17 = f"{division}{born:%Y%m%d}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@dataclass(frozen=True)
class Person:
    """A synthetic person: where the ID was issued, birth date and sex."""

    name: str
    division: str
    born: date
    sex: str
    sequence: int

    @property
    def id(self) -> str:
        """The person's ID number."""
        return citizen_id(self.division, self.born, self.sequence, self.sex)


def row(header: list[str], **values: object) -> list[str]:
    """A CSV row for ``header`` with the given columns filled and the rest empty."""
    unknown = set(values) - set(header)
    if unknown:
        raise KeyError(f"columns not in the header: {sorted(unknown)}")
    return ["" if values.get(column) is None else str(values[column]) for column in header]


def load(register: Register, directory: Path, name: str, feed: str, header: list[str], rows: list[list[str]]) -> None:
    """Write ``rows`` as a department file and ingest it; fail loudly if any row is quarantined."""
    path = directory / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    [summary] = register.ingest([path], feed=feed, today=TODAY)
    assert summary.status == "loaded", summary.message
    assert summary.quarantined == 0, (name, summary.reasons)
