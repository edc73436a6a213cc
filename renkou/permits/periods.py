"""Calendar periods in years and months, by the rule of the Civil Code (民法典, arts. 201-202).

A period of years or months ends on the corresponding day of the last year or month; when that month has no such
day (29 February in a common year, the 31st of a short month) it ends on the month's last day. So a permit issued on
29 February 2020 completes its first year on 28 February 2021.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later (earlier when negative), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if day.day <= 28:  # every month has these days: no clamping (and this is the common, fast case)
        return date(year, month + 1, day.day)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """The corresponding day ``years`` later, clamped to the month's last day (29 Feb -> 28 Feb)."""
    return add_months(day, 12 * years)


def completed_years(start: date, on: date) -> int:
    """Full years from ``start`` to ``on``: the largest k with ``add_years(start, k) <= on`` (0 before a year)."""
    if on < start:
        return 0
    years = on.year - start.year
    # At most one too many: the anniversary of the last year may still be ahead.
    if add_years(start, years) > on:
        years -= 1
    return years


def completed_months(start: date, on: date) -> int:
    """Full months from ``start`` to ``on`` (0 when ``on`` is before ``start``)."""
    if on < start:
        return 0
    months = (on.year - start.year) * 12 + (on.month - start.month)
    if add_months(start, months) > on:
        months -= 1
    return months
