"""The NumPy side of the population pass computes what the SQL it replaced computed, checked against DuckDB itself.

Ages in completed years (``age_sql``'s arithmetic on yyyymmdd stamps, truncated toward zero), whole months lived in
the city (the months arithmetic of the stay groups) and the district coding by list lookup are each compared with
the SQL expression they stand for, on random days around leap years and on every kind of district value.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from renkou.register.population import age_sql
from renkou.stats.counts_base import AGE_UNKNOWN, STAY_BOUNDS_MONTHS, STAY_LABELS, Areas
from renkou.stats.counts_population import (
    MAX_YEARS,
    UNKNOWN_DAY,
    DistrictCodes,
    _completed_years,
    _day_number,
    _factorize,
    _ints_of,
    _known,
    _months_before,
    _reached,
)
from renkou.stats.indicators import OPEN_AGE

DATES = (
    date(2020, 12, 31),
    date(2020, 2, 29),
    date(2019, 2, 28),
    date(2021, 3, 1),
    date(2016, 2, 29),
    date(2019, 6, 30),
    date(2020, 1, 1),
)


@pytest.fixture(scope="module")
def days() -> np.ndarray:
    """Random days from 1880 to 2040, and every day of 2015-2022 (leap days and year ends among them)."""
    rng = np.random.default_rng(3)
    dense = np.arange(_day_number(date(2015, 1, 1)), _day_number(date(2023, 1, 1)))
    return np.concatenate([rng.integers(_day_number(date(1880, 1, 1)), _day_number(date(2040, 1, 1)), 50_000), dense])


def _as_dates(days: np.ndarray) -> pa.Table:
    return pa.table({"d": pa.array(days.astype(np.int32)).cast(pa.date32())})


def _column(sql: str, frame: pa.Table) -> np.ndarray:
    """The one column of ``sql`` run by DuckDB over ``frame``."""
    connection = duckdb.connect()
    connection.register("frame", frame)
    [values] = connection.execute(sql).fetchnumpy().values()
    return np.asarray(values)


@pytest.mark.parametrize("on", DATES)
def test_completed_years_are_age_sql(days: np.ndarray, on: date) -> None:
    frame = _as_dates(days)
    expected = _column(f"SELECT {age_sql(on, 'd')} AS a FROM frame", frame)
    found, index = _completed_years(on, days, np.ones(len(days), dtype=bool))
    # -1 stands for a negative age (unknown); above MAX_YEARS the count stops.
    np.testing.assert_array_equal(found, np.where(expected < 0, -1, np.minimum(expected, MAX_YEARS)))
    np.testing.assert_array_equal(index, np.where(expected < 0, AGE_UNKNOWN, np.minimum(expected, OPEN_AGE)))
    assert (expected == 0).sum() > 0 and (expected < 0).sum() > 0  # both edges are exercised
    unknown, unknown_index = _completed_years(on, days[:5], np.zeros(5, dtype=bool))
    assert (unknown == -1).all() and (unknown_index == AGE_UNKNOWN).all()
    far, _ = _completed_years(on, np.full(3, UNKNOWN_DAY))
    assert (far == -1).all()


@pytest.mark.parametrize("on", DATES)
def test_months_lived_buckets_are_the_sql_months(days: np.ndarray, on: date) -> None:
    frame = _as_dates(days)
    months = f"({on.year * 12 + on.month} - (year(d) * 12 + month(d)) - CASE WHEN {on.day} < day(d) THEN 1 ELSE 0 END)"
    buckets = " ".join(f"WHEN {months} < {bound} THEN {i}" for i, bound in enumerate(STAY_BOUNDS_MONTHS))
    expected = _column(f"SELECT CASE {buckets} ELSE {len(STAY_BOUNDS_MONTHS)} END AS b FROM frame", frame)
    reached = np.array([_day_number(_months_before(on, bound)) for bound in STAY_BOUNDS_MONTHS])
    np.testing.assert_array_equal(_reached(days, reached), expected)
    assert len(set(expected.tolist())) == len(STAY_LABELS)  # every group occurs (unknown is not a date)


def test_district_lookup_codes_as_the_comparisons() -> None:
    listed = ["330102", "330105", "330106", "330182"]
    codes = DistrictCodes(Areas(["330100", *listed], ["杭州市", "上城区", "拱墅区", "西湖区", "建德市"]))
    values = ["", "330100", "330101", "330102", "330104", "330105", "330106", "330107", "330182", "330199", "9", "O'k"]
    known = values[::2]  # the lookup list holds only some of them; the others take the comparisons
    frame = pa.table({"x": pa.array([*values, None])})
    found = _column(f"SELECT {codes.lookup_sql('x', known)} AS c FROM frame", frame)
    unknown_as_empty = "coalesce(x, '')"
    expected = _column(f"SELECT {codes.sql(unknown_as_empty)} AS c FROM frame", frame)
    np.testing.assert_array_equal(found, expected)
    assert [codes.code_of(v) for v in [*values, None]] == expected.tolist()


def test_arrow_buffers_read_with_nulls_and_offsets() -> None:
    array = pa.array([1, None, 3, 4, None, 7, 8, 9, 10] * 3, pa.int16()).slice(3, 20)
    np.testing.assert_array_equal(_ints_of(array, -9), [-9 if v is None else v for v in array.to_pylist()])
    np.testing.assert_array_equal(_known(array), [v is not None for v in array.to_pylist()])
    dates = pa.array([0, None, 20000], pa.date32())
    np.testing.assert_array_equal(_ints_of(dates, 5), [0, 5, 20000])


@pytest.mark.parametrize(
    "pool",
    [
        ["", "H1", "H1234567", "abc", "户号", "x" * 8, "ab", None],  # short keys
        ["H1", "ab\x00", "ab", None],  # a NUL byte: the strings themselves are hashed
        ["123456789012", "1", "12", "012", "0012", None, ""],  # digit strings: value and length
        ["33010400000019011", "99999999999999999", "03301040000001901", "0", "00", None, ""],  # up to 17 digits
        ["33010400000019011", "033010400000019011", "0", None],  # 18 digits: the strings themselves are hashed
        ["123456789", "12345678x", None],  # neither short nor digits: the strings themselves are hashed
    ],
)
def test_household_numbers_factorise_as_their_strings(pool: list[str | None]) -> None:
    rng = np.random.default_rng(8)
    strings = pa.array([pool[i] for i in rng.integers(0, len(pool), 2000)], pa.string())
    for array in (strings, strings.slice(7)):
        codes, size = _factorize(array)
        values = array.to_pylist()
        assert [c == -1 for c in codes.tolist()] == [v is None for v in values]
        by_string: dict[str, set[int]] = {}
        for value, code in zip(values, codes.tolist(), strict=True):
            if value is not None:
                assert 0 <= code < size
                by_string.setdefault(value, set()).add(code)
        assert all(len(found) == 1 for found in by_string.values())  # one index per string
        assert len({next(iter(found)) for found in by_string.values()}) == len(by_string)  # distinct strings apart
