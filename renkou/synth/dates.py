"""Dates as whole days since 1970-01-01 (NumPy int64), the form the generator computes with."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

Days = NDArray[np.int64]
EPOCH = date(1970, 1, 1)


def day(year: int, month: int = 1, day_of_month: int = 1) -> int:
    """Days since the epoch of a calendar date."""
    return (date(year, month, day_of_month) - EPOCH).days


def year_start(years: NDArray[np.int64]) -> Days:
    """Days of 1 January of each year."""
    return _year_start(np.asarray(years, dtype=np.int64))


def _year_start(years: NDArray[np.int64]) -> Days:
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def year_length(years: NDArray[np.int64]) -> Days:
    """Number of days of each year."""
    years = np.asarray(years, dtype=np.int64)
    return _year_start(years + 1) - _year_start(years)


def uniform_between(low: Days, high: Days, rng: np.random.Generator) -> Days:
    """A uniformly drawn day in [low, high] (inclusive; high < low gives low)."""
    low = np.asarray(low, dtype=np.int64)
    span = np.maximum(np.asarray(high, dtype=np.int64) - low, 0) + 1
    return low + np.floor(rng.random(np.shape(low)) * span).astype(np.int64)


def parts(days: Days) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(year, month, day of month) of each day, by integer arithmetic (Hinnant's civil_from_days algorithm)."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    mday = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, mday


def from_parts(years: NDArray[np.int64], months: NDArray[np.int64], mday: NDArray[np.int64]) -> Days:
    """Days of (year, month, day) triples (Hinnant's days_from_civil)."""
    y = np.asarray(years, dtype=np.int64) - (np.asarray(months) <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = np.where(np.asarray(months) > 2, np.asarray(months) - 3, np.asarray(months) + 9)
    doy = (153 * mp + 2) // 5 + np.asarray(mday, dtype=np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def birthday_in(births: Days, years: NDArray[np.int64]) -> Days:
    """The day of each person's birthday in the given year (29 February falls on 1 March in common years)."""
    _, months, mday = parts(births)
    return from_parts(np.asarray(years, dtype=np.int64), months, np.ones_like(months)) + mday - 1


def completed_age(births: Days, on: Days) -> NDArray[np.int64]:
    """Completed years of age on each day."""
    by, bm, bd = parts(births)
    oy, om, od = parts(on)
    return oy - by - ((om * 100 + od) < (bm * 100 + bd)).astype(np.int64)


def iso(days: Days) -> pa.Array:
    """ISO yyyy-mm-dd strings."""
    return pc.cast(pa.array(np.asarray(days, dtype=np.int64).astype(np.int32), pa.date32()), pa.string())


def yyyymmdd(days: Days) -> NDArray[np.int64]:
    """Dates as the integer yyyymmdd (as in ID numbers)."""
    years, months, mday = parts(days)
    return years * 10000 + months * 100 + mday
