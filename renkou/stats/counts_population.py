"""The population side of the counts: the state on a set of dates, read from the register in one statement.

For every date asked (the start and the end of each year wanted) the statement reads the state rows valid on any of
them once and reduces each to one slim row of small integers: which of the dates it is valid on (a bit mask), the
person's registered, resident and floating district (null when not a member, by the register's own
``membership_sql``; coded as small integers that keep the codes' order, :class:`DistrictCodes`), birth date, sex,
urban, education and permit. Those rows flow (not stored) into a few groupings in the same statement:

1. for each date, the stocks: one integer key per row (districts of the three kinds, sex, completed age as
   ``age_sql`` computes it, permit);
2. for each "full" date (an as-of date, whose indicator set needs more than the stocks): districts x urban x
   education x working age, for the urbanization rate and the mean years of schooling;
3. households on each full date: each household's members per block, reduced in the database to counts per
   district and size class (one person / elderly only), so that only a few rows leave it;
4. the floating population on each full date by province of hukou and time lived in the city.

Only grouped rows leave the database; NumPy spreads them over the areas. Reading the state once for all dates costs
one pass however many years a report covers: a date that ends one year and starts the next is judged once, and the
membership of a kind whose definition does not depend on the date (registered, floating) once per state row.
(Grouping on one integer key is much cheaper for DuckDB than on the district codes themselves, and a temporary
table would cost more to write than the whole query.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
from renkou.register.codes import YEARS_OF_SCHOOLING
from renkou.register.population import Kind, membership_sql
from renkou.stats.counts_base import (
    AGE_UNKNOWN,
    BLOCK_KINDS,
    STAY_BOUNDS_MONTHS,
    STAY_LABELS,
    Areas,
    column_values,
    day_sql,
)
from renkou.stats.indicators import OPEN_AGE

KINDS: tuple[Kind, ...] = (*BLOCK_KINDS, "floating")
ELDERLY_AGE = 60
SCHOOLING_AGES = (16, 59)  # working age for the mean years of schooling (劳动年龄人口)
STOCKS, DETAILS, HOUSEHOLDS, ORIGINS = 1, 2, 3, 4  # ``part`` of a result row = grouping * PART_STRIDE + date index
PART_STRIDE = 1000
AGES = OPEN_AGE + 2  # single years 0..OPEN_AGE (open) and unknown
SEX_SQL = "CASE s.sex WHEN 'F' THEN 0 WHEN 'M' THEN 1 ELSE 2 END"  # as counts_base.sex_index
EDUCATION = tuple(YEARS_OF_SCHOOLING)  # education codes with years of schooling; index len(EDUCATION): none known
SCHOOL_YEARS = np.array([YEARS_OF_SCHOOLING[code] for code in EDUCATION], dtype=np.float64)
URBAN_UNKNOWN = 2


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

    def rows(self, coded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(member, area row or -1 for the city only) of coded values."""
        lookup = np.full(self.size, -1, dtype=np.intp)
        position = {code: i + 1 for i, code in enumerate(self.areas.codes[1:])}
        for i, code in enumerate(self.ordered):
            lookup[2 * (i + 1)] = position[code]
        return coded > 0, lookup[coded]


def _stamp(on: date) -> int:
    return on.year * 10000 + on.month * 100 + on.day


# Index on an age axis (0..OPEN_AGE, then unknown) from ``a``, the completed years (see _dated): like age_index, a
# negative age is unknown. ``//`` truncates toward zero as in ``age_sql``, so a birth less than a year after the date
# gives 0 there and here, and a is negative only from a year on.
AGE_INDEX = f"CASE WHEN a IS NULL OR a < 0 THEN {AGE_UNKNOWN} ELSE least(a, {OPEN_AGE}) END"


def _dated(on: date, bit: int, condition: str = "") -> str:
    """The rows of ``people`` valid on ``on`` (its ``bit``) with ``a``, the completed years on it from the birth
    stamp (the arithmetic of ``age_sql``), computed once for the expressions that use it."""
    return f"(SELECT *, ({_stamp(on)} - born) // 10000 AS a FROM people WHERE v & {bit} <> 0 {condition})"


def _valid(on: date) -> str:
    day = day_sql(on)
    return f"(s.valid_from <= {day} AND {day} < s.valid_to)"


def _member_columns(dates: list[date]) -> tuple[list[str], dict[str, list[str]], dict[tuple[str, int], str]]:
    """The membership of every kind on ``dates``: (columns of the inner query, the coded columns of the slim rows by
    the district column each codes, which slim column answers (kind, date index)).

    A kind whose membership SQL is the same on every date (registered, floating) gets one column, its district
    ('' when unknown) or null when not a member: the date only decides through the row's validity. A kind whose
    condition depends on the date (resident) gets its district once and a flag per date (valid on it and a member);
    its district is coded once and kept on the dates whose flag is set. (Coding is the dearest expression per row.)
    """
    inner: list[str] = []
    coded: dict[str, list[str]] = {}
    which: dict[tuple[str, int], str] = {}
    for kind in KINDS:
        texts = [membership_sql(kind, on) for on in dates]
        if all(text == texts[0] for text in texts):
            condition, district = texts[0]
            inner.append(f"CASE WHEN {condition} THEN coalesce({district}, '') END AS {kind}")
            coded[kind] = [f"{{code}} AS {kind}"]
            which.update({(kind, i): kind for i in range(len(dates))})
            continue
        if any(text[1] != texts[0][1] for text in texts):
            raise RuntimeError(f"membership_sql: the district of {kind} depends on the date; code it per date")
        inner.append(f"coalesce({texts[0][1]}, '') AS {kind}_district")
        coded[f"{kind}_district"] = []
        for i, (on, (condition, _)) in enumerate(zip(dates, texts, strict=True)):
            inner.append(f"{_valid(on)} AND {condition} AS {kind}_in_{i}")
            coded[f"{kind}_district"].append(f"CASE WHEN {kind}_in_{i} THEN {{code}} ELSE 0 END AS {kind}_{i}")
            which[(kind, i)] = f"{kind}_{i}"
    return inner, coded, which


def _people_sql(source: str, dates: list[date], codes: DistrictCodes) -> tuple[str, dict[tuple[str, int], str]]:
    """The slim rows from the state rows ``source`` for ``dates``, and the district column of each (kind, date)."""
    inner, coded, which = _member_columns(dates)
    once = ", ".join(f"coalesce({codes.sql(column)}, 0) AS {column}_code" for column in coded)
    kept = ", ".join(
        expression.format(code=f"{column}_code") for column, expressions in coded.items() for expression in expressions
    )
    education = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(EDUCATION))
    mask = " + ".join(f"CASE WHEN {_valid(on)} THEN {1 << i} ELSE 0 END" for i, on in enumerate(dates))
    floating = " OR ".join(f"{c} IS NOT NULL" for c in dict.fromkeys(which[("floating", i)] for i in range(len(dates))))
    sql = f"""
SELECT v, {kept}, born, sex, urban, education, permit, household,
  CASE WHEN {floating} THEN left(hukou_region, 2) END AS province,
  year(residence_since) * 12 + month(residence_since) AS since_month, day(residence_since) AS since_day
FROM (
  SELECT *, {once} FROM (
    SELECT CAST({mask} AS INTEGER) AS v, {", ".join(inner)},
      CAST(year(s.birth_date) * 10000 + month(s.birth_date) * 100 + day(s.birth_date) AS INTEGER) AS born,
      CAST({SEX_SQL} AS TINYINT) AS sex,
      CAST(coalesce(CAST(starts_with(s.urban_rural, '1') AS TINYINT), {URBAN_UNKNOWN}) AS TINYINT) AS urban,
      CAST(CASE s.education {education} ELSE {len(EDUCATION)} END AS TINYINT) AS education,
      CAST(coalesce(s.permit_status = 'valid', false) AS TINYINT) AS permit,
      s.hukou_region, s.residence_since, s.household_id AS household
    FROM {source} s
    WHERE s.valid_to > {day_sql(min(dates))} AND s.valid_from <= {day_sql(max(dates))}
  )
  WHERE v <> 0
)"""
    return sql, which


def _with_stay(on: date, condition: str) -> str:
    """The rows of ``people`` meeting ``condition`` with ``stay``, the bucket of whole months lived in the city on
    ``on`` (index into STAY_LABELS; the last index for unknown)."""
    months = f"({on.year * 12 + on.month} - since_month - CASE WHEN {on.day} < since_day THEN 1 ELSE 0 END)"
    buckets = " ".join(f"WHEN m < {bound} THEN {i}" for i, bound in enumerate(STAY_BOUNDS_MONTHS))
    stay = f"CASE WHEN m IS NULL THEN {len(STAY_LABELS)} {buckets} ELSE {len(STAY_BOUNDS_MONTHS)} END"
    return f"(SELECT * EXCLUDE (m), {stay} AS stay FROM (SELECT *, {months} AS m FROM people WHERE {condition}))"


def _key(parts: list[tuple[str, int]]) -> str:
    """One BIGINT from small integer columns: ``parts`` are (expression, number of values), most significant
    first; :func:`_unkey` takes it apart."""
    key = f"CAST({parts[0][0]} AS BIGINT)"
    for expression, size in parts[1:]:
        key = f"({key} * {size} + {expression})"
    return key


def _unkey(keys: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    values = []
    rest = keys.astype(np.int64)
    for size in reversed(sizes[1:]):
        rest, value = np.divmod(rest, size)
        values.append(value.astype(np.intp))
    values.append(rest.astype(np.intp))
    return values[::-1]


def _layout(codes: DistrictCodes) -> dict[int, list[int]]:
    """Sizes of the key parts of each grouping (see :func:`population_sql`)."""
    c = codes.size
    return {
        STOCKS: [c, c, c, 3, AGES, 2],
        DETAILS: [c, c, URBAN_UNKNOWN + 1, len(EDUCATION) + 1, 2],
    }


def population_sql(source: str, dates: list[date], full: list[int], codes: DistrictCodes) -> str:
    """The statement for ``dates`` (details, households and origins for the date indices ``full``)."""
    people, which = _people_sql(source, dates, codes)
    sizes = _layout(codes)
    parts = []
    for i, on in enumerate(dates):
        registered, resident, floating = (which[(kind, i)] for kind in KINDS)
        bit = 1 << i
        members = f"AND ({registered} > 0 OR {resident} > 0)"
        stock = _key(
            list(zip([registered, resident, floating, "sex", AGE_INDEX, "permit"], sizes[STOCKS], strict=True))
        )
        parts.append(
            f"SELECT {STOCKS * PART_STRIDE + i} AS part, {stock} AS key, count(*) AS n FROM {_dated(on, bit)} "
            "GROUP BY key"
        )
        if i not in full:
            continue
        working = f"CAST(coalesce(a BETWEEN {SCHOOLING_AGES[0]} AND {SCHOOLING_AGES[1]}, false) AS INTEGER)"
        detail = _key(list(zip([registered, resident, "urban", "education", working], sizes[DETAILS], strict=True)))
        parts.append(
            f"SELECT {DETAILS * PART_STRIDE + i} AS part, {detail} AS key, count(*) AS n "
            f"FROM {_dated(on, bit, members)} GROUP BY key"
        )
        elderly = f"a >= {ELDERLY_AGE}"
        per_household = ", ".join(
            f"count(*) FILTER (WHERE {col} > 0) AS {kind}_members, min(nullif({col}, 0)) AS {kind}_district, "
            f"count(*) FILTER (WHERE {col} > 0 AND {elderly}) AS {kind}_elderly"
            for kind, col in (("registered", registered), ("resident", resident))
        )
        household_keys = ", ".join(
            f"{kind}_district AS {kind}_household_d, least({kind}_members, 2) AS {kind}_size, "
            f"{kind}_members > 0 AND {kind}_elderly = {kind}_members AS {kind}_elderly_only"
            for kind in BLOCK_KINDS
        )
        household_sums = ", ".join(f"sum({kind}_members) AS {kind}_members" for kind in BLOCK_KINDS)
        parts.append(
            f"SELECT {HOUSEHOLDS * PART_STRIDE + i} AS part, {household_keys}, count(*) AS n, {household_sums}\n"
            f"FROM (SELECT household, {per_household} FROM {_dated(on, bit, 'AND household IS NOT NULL ' + members)} "
            "GROUP BY household)\nGROUP BY ALL"
        )
        parts.append(
            f"SELECT {ORIGINS * PART_STRIDE + i} AS part, {floating} AS origin_d, province, stay, count(*) AS n "
            f"FROM {_with_stay(on, f'v & {bit} <> 0 AND {floating} > 0')} GROUP BY ALL"
        )
    union = "\nUNION ALL BY NAME\n".join(parts)
    return f"WITH people AS MATERIALIZED ({people}\n)\n{union}"


def read_snapshots(
    engine: Engine, areas: Areas, source: str, dates: list[date], full: set[date]
) -> dict[date, Snapshot]:
    """The population on each of ``dates`` (with the details of those in ``full``) for every area."""
    ordered = sorted(set(dates))
    if len(ordered) > 30:
        raise ValueError("at most 30 dates at once (one bit each)")
    full_indices = [i for i, on in enumerate(ordered) if on in full]
    codes = DistrictCodes(areas)
    table = engine.arrow(population_sql(source, ordered, full_indices, codes))
    part = np.asarray(table.column("part").to_numpy(zero_copy_only=False), dtype=np.int64)
    sizes = _layout(codes)

    def rows_of(grouping: int, i: int) -> pa.Table:
        return table.filter(pa.array(part == grouping * PART_STRIDE + i))

    result: dict[date, Snapshot] = {}
    for i, on in enumerate(ordered):
        stock = rows_of(STOCKS, i)
        n = column_values(stock, "n")
        registered, resident, floating, sex, age, permit = _unkey(_ints(stock.column("key")), sizes[STOCKS])
        by_age = {}
        for kind, coded in (("registered", registered), ("resident", resident)):
            member, area = codes.rows(coded)
            by_age[kind] = _count(areas.size, member, area, sex * AGES + age, (3, AGES), n)
        member, area = codes.rows(floating)
        by_permit = _count(areas.size, member, area, sex * 2 + permit, (3, 2), n)
        snapshot = Snapshot(on, by_age, by_permit.sum(axis=2))
        if i in full_indices:
            by_stay, by_province = _origins(rows_of(ORIGINS, i), areas, codes)
            snapshot.details = Details(
                **_schooling(rows_of(DETAILS, i), areas, codes, sizes[DETAILS]),
                permit_holders=by_permit[:, :, 1].sum(axis=1),
                households=_households(rows_of(HOUSEHOLDS, i), areas, codes),
                by_stay=by_stay,
                by_province=by_province,
            )
        result[on] = snapshot
    return result


def _ints(column: pa.ChunkedArray, fill: int = 0) -> np.ndarray:
    return np.asarray(pc.fill_null(column, fill).to_numpy(zero_copy_only=False), dtype=np.int64)


def _count(
    size: int,
    member: np.ndarray,
    area: np.ndarray,
    cell: np.ndarray | None,
    shape: tuple[int, ...],
    weights: np.ndarray,
) -> np.ndarray:
    """Sum ``weights`` of members into [areas, *shape] (``cell``: each row's flat index into ``shape``): their
    district row, and the city (row 0). Members without a listed district are first put in row 0, which then gets
    the whole city's sum."""
    rows = area[member]
    flat = np.where(rows >= 0, rows, 0)
    cells = int(np.prod(shape, dtype=np.int64))
    if cell is not None:
        flat = flat * cells + cell[member]
    counts = np.bincount(flat, weights=weights[member], minlength=size * cells).reshape(size, *shape)
    counts[0] = counts.sum(axis=0)
    return counts


def _schooling(
    table: pa.Table, areas: Areas, codes: DistrictCodes, sizes: list[int]
) -> dict[str, dict[str, np.ndarray]]:
    """Urban persons, persons with an urban-rural code, years of schooling and persons aged 16-59 with an education
    record, per block and area."""
    n = column_values(table, "n")
    registered, resident, urban, education, working = _unkey(_ints(table.column("key")), sizes)
    shape = (URBAN_UNKNOWN + 1, len(EDUCATION) + 1, 2)
    cell = (urban * shape[1] + education) * 2 + working
    sums: dict[str, dict[str, np.ndarray]] = {
        name: {} for name in ("urban", "urban_known", "schooling_years", "schooling_known")
    }
    for kind, coded in (("registered", registered), ("resident", resident)):
        member, area = codes.rows(coded)
        counts = _count(areas.size, member, area, cell, shape, n)
        sums["urban"][kind] = counts[:, 1].sum(axis=(1, 2))
        sums["urban_known"][kind] = counts[:, :URBAN_UNKNOWN].sum(axis=(1, 2, 3))
        schooled = counts[:, :, : len(EDUCATION), 1].sum(axis=1)  # [areas, education codes]
        sums["schooling_years"][kind] = schooled @ SCHOOL_YEARS
        sums["schooling_known"][kind] = schooled.sum(axis=1)
    return sums


def _origins(table: pa.Table, areas: Areas, codes: DistrictCodes) -> tuple[np.ndarray, list[dict[str, int]]]:
    member, rows = codes.rows(_ints(table.column("origin_d")))
    stay = _ints(table.column("stay"), len(STAY_LABELS))
    n = column_values(table, "n")
    by_stay = _count(areas.size, member, rows, stay, (len(STAY_LABELS) + 1,), n)
    by_province: list[dict[str, int]] = [{} for _ in range(areas.size)]
    for is_member, row, province, count in zip(
        member.tolist(), rows.tolist(), table.column("province").to_pylist(), n.tolist(), strict=True
    ):
        if not is_member:
            continue
        key = f"{province}0000" if province else ""
        for area in (0, row) if row >= 0 else (0,):
            by_province[area][key] = by_province[area].get(key, 0) + int(count)
    return by_stay, by_province


def _households(table: pa.Table, areas: Areas, codes: DistrictCodes) -> dict[str, np.ndarray]:
    households = column_values(table, "n")
    result: dict[str, np.ndarray] = {}
    for kind in BLOCK_KINDS:
        member, rows = codes.rows(_ints(table.column(f"{kind}_household_d")))
        size = _ints(table.column(f"{kind}_size"))
        elderly = np.asarray(
            pc.fill_null(table.column(f"{kind}_elderly_only"), False).to_numpy(zero_copy_only=False), dtype=bool
        )
        target = np.zeros((areas.size, 4))
        for column, weights in enumerate(
            (households, column_values(table, f"{kind}_members"), households * (size == 1), households * elderly)
        ):
            target[:, column] = _count(areas.size, member, rows, None, (), weights)
        result[kind] = target
    return result
