"""The previous population query of ``renkou stats`` (before the one-pass snapshots), kept as a reference.

Copied unchanged from renkou/stats/counts_population.py as of commit 39b7760 (its tests against hand computations
passed then); the fast path must give the same arrays on any register (test_stats_fast_path.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
from renkou.register.codes import YEARS_OF_SCHOOLING
from renkou.register.population import Kind, age_sql, membership_sql
from renkou.stats.counts_base import (
    BLOCK_KINDS,
    STAY_BOUNDS_MONTHS,
    STAY_LABELS,
    Areas,
    age_index,
    column_values,
    day_sql,
    scatter,
    sex_index,
)
from renkou.stats.indicators import OPEN_AGE

KINDS: tuple[Kind, ...] = (*BLOCK_KINDS, "floating")
ELDERLY_AGE = 60
SCHOOLING_AGES = (16, 59)  # working age for the mean years of schooling (劳动年龄人口)
STOCKS, ORIGINS, HOUSEHOLDS = 1, 2, 3  # the three groupings of the population query, in its ``part`` column


@dataclass
class PopulationCounts:
    """Arrays over areas (row 0 the city) from the population pass."""

    start: dict[str, np.ndarray]  # registered / resident: [areas, 3 sexes, ages + unknown]
    end: dict[str, np.ndarray]
    floating_start: np.ndarray  # [areas, 3 sexes]
    floating_end: np.ndarray
    urban: dict[str, np.ndarray]  # per kind: [areas]
    urban_known: dict[str, np.ndarray]
    schooling_years: dict[str, np.ndarray]
    schooling_known: dict[str, np.ndarray]
    permit_holders: np.ndarray  # floating: [areas]
    households: dict[str, np.ndarray]  # per block: [areas, 4] households, members, one-person, elderly-only
    by_stay: np.ndarray  # floating: [areas, len(STAY_LABELS) + 1]
    by_province: list[dict[str, int]]  # floating: per area, province code -> persons


def _stay_sql(on: date) -> str:
    """Bucket of whole months lived in the city on ``on`` (index into STAY_LABELS; the last index for unknown)."""
    day = day_sql(on)
    months = (
        f"((year({day}) * 12 + month({day})) - (year(s.residence_since) * 12 + month(s.residence_since)) "
        f"- CASE WHEN day({day}) < day(s.residence_since) THEN 1 ELSE 0 END)"
    )
    buckets = " ".join(f"WHEN {months} < {bound} THEN {i}" for i, bound in enumerate(STAY_BOUNDS_MONTHS))
    return f"CASE WHEN s.residence_since IS NULL THEN {len(STAY_LABELS)} {buckets} ELSE {len(STAY_BOUNDS_MONTHS)} END"


def _valid(on: date) -> str:
    day = day_sql(on)
    return f"(s.valid_from <= {day} AND {day} < s.valid_to)"


def _member(kind: Kind, on: date) -> str:
    condition, district = membership_sql(kind, on)
    return f"CASE WHEN {condition} THEN coalesce({district}, '') END"


def _people_sql(source: str, start: date, end: date) -> str:
    """One slim row per state row valid on either date whose person belongs to any population on either date.

    ``<kind>_0`` / ``<kind>_1`` is the district at the start / end (null when not a member), ``age_0`` / ``age_1``
    the completed age. A state row valid on both dates is judged once when the definition does not depend on the
    date (registered, floating: the same SQL for both dates), and its age at the start is one less than at the end
    (the dates are exactly a year apart); this saves a third of the work.
    """
    schooling = " ".join(f"WHEN '{code}' THEN {years}" for code, years in YEARS_OF_SCHOOLING.items())
    same_day = (start.month, start.day) == (end.month, end.day)
    at_start = []
    for kind in KINDS:
        if membership_sql(kind, start) == membership_sql(kind, end):
            at_start.append(
                f"CASE WHEN valid_0 AND valid_1 THEN {kind}_1 WHEN valid_0 THEN {_member(kind, start)} END AS {kind}_0"
            )
        else:
            at_start.append(f"CASE WHEN valid_0 THEN {_member(kind, start)} END AS {kind}_0")
    shortcut = "WHEN valid_0 AND valid_1 THEN age_1 - 1 " if same_day else ""
    at_start.append(f"CASE {shortcut}WHEN valid_0 THEN {age_sql(start)} END AS age_0")
    at_end = [f"CASE WHEN {_valid(end)} THEN {_member(kind, end)} END AS {kind}_1" for kind in KINDS]
    at_end.append(f"CASE WHEN {_valid(end)} THEN {age_sql(end)} END AS age_1")
    member = " OR ".join(f"{kind}_{i} IS NOT NULL" for kind in KINDS for i in (0, 1))
    return f"""
SELECT * FROM (
  SELECT {", ".join(at_start)}, registered_1, resident_1, floating_1, age_1, s.sex AS sex,
    starts_with(s.urban_rural, '1') AS urban, CASE s.education {schooling} END AS schooling,
    s.permit_status = 'valid' AS permit,
    CASE WHEN floating_1 IS NOT NULL THEN left(s.hukou_region, 2) END AS province,
    CASE WHEN floating_1 IS NOT NULL THEN {_stay_sql(end)} END AS stay,
    CASE WHEN registered_1 IS NOT NULL OR resident_1 IS NOT NULL THEN s.household_id END AS household
  FROM (
    SELECT s.*, {", ".join(at_end)}, {_valid(start)} AS valid_0, {_valid(end)} AS valid_1
    FROM {source} s
    WHERE s.valid_to > {day_sql(start)} AND s.valid_from <= {day_sql(end)}
  ) s
)
WHERE {member}"""


def population_sql(source: str, start: date, end: date) -> str:
    """The population query: the slim rows are computed once and grouped three ways (``part`` 1, 2, 3)."""
    per_household = ", ".join(
        f"count({kind}_1) AS {kind}_members, min({kind}_1) AS {kind}_district, "
        f"count(*) FILTER (WHERE {kind}_1 IS NOT NULL AND age_1 >= {ELDERLY_AGE}) AS {kind}_elderly"
        for kind in BLOCK_KINDS
    )
    household_keys = ", ".join(
        f"{kind}_district AS {kind}_household_d, least({kind}_members, 2) AS {kind}_size, "
        f"{kind}_members > 0 AND {kind}_elderly = {kind}_members AS {kind}_elderly_only"
        for kind in BLOCK_KINDS
    )
    household_sums = ", ".join(f"sum({kind}_members) AS {kind}_members" for kind in BLOCK_KINDS)
    return f"""
WITH people AS MATERIALIZED ({_people_sql(source, start, end)})
SELECT {STOCKS} AS part, registered_0, resident_0, floating_0, age_0, registered_1, resident_1, floating_1, age_1,
  sex, urban, count(*) AS n, sum(schooling) AS schooling_years, count(schooling) AS schooling_known,
  count(*) FILTER (WHERE permit) AS permits
FROM people GROUP BY ALL
UNION ALL BY NAME
SELECT {ORIGINS} AS part, floating_1, province, stay, count(*) AS n
FROM people WHERE floating_1 IS NOT NULL GROUP BY ALL
UNION ALL BY NAME
SELECT {HOUSEHOLDS} AS part, {household_keys}, count(*) AS households, {household_sums}
FROM (SELECT household, {per_household} FROM people WHERE household IS NOT NULL GROUP BY household)
GROUP BY ALL"""


def read_population(engine: Engine, areas: Areas, source: str, start: date, end: date) -> PopulationCounts:
    """Run the population query and scatter its rows into arrays over ``areas``."""
    table = engine.arrow(population_sql(source, start, end))
    part = np.asarray(table.column("part").to_numpy(zero_copy_only=False), dtype=np.int64)
    counts = _stocks(table.filter(pa.array(part == STOCKS)), areas)
    counts.by_stay, counts.by_province = _origins(table.filter(pa.array(part == ORIGINS)), areas)
    counts.households = _households(table.filter(pa.array(part == HOUSEHOLDS)), areas)
    return counts


def _stocks(table: pa.Table, areas: Areas) -> PopulationCounts:
    size = areas.size
    sex = sex_index(table.column("sex"))
    n = column_values(table, "n")
    urban_flag = table.column("urban")
    is_urban = np.asarray(pc.fill_null(urban_flag, False).to_numpy(zero_copy_only=False), dtype=np.float64)
    has_code = np.asarray(pc.is_valid(urban_flag).to_numpy(zero_copy_only=False), dtype=np.float64)
    age_end = age_index(table.column("age_1"))
    schooling = (age_end >= SCHOOLING_AGES[0]) & (age_end <= SCHOOLING_AGES[1])
    result: dict[str, dict[str, np.ndarray]] = {}
    floating: dict[str, np.ndarray] = {}
    for suffix, when in (("0", "start"), ("1", "end")):
        age = age_index(table.column(f"age_{suffix}"))
        for kind in KINDS:
            member, rows = areas.rows(table.column(f"{kind}_{suffix}"))
            if kind == "floating":
                floating[when] = np.zeros((size, 3))
                scatter(floating[when], member, rows, (sex,), n)
            else:
                by_age = np.zeros((size, 3, OPEN_AGE + 2))
                scatter(by_age, member, rows, (sex, age), n)
                result.setdefault(kind, {})[when] = by_age
    sums: dict[str, dict[str, np.ndarray]] = {name: {} for name in ("urban", "known", "years", "schooled", "permits")}
    for kind in KINDS:
        member, rows = areas.rows(table.column(f"{kind}_1"))
        for name, weights in (
            ("urban", n * is_urban),
            ("known", n * has_code),
            ("years", column_values(table, "schooling_years") * schooling),
            ("schooled", column_values(table, "schooling_known") * schooling),
            ("permits", column_values(table, "permits")),
        ):
            target = np.zeros(size)
            scatter(target, member, rows, (), weights)
            sums[name][kind] = target
    return PopulationCounts(
        start={kind: result[kind]["start"] for kind in BLOCK_KINDS},
        end={kind: result[kind]["end"] for kind in BLOCK_KINDS},
        floating_start=floating["start"],
        floating_end=floating["end"],
        urban=sums["urban"],
        urban_known=sums["known"],
        schooling_years=sums["years"],
        schooling_known=sums["schooled"],
        permit_holders=sums["permits"]["floating"],
        households={},
        by_stay=np.zeros((size, len(STAY_LABELS) + 1)),
        by_province=[],
    )


def _origins(table: pa.Table, areas: Areas) -> tuple[np.ndarray, list[dict[str, int]]]:
    size = areas.size
    member, rows = areas.rows(table.column("floating_1"))
    stay = np.asarray(table.column("stay").fill_null(len(STAY_LABELS)).to_numpy(zero_copy_only=False), dtype=np.intp)
    n = column_values(table, "n")
    by_stay = np.zeros((size, len(STAY_LABELS) + 1))
    scatter(by_stay, member, rows, (stay,), n)
    by_province: list[dict[str, int]] = [{} for _ in range(size)]
    for is_member, row, province, count in zip(
        member.tolist(), rows.tolist(), table.column("province").to_pylist(), n.tolist(), strict=True
    ):
        if not is_member:
            continue
        key = f"{province}0000" if province else ""
        for area in (0, row) if row >= 0 else (0,):
            by_province[area][key] = by_province[area].get(key, 0) + int(count)
    return by_stay, by_province


def _households(table: pa.Table, areas: Areas) -> dict[str, np.ndarray]:
    households = column_values(table, "households")
    result: dict[str, np.ndarray] = {}
    for kind in BLOCK_KINDS:
        member, rows = areas.rows(table.column(f"{kind}_household_d"))
        size = np.asarray(table.column(f"{kind}_size").fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
        elderly = np.asarray(
            table.column(f"{kind}_elderly_only").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool
        )
        target = np.zeros((areas.size, 4))
        for column, weights in enumerate(
            (households, column_values(table, f"{kind}_members"), households * (size == 1), households * elderly)
        ):
            scatter(target[:, column], member, rows, (), weights)
        result[kind] = target
    return result
