"""The population side of the counts: the state on a set of dates, read from the register in one statement.

For every date asked (the start and the end of each year wanted) one statement reads the state rows valid on any of
them once and reduces each to one slim row: which of the dates it is valid on (a bit mask), the person's registered,
resident and floating district (0 when not a member, by the register's own ``membership_sql``; coded as small
integers that keep the codes' order, :class:`DistrictCodes`), birth date, sex, urban, education, permit, household
and province of hukou, and the day the person moved in. The database does only what it does once per distinct value
of a dictionary-compressed column (a position in a constant list: the districts, sex, education, permit) and the
membership conditions; no grouping: the rows go to NumPy, which counts them for every date at once with ``bincount``:

1. for each date, the stocks: districts of the three kinds x sex x completed age (as ``age_sql`` computes it, here by
   comparing the birth day with the same day k years earlier) x permit;
2. for each "full" date (an as-of date, whose indicator set needs more than the stocks): urban x education x working
   age per block, for the urbanization rate and the mean years of schooling;
3. households on each full date: each household's members per block and its district (the smallest of its
   members'), then counts per district and size class (one person / elderly only);
4. the floating population on each full date by province of hukou and time lived in the city.

Reading the state once for all dates costs one pass however many years a report covers: a date that ends one year
and starts the next is judged once, and the membership of a kind whose definition does not depend on the date
(registered, floating) once per state row. (Measured at 1 M persons: the groupings in DuckDB, fed from a
materialised CTE, cost more than the slim rows' export plus NumPy; bench/RESULTS_stats.md.)
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
from renkou.register.codes import YEARS_OF_SCHOOLING
from renkou.register.population import Kind, membership_sql
from renkou.stats.counts_base import (
    AGE_UNKNOWN,
    BLOCK_KINDS,
    SEXES,
    STAY_BOUNDS_MONTHS,
    STAY_LABELS,
    Areas,
    day_sql,
)
from renkou.stats.indicators import OPEN_AGE

KINDS: tuple[Kind, ...] = (*BLOCK_KINDS, "floating")
ELDERLY_AGE = 60
SCHOOLING_AGES = (16, 59)  # working age for the mean years of schooling (劳动年龄人口)
AGES = OPEN_AGE + 2  # single years 0..OPEN_AGE (open) and unknown

EDUCATION = tuple(YEARS_OF_SCHOOLING)  # education codes with years of schooling; index len(EDUCATION): none known
SCHOOL_YEARS = np.array([YEARS_OF_SCHOOLING[code] for code in EDUCATION], dtype=np.float64)
URBAN_UNKNOWN = 2
MAX_YEARS = max(OPEN_AGE, ELDERLY_AGE, SCHOOLING_AGES[1]) + 1  # ages are exact up to this, then capped
EPOCH = date(1970, 1, 1)
UNKNOWN_DAY = 10**9  # day number standing for an unknown birth date: later than any date, so of unknown age


@dataclass
class Details:
    """What only an as-of date needs beyond the stocks (arrays over areas, row 0 the city)."""

    urban: dict[str, np.ndarray]  # registered / resident: [areas] urban persons
    urban_known: dict[str, np.ndarray]  # [areas] persons with an urban-rural code
    schooling_years: dict[str, np.ndarray]  # [areas] sum of years of schooling, ages 16-59
    schooling_known: dict[str, np.ndarray]  # [areas] persons aged 16-59 with an education record
    permit_holders: np.ndarray  # floating: [areas]
    households: dict[str, np.ndarray]  # per block: [areas, 4] households, members, one-person, elderly-only
    by_stay: np.ndarray  # floating: [areas, len(STAY_LABELS) + 1]
    by_province: list[dict[str, int]] = field(default_factory=list)  # floating: per area, province code -> persons


def no_details(size: int) -> Details:
    """Zero details for ``size`` areas (a trend year whose details were not read)."""

    def zero() -> dict[str, np.ndarray]:
        return {str(kind): np.zeros(size) for kind in BLOCK_KINDS}

    return Details(
        urban=zero(),
        urban_known=zero(),
        schooling_years=zero(),
        schooling_known=zero(),
        permit_holders=np.zeros(size),
        households={str(kind): np.zeros((size, 4)) for kind in BLOCK_KINDS},
        by_stay=np.zeros((size, len(STAY_LABELS) + 1)),
        by_province=[{} for _ in range(size)],
    )


@dataclass
class Snapshot:
    """The population on one date."""

    on: date
    by_age: dict[str, np.ndarray]  # registered / resident: [areas, 3 sexes, ages 0..100+ and unknown]
    floating: np.ndarray  # [areas, 3 sexes]
    details: Details | None = None  # for the dates asked as full


@dataclass(frozen=True)
class DistrictCodes:
    """Small integers for district codes that keep their order: the i-th listed code (in code order, i from 1) is
    ``2 i``; any other code (unknown '', or a code not listed) is odd, ``2 (number of listed codes below it) + 1``;
    0 stands for "not a member".

    So the minimum of coded values decodes to the same area as the minimum of the codes themselves (a household's
    district is the smallest of its members'), and the area of a coded value is an array lookup.
    """

    areas: Areas

    @property
    def ordered(self) -> list[str]:
        """The listed district codes in code order."""
        return sorted(self.areas.codes[1:])

    @property
    def size(self) -> int:
        """Number of coded values, 0 included."""
        return 2 * len(self.ordered) + 2

    def sql(self, code: str) -> str:
        """SQL coding the district code column ``code`` (null stays null)."""
        ordered = self.ordered
        if not ordered:
            return f"CAST(CASE WHEN {code} IS NOT NULL THEN 1 END AS SMALLINT)"
        quoted = ["'" + c.replace("'", "''") + "'" for c in ordered]
        listed = "[" + ", ".join(quoted) + "]"
        below = " ".join(f"WHEN {code} < {c} THEN {2 * i + 1}" for i, c in enumerate(quoted))
        return (
            f"CAST(CASE WHEN {code} IS NOT NULL THEN coalesce(2 * list_position({listed}, {code}), "
            f"CASE {below} ELSE {2 * len(ordered) + 1} END) END AS SMALLINT)"
        )

    def code_of(self, value: str | None) -> int:
        """The coded value of one district code (None, unknown, as '')."""
        ordered = self.ordered
        text = value or ""
        if text in ordered:
            return 2 * ordered.index(text) + 2
        return 2 * bisect_left(ordered, text) + 1

    def lookup_sql(self, column: str, values: list[str]) -> str:
        """SQL coding the district column ``column`` (null as '') when its non-null values are among ``values``:
        a position in a constant list, which DuckDB works out once per distinct value of a dictionary-compressed
        column rather than once per row. Null, or a value not among ``values``, goes the way of :meth:`sql`."""
        other = f"CASE WHEN {column} IS NULL THEN {self.code_of(None)} ELSE {self.sql(column)} END"
        if not values:
            return f"CAST({other} AS SMALLINT)"
        listed = "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"
        coded = "[" + ", ".join(str(self.code_of(v)) for v in values) + "]"
        return f"CAST(coalesce(list_extract({coded}, list_position({listed}, {column})), {other}) AS SMALLINT)"

    def rows(self, coded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(member, area row or -1 for the city only) of coded values."""
        lookup = np.full(self.size, -1, dtype=np.intp)
        position = {code: i + 1 for i, code in enumerate(self.areas.codes[1:])}
        for i, code in enumerate(self.ordered):
            lookup[2 * (i + 1)] = position[code]
        return coded > 0, lookup[coded]


def _valid(on: date) -> str:
    day = day_sql(on)
    return f"(s.valid_from <= {day} AND {day} < s.valid_to)"


REGIONS = ("hukou_region", "residence_region")  # the state's district columns, coded before membership is judged


def _member_columns(dates: list[date]) -> tuple[list[str], dict[tuple[str, int], str]]:
    """The membership of every kind on ``dates`` over state rows whose region columns are already coded
    (:meth:`DistrictCodes.lookup_sql`): (columns of the slim rows, which column answers (kind, date index)).

    The register's ``membership_sql`` picks a district column and judges membership on other columns; the district it
    picks is therefore a coded value, and a non-member gets 0. A kind whose membership SQL is the same on every date
    (registered, floating) gets one column; a kind whose condition depends on the date (resident) gets its district
    once and a bit mask ``<kind>_in`` of the dates it is a member on (valid on the date and meeting the condition).
    """
    columns: list[str] = []
    which: dict[tuple[str, int], str] = {}
    for kind in KINDS:
        texts = [membership_sql(kind, on) for on in dates]
        if any(region in condition for condition, _ in texts for region in REGIONS):
            raise RuntimeError(f"membership_sql: the condition of {kind} reads a district column; code it after")
        if all(text == texts[0] for text in texts):
            condition, district = texts[0]
            columns.append(f"CASE WHEN {condition} THEN {district} ELSE 0 END AS {kind}")
            which.update({(kind, i): kind for i in range(len(dates))})
            continue
        if any(text[1] != texts[0][1] for text in texts):
            raise RuntimeError(f"membership_sql: the district of {kind} depends on the date; code it per date")
        columns.append(f"{texts[0][1]} AS {kind}")
        flags = " + ".join(
            f"{1 << i} * CAST({_valid(on)} AND {condition} AS INTEGER)"
            for i, (on, (condition, _)) in enumerate(zip(dates, texts, strict=True))
        )
        columns.append(f"CAST({flags} AS INTEGER) AS {kind}_in")
        which.update({(kind, i): f"{kind}_{i}" for i in range(len(dates))})
    return columns, which


def _people_sql(
    source: str, dates: list[date], codes: DistrictCodes, regions: list[str]
) -> tuple[str, dict[tuple[str, int], str]]:
    """The slim rows from the state rows ``source`` for ``dates`` (``regions``: the district values the state can
    hold), and the district column of each (kind, date)."""
    members, which = _member_columns(dates)
    coded = ", ".join(f"{codes.lookup_sql(f's.{column}', regions)} AS {column}" for column in REGIONS)
    mask = " + ".join(f"{1 << i} * CAST({_valid(on)} AS INTEGER)" for i, on in enumerate(dates))
    # Text attributes as positions in constant lists (null when not listed), and dates as dates: functions of one
    # dictionary-compressed column are worked out once per distinct value; NumPy finishes the coding (_Rows).
    # The province of hukou: the first two characters of the code, as a position among those of ``regions``.
    province = "left(hukou_text, 2)"
    if regions:
        province = f"CAST(list_position({_listed(tuple(_provinces(regions)))}, {province}) AS SMALLINT)"
    sql = f"""
SELECT v, {", ".join(members)},
  s.birth_date AS born, CAST(list_position({_listed(SEXES)}, s.sex) AS TINYINT) AS sex,
  CAST(starts_with(s.urban_rural, '1') AS TINYINT) AS urban,
  CAST(list_position({_listed(EDUCATION)}, s.education) AS TINYINT) AS education,
  CAST(list_position(['valid'], s.permit_status) AS TINYINT) AS permit,
  s.household_id AS household, {province} AS province, s.residence_since AS since
FROM (
  SELECT CAST({mask} AS INTEGER) AS v, {coded}, s.hukou_region AS hukou_text,
    s.* EXCLUDE ({", ".join(REGIONS)})
  FROM {source} s
  WHERE s.valid_to > {day_sql(min(dates))} AND s.valid_from <= {day_sql(max(dates))}
) s
WHERE v <> 0"""
    return sql, which


def _provinces(regions: list[str]) -> list[str]:
    return sorted({region[:2] for region in regions})


def _listed(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


def population_sql(source: str, dates: list[date], codes: DistrictCodes, regions: list[str]) -> str:
    """The statement for ``dates``: the slim rows (see :func:`_people_sql`)."""
    return _people_sql(source, dates, codes, regions)[0]


def region_values(engine: Engine) -> list[str]:
    """The district codes the state rows can hold: every value of the events' region columns (the state takes its
    values from events), in code order."""
    rows = engine.rows(
        " UNION ".join(f"SELECT DISTINCT {column} FROM events WHERE {column} IS NOT NULL" for column in REGIONS)
    )
    return sorted({str(value) for (value,) in rows})


LOOKUP_LIMIT = 4000  # more distinct district values than this: code them by comparisons instead of a list lookup
# (the demo city at scale 0.1 holds 919, its floating persons' counties of hukou: the lookup costs what the comparisons
# cost there, since DuckDB works it out per distinct value, and spares the provinces as strings)


def read_snapshots(
    engine: Engine, areas: Areas, source: str, dates: list[date], full: set[date]
) -> dict[date, Snapshot]:
    """The population on each of ``dates`` (with the details of those in ``full``) for every area."""
    ordered = sorted(set(dates))
    if len(ordered) > 30:
        raise ValueError("at most 30 dates at once (one bit each)")
    full_indices = [i for i, on in enumerate(ordered) if on in full]
    codes = DistrictCodes(areas)
    regions = region_values(engine)
    lookup = regions if len(regions) <= LOOKUP_LIMIT else []
    table = engine.arrow(population_sql(source, ordered, codes, lookup))
    rows = _Rows(table, codes, households=bool(full_indices), provinces=_provinces(lookup))
    result: dict[date, Snapshot] = {}
    for i, on in enumerate(ordered):
        day = rows.on(i, on)
        by_age = {
            str(kind): day.tally(kind, day.member(kind), day.sex * AGES + day.age, (3, AGES)) for kind in BLOCK_KINDS
        }
        floating = day.member("floating")
        by_permit = day.tally("floating", floating, day.sex * 2 + rows.permit, (3, 2))
        snapshot = Snapshot(on, by_age, by_permit.sum(axis=2))
        if i in full_indices:
            by_stay, by_province = _origins(day, floating)
            snapshot.details = Details(
                **_schooling(day),
                permit_holders=by_permit[:, :, 1].sum(axis=1),
                households=_households(day),
                by_stay=by_stay,
                by_province=by_province,
            )
        result[on] = snapshot
    return result


class _Rows:
    """The slim rows as NumPy arrays."""

    def __init__(self, table: pa.Table, codes: DistrictCodes, households: bool, provinces: list[str]) -> None:
        self.codes = codes
        self.size = codes.areas.size
        table = table.combine_chunks()
        self.v = _native(table, "v")
        self.district = {kind: _native(table, kind) for kind in KINDS}
        self.positive = {kind: self.district[kind] > 0 for kind in KINDS}
        self._area_rows: dict[str, np.ndarray] = {}
        self.resident_in = _native(table, "resident_in") if "resident_in" in table.column_names else None
        born_known, self.born = _days(table, "born")
        self.born[~born_known] = UNKNOWN_DAY
        self.sex = _ints(table, "sex", len(SEXES) + 1) - 1  # as counts_base.sex_index: F 0, M 1, else 2
        self.urban = _ints(table, "urban", URBAN_UNKNOWN)
        self.education = _ints(table, "education", len(EDUCATION) + 1) - 1
        self.permit = _ints(table, "permit")
        self.since_known, self.since = _days(table, "since")
        # Each row's province of hukou as an index into province_names, -1 when unknown.
        province = table.column("province").chunk(0) if table.num_rows else pa.array([], pa.int16())
        if pa.types.is_integer(province.type):
            self.province = _ints_of(province) - 1
            self.province_names = provinces
        else:
            encoded = pc.dictionary_encode(province)
            self.province = _ints_of(encoded.indices, -1)
            self.province_names = [str(name) for name in encoded.dictionary.to_pylist()]
        self.household: np.ndarray | None = None  # index of each row's household, -1 for none
        if households:
            self.household, self.households = _factorize(
                table.column("household").chunk(0) if table.num_rows else pa.array([], pa.string())
            )

    def area_row(self, kind: Kind) -> np.ndarray:
        """Each row's area row for its district of ``kind`` (0, the city, for a district not listed)."""
        if kind not in self._area_rows:
            _, area = self.codes.rows(np.arange(self.codes.size))
            self._area_rows[kind] = np.maximum(area, 0)[self.district[kind]]
        return self._area_rows[kind]

    def on(self, i: int, on: date) -> _Day:
        """The rows as they stand on ``on``, the ``i``-th date."""
        return _Day(self, i, on)


class _Day:
    """Membership and ages of the slim rows on one date, and counting over areas."""

    def __init__(self, rows: _Rows, i: int, on: date) -> None:
        self.rows = rows
        self.on = on
        self.sex = rows.sex
        self.district = rows.district
        self.valid = rows.v & (1 << i) != 0
        self.members = {kind: self.valid & rows.positive[kind] for kind in KINDS}
        if rows.resident_in is not None:  # the resident district counts on the dates its bit is set
            self.members["resident"] &= rows.resident_in & (1 << i) != 0
        self.years, self.age = _completed_years(on, rows.born)  # years -1: unknown

    def member(self, kind: Kind) -> np.ndarray:
        """Rows of members of ``kind`` on the date."""
        return self.members[kind]

    def tally(self, kind: Kind, member: np.ndarray, cell: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """Count the rows ``member`` into [areas, *shape] by their district of ``kind`` and ``cell`` (each row's
        flat index into ``shape``): the city (row 0) gets every member, a district row the members coded to it."""
        cells = int(np.prod(shape, dtype=np.int64))
        flat = self.rows.area_row(kind)[member] * cells + cell[member]
        counts = np.bincount(flat, minlength=self.rows.size * cells).reshape(self.rows.size, *shape)
        counts[0] = counts.sum(axis=0)
        return counts.astype(np.float64)


SHORT_KEY = 8  # bytes: strings this short (and without NUL bytes) are their own 64-bit integer key
DIGIT_KEY = 17  # digits: a digit string this short is (value * 32 + length) below 2**63


def _all_digits(data: np.ndarray) -> bool:
    return bool(((data >= ord("0")) & (data <= ord("9"))).all())


def _factorized(key: np.ndarray, strings: pa.Array) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(key)
    codes = np.asarray(codes, dtype=np.int64)
    codes[~_known(strings)] = -1
    return codes, len(uniques)


def _factorize(strings: pa.Array) -> tuple[np.ndarray, int]:
    """(index of each string among the distinct ones, -1 for null; an upper bound of the distinct count).

    Short strings become exact integer keys (their bytes zero-padded to eight: distinct strings without NUL bytes give
    distinct keys), and so do digit strings of up to 17 digits (value and length), which pandas factorises by an
    integer hash table at about half the cost of hashing the strings; other strings go to Arrow's
    ``dictionary_encode``. An index may stand for no row at all (the key of null slots); callers count members per
    index, so such an index counts nothing.
    """
    if pa.types.is_string(strings.type) and len(strings):
        offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=len(strings) + 1, offset=strings.offset * 4)
        lengths = np.diff(offsets)
        data_buffer = strings.buffers()[2]
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
        longest = int(lengths.max())
        if longest <= SHORT_KEY and not (data[offsets[0] : offsets[-1]] == 0).any():
            padded = np.concatenate([data, np.zeros(SHORT_KEY, dtype=np.uint8)])
            key = np.zeros(len(strings), dtype=np.uint64)
            start = offsets[:-1]
            for k in range(longest):
                byte = padded[start + k].astype(np.uint64)
                byte[lengths <= k] = 0
                key |= byte << np.uint64(8 * k)
            return _factorized(key, strings)
        if longest <= DIGIT_KEY and _all_digits(data[offsets[0] : offsets[-1]]):
            # Digit strings (household numbers often are): their value and length, an exact integer key.
            padded = np.concatenate([data, np.zeros(DIGIT_KEY, dtype=np.uint8)])
            start = offsets[:-1]
            value = np.zeros(len(strings), dtype=np.int64)
            for k in range(longest):
                digit = padded[start + k].astype(np.int64) - ord("0")
                value = np.where(lengths > k, value * 10 + digit, value)
            return _factorized((value * 32 + lengths).astype(np.uint64), strings)
    encoded = pc.dictionary_encode(strings)
    return _ints_of(encoded.indices, -1), len(encoded.dictionary)


def _known(array: pa.Array) -> np.ndarray:
    """Which values of an Arrow array are not null (its validity bitmap unpacked)."""
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    bitmap = np.frombuffer(array.buffers()[0], dtype=np.uint8)
    bits = np.unpackbits(bitmap, bitorder="little")
    return bits[array.offset : array.offset + len(array)].view(bool)


def _values(array: pa.Array) -> np.ndarray:
    """The value buffer of a fixed-width Arrow array as NumPy, without a copy (a null's slot holds any value)."""
    dtype = np.dtype(array.type.to_pandas_dtype()) if not pa.types.is_date32(array.type) else np.dtype(np.int32)
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def _ints_of(array: pa.Array, fill: int = 0) -> np.ndarray:
    """An integer (or date, as days since 1970-01-01) Arrow array as int64, nulls as ``fill``."""
    values = _values(array).astype(np.int64)
    if array.null_count:
        values[~_known(array)] = fill
    return values


def _ints(table: pa.Table, name: str, fill: int = 0) -> np.ndarray:
    """A column of a table of single chunks as int64, nulls as ``fill``."""
    if not table.num_rows:
        return np.zeros(0, dtype=np.int64)
    return _ints_of(table.column(name).chunk(0), fill)


def _native(table: pa.Table, name: str) -> np.ndarray:
    """An integer column of a table of single chunks in its own width, without a copy when it has no nulls (nulls
    as 0); read-only."""
    if not table.num_rows:
        return np.zeros(0, dtype=np.int64)
    array = table.column(name).chunk(0)
    return _values(array) if not array.null_count else _ints_of(array)


def _days(table: pa.Table, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(which are known, days since 1970-01-01 with 0 for unknown) of a date column of a table of single chunks."""
    if not table.num_rows:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
    column = table.column(name).chunk(0)
    return _known(column), _ints_of(column)


def _day_number(on: date) -> int:
    return (on - EPOCH).days


def _last_day(year: int, month: int, day: int) -> date:
    """The date (year, month, day), or the month's last day when the month is shorter."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def _months_before(on: date, months: int) -> date:
    index = on.year * 12 + on.month - 1 - months
    return _last_day(index // 12, index % 12 + 1, on.day)


def _reached(days: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """For each day, how many of ``thresholds`` (descending day numbers) it is on or before."""
    ascending = thresholds[::-1]
    return len(ascending) - np.searchsorted(ascending, days, side="left")


def _completed_years(on: date, born: np.ndarray, known: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(completed years, index on an age axis) on ``on`` of persons born on the day numbers ``born``.

    Completed years as ``age_sql`` computes them ((yyyymmdd of the date - yyyymmdd of the birth) // 10000, truncated
    toward zero), capped at MAX_YEARS; -1 for an unknown birth date (not ``known``, or a day number past any date)
    or a negative age (born a year or more after the date). The index is ``min(years, OPEN_AGE)``, AGE_UNKNOWN for -1.

    k completed years <=> born on or before the same day k years earlier (28 February for 29 February), so the age
    is a count of thresholds reached. Born after the date but less than a year after, the truncated difference is 0.
    """
    thresholds = np.array([_day_number(_last_day(on.year - k, on.month, on.day)) for k in range(1, MAX_YEARS + 1)])
    # The last day whose yyyymmdd is less than the date's plus 10000: the day before the same day a year later.
    latest = _day_number(_last_day(on.year + 1, on.month, on.day)) - (1 if on.month != 2 or on.day != 29 else 0)
    # Tables over the days from the oldest threshold to the latest day, then one slot for later days: one lookup
    # per person (a day before the oldest threshold takes the first slot, MAX_YEARS).
    first = int(thresholds[-1])
    years = np.append(_reached(np.arange(first, latest + 1), thresholds), -1)
    ages = np.where(years < 0, AGE_UNKNOWN, np.minimum(years, OPEN_AGE))
    offset = np.minimum(np.maximum(born - first, 0), len(years) - 1)
    if known is not None:
        offset[~known] = len(years) - 1
    return years[offset], ages[offset]


def _schooling(day: _Day) -> dict[str, dict[str, np.ndarray]]:
    """Urban persons, persons with an urban-rural code, years of schooling and persons aged 16-59 with an education
    record, per block and area."""
    rows = day.rows
    working = ((day.years >= SCHOOLING_AGES[0]) & (day.years <= SCHOOLING_AGES[1])).astype(np.int64)
    shape = (URBAN_UNKNOWN + 1, len(EDUCATION) + 1, 2)
    cell = (rows.urban * shape[1] + rows.education) * 2 + working
    sums: dict[str, dict[str, np.ndarray]] = {
        name: {} for name in ("urban", "urban_known", "schooling_years", "schooling_known")
    }
    for kind in BLOCK_KINDS:
        counts = day.tally(kind, day.member(kind), cell, shape)
        sums["urban"][kind] = counts[:, 1].sum(axis=(1, 2))
        sums["urban_known"][kind] = counts[:, :URBAN_UNKNOWN].sum(axis=(1, 2, 3))
        schooled = counts[:, :, : len(EDUCATION), 1].sum(axis=1)  # [areas, education codes]
        sums["schooling_years"][kind] = schooled @ SCHOOL_YEARS
        sums["schooling_known"][kind] = schooled.sum(axis=1)
    return sums


def _origins(day: _Day, floating: np.ndarray) -> tuple[np.ndarray, list[dict[str, int]]]:
    """The floating population on the date by time lived in the city (whole months since moving in, in the groups
    of STAY_LABELS; the last index for unknown) and by province of hukou, per area."""
    rows = day.rows
    on = day.on
    # The bucket is the number of bounds B reached: B whole months lived by ``on`` <=> moved in on or before the
    # same day B months earlier (the month's last day when it is shorter), as the months arithmetic of the SQL had it.
    reached = np.array([_day_number(_months_before(on, bound)) for bound in STAY_BOUNDS_MONTHS])
    stay = np.where(rows.since_known, _reached(rows.since, reached), len(STAY_LABELS))
    by_stay = day.tally("floating", floating, stay, (len(STAY_LABELS) + 1,))
    names = [f"{name}0000" if name else "" for name in rows.province_names]
    keys = sorted(set(names) | {""})  # '' and unknown alike
    position = np.array([keys.index(name) for name in names] + [keys.index("")], dtype=np.int64)
    counts = day.tally("floating", floating, position[rows.province], (len(keys),))
    by_province = [
        {key: int(count) for key, count in zip(keys, area.tolist(), strict=True) if count} for area in counts
    ]
    return by_stay, by_province


def _households(day: _Day) -> dict[str, np.ndarray]:
    """Per block and area: households, their members, one-person and elderly-only (every member 60 or older)
    households. A household belongs to a block when one of its members does (valid on the date, a member of that
    block); its district is the smallest of those members' (coded values keep the codes' order)."""
    rows = day.rows
    assert rows.household is not None
    size = rows.size
    result: dict[str, np.ndarray] = {}
    for kind in BLOCK_KINDS:
        member = day.member(kind) & (rows.household >= 0)
        household = rows.household[member]
        district = day.district[kind][member].astype(np.int64)  # ufunc.at is fast on matching types
        members = np.bincount(household, minlength=rows.households)
        elderly = np.bincount(household[day.years[member] >= ELDERLY_AGE], minlength=rows.households)
        smallest = np.full(rows.households, np.iinfo(np.int64).max)
        np.minimum.at(smallest, household, district)
        present = members > 0
        _, area = rows.codes.rows(smallest[present])
        counts = members[present]
        target = np.zeros((size, 4))
        flat = np.where(area >= 0, area, 0)
        for column, weights in enumerate((np.ones(len(counts)), counts, counts == 1, elderly[present] == counts)):
            target[:, column] = np.bincount(flat, weights=np.asarray(weights, dtype=np.float64), minlength=size)
        target[0] = target.sum(axis=0)
        result[str(kind)] = target
    return result
