"""Helpers for the permit tests: valid synthetic ID numbers, residence files written by hand, a fixed calendar."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from renkou.disclosure.calendar import WorkingCalendar
from renkou.disclosure.notices import load_calendar
from renkou.permits.rules import PermitRules, load_rules

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def citizen_id(division: str, born: date, sequence: int, sex: str) -> str:
    """A valid 18-digit number computed here from GB 11643-1999, independently of renkou.ids."""
    serial = sequence * 2 + (1 if sex == "M" else 0)
    first17 = f"{division}{born:%Y%m%d}{serial:03d}"
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


# Synthetic people: hukou in Hefei (Anhui, 340104) or Hangzhou (330106), living in Hangzhou districts.
PEOPLE = {
    "zhao": citizen_id("340104", date(1988, 5, 5), 5, "M"),
    "sun": citizen_id("340104", date(1992, 6, 6), 6, "F"),
    "qian": citizen_id("340104", date(1995, 9, 9), 7, "M"),
    "zhou": citizen_id("340104", date(2001, 2, 3), 8, "F"),
    "wu": citizen_id("340104", date(1979, 11, 30), 9, "M"),
    "wang": citizen_id("330106", date(1950, 3, 1), 1, "M"),  # hukou in Hangzhou
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A residence-feed file in UTF-8 CSV (the union of the rows' keys as header; missing values empty)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def residence_row(person: str, on: str, district: str, **extra: str) -> dict[str, str]:
    """A residence registration of a person from the PEOPLE table."""
    return {
        "event_type": "residence_registered",
        "id_number": PEOPLE[person],
        "occurred_on": on,
        "residence_region": district,
        "hukou_region": PEOPLE[person][:6],
        **extra,
    }


@cache
def calendar() -> WorkingCalendar:
    """The official working calendar (chinesecalendar and the shipped holiday notices), loaded once."""
    return load_calendar(use_env=False)


@cache
def rules() -> PermitRules:
    """The shipped national rules."""
    return load_rules()


class WeekendsOnly:
    """A calendar with Saturdays and Sundays off and nothing else, for reference computations."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5

    def covers(self, year: int) -> bool:
        return True

    def add_working_days(self, start: date, count: int) -> date:
        day = start
        while count:
            day += timedelta(days=1)
            count -= day.weekday() < 5
        return day
