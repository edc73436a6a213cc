"""Counts behind the indicators, read from the register in a few grouped queries through the Engine interface.

One statement over the state rows gives the populations of every kind at both ends of the year, the households and
the floating population's origins (:mod:`renkou.stats.counts_population`); one statement finds the persons' states
on the days of the year's births, deaths and moves, and three small queries count those
(:mod:`renkou.stats.counts_events`).
The arithmetic happens afterwards in NumPy (:mod:`renkou.stats.indicators`). Arrays have the areas on their first
axis: index 0 is the whole city, then one row per district of :class:`Areas`; persons whose district is not one of
the listed districts count for the city only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from renkou.engine import Engine
from renkou.stats.counts_base import BLOCK_KINDS, STAY_LABELS, Areas, day_sql, known_sql, state_rows_sql, year_start
from renkou.stats.counts_events import MOVE_GROUPS, EventCounts, read_events, read_events_series
from renkou.stats.counts_population import Snapshot, no_details, read_snapshots

FloatArray = np.ndarray
PAST_STATE_ROWS = "rk_stats_past_state_rows"  # temporary table of the state rows as known at a past time

__all__ = [
    "BLOCK_KINDS",
    "MOVE_GROUPS",
    "STAY_LABELS",
    "Areas",
    "BlockCounts",
    "CountsSeries",
    "FloatingCounts",
    "RegisterCounts",
    "RegisterRange",
    "district_list",
    "make_areas",
    "read_counts",
    "read_counts_series",
    "register_range",
    "year_start",
]


@dataclass
class BlockCounts:
    """Counts of one population (registered or resident) for every area."""

    population_start: FloatArray  # [areas, 3 sexes, ages 0..100+ and unknown]
    population_end: FloatArray
    urban: FloatArray  # [areas] urban persons on the as-of date
    urban_known: FloatArray  # [areas] persons with an urban-rural code
    schooling_years: FloatArray  # [areas] sum of years of schooling, ages 16-59
    schooling_known: FloatArray  # [areas] persons aged 16-59 with an education record
    births: FloatArray  # [areas, 3 sexes of the child]
    births_by_mother_age: FloatArray  # [areas, 35 single years 15..49 and unknown]
    deaths: FloatArray  # [areas, 3 sexes, ages]
    households: FloatArray  # [areas]
    household_members: FloatArray  # [areas]
    one_person_households: FloatArray  # [areas]
    elderly_only_households: FloatArray  # [areas]
    moves: FloatArray | None = None  # [areas, 2 (in, out), five-year groups and unknown]; registered only


@dataclass
class FloatingCounts:
    """Counts of the floating population for every area."""

    population_start: FloatArray  # [areas, 3 sexes]
    population_end: FloatArray  # [areas, 3 sexes]
    permit_holders: FloatArray  # [areas]
    by_stay: FloatArray  # [areas, len(STAY_LABELS) + 1 (unknown)]
    by_province: list[dict[str, int]] = field(default_factory=list)  # per area: province code -> persons


@dataclass
class RegisterCounts:
    """Everything the indicators need, for the year ending on ``as_of``."""

    as_of: date
    start: date
    areas: Areas
    blocks: dict[str, BlockCounts]
    floating: FloatingCounts


@dataclass(frozen=True)
class RegisterRange:
    """The dates the register covers and how many events fall in the year."""

    start: date | None  # the baseline snapshot's date, or the first event's when there is no baseline
    first_event: date | None
    last_event: date | None
    last_recorded: date | None
    events_in_year: int


def register_range(engine: Engine, as_of: date, known_at: datetime | None = None) -> RegisterRange:
    """First and last dates of the register and the number of events in the year ending on ``as_of``."""
    start = year_start(as_of)
    row = engine.rows(
        "SELECT min(occurred_on) FILTER (WHERE event_type = 'baseline'), min(occurred_on), max(occurred_on), "
        f"max(recorded_at), count(*) FILTER (WHERE occurred_on > {day_sql(start)} AND occurred_on <= {day_sql(as_of)}) "
        f"FROM events WHERE TRUE {known_sql(known_at)}"
    )[0]
    baseline, first, last, recorded, in_year = row
    return RegisterRange(
        start=baseline or first,
        first_event=first,
        last_event=last,
        last_recorded=recorded.date() if recorded is not None else None,
        events_in_year=int(in_year or 0),
    )


def district_list(engine: Engine, city: str, city_prefix: str, year: int) -> list[tuple[str, str]]:
    """(code, name) of the city's districts and counties in use in ``year`` (from the register's division table)."""
    rows = engine.rows(
        "SELECT code, arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE parent_code = ? AND level = 'county' "
        "AND name <> '市辖区' AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) "
        "GROUP BY code ORDER BY code",
        [city, year, year],
    )
    return [(str(code), str(name)) for code, name in rows if str(code).startswith(city_prefix)]


def _division_name(engine: Engine, code: str) -> str:
    name = engine.scalar(
        "SELECT arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE code = ?",
        [code],
    )
    return str(name) if name is not None else code


def read_counts(engine: Engine, areas: Areas, as_of: date, known_at: datetime | None = None) -> RegisterCounts:
    """Every count of the year ending on ``as_of`` for the city and its districts."""
    return read_counts_series(engine, areas, [as_of], known_at).counts[0]


@dataclass
class CountsSeries:
    """The counts of several years, and the city's population by sex and age on every date read."""

    counts: list[RegisterCounts]  # in the order of the as-of dates asked
    city_by_age: dict[date, dict[str, FloatArray]]  # date -> kind -> [3 sexes (F, M, unknown), ages + unknown]


def read_counts_series(
    engine: Engine,
    areas: Areas,
    as_of_dates: list[date],
    known_at: datetime | None = None,
    extra_dates: tuple[date, ...] = (),
    trend_only: frozenset[date] = frozenset(),
) -> CountsSeries:
    """The counts of each year ending on one of ``as_of_dates``, reading the state once for all of them.

    The population on every date involved (each year's start and end, and ``extra_dates``; a date ending one year
    and starting the next is one date) comes from one pass over the state rows; the events of each year from the
    year's own query. For the as-of dates in ``trend_only`` the counts that only the as-of date needs (urban,
    schooling, permits, households, origins) are not read and left at zero.
    """
    source = state_rows_sql(known_at)
    if known_at is not None:
        # No index holds past knowledge: fold the log as it was known then once, not once per query.
        engine.execute(f"CREATE OR REPLACE TEMP TABLE {PAST_STATE_ROWS} AS SELECT * FROM {source}")
        source = PAST_STATE_ROWS
    try:
        starts = [year_start(as_of) for as_of in as_of_dates]
        dates = [*starts, *as_of_dates, *extra_dates]
        snapshots = read_snapshots(engine, areas, source, dates, set(as_of_dates) - trend_only)
        events = _events(engine, areas, source, starts, as_of_dates, known_at)
    finally:
        if known_at is not None:
            engine.execute(f"DROP TABLE IF EXISTS {PAST_STATE_ROWS}")
    counts = [
        _register_counts(areas, snapshots[start], snapshots[as_of], year_events)
        for start, as_of, year_events in zip(starts, as_of_dates, events, strict=True)
    ]
    city: dict[date, dict[str, FloatArray]] = {
        on: {str(kind): snapshot.by_age[kind][0] for kind in BLOCK_KINDS} for on, snapshot in snapshots.items()
    }
    return CountsSeries(counts, city)


def _events(
    engine: Engine,
    areas: Areas,
    source: str,
    starts: list[date],
    ends: list[date],
    known_at: datetime | None,
) -> list[EventCounts]:
    """The events of each year: in one pass when the years follow one another (a report's trend), else a pass per
    year (years that overlap or leave gaps)."""
    order = sorted(range(len(ends)), key=lambda i: ends[i])
    consecutive = all(starts[order[k + 1]] == ends[order[k]] for k in range(len(order) - 1))
    if not consecutive:
        return [
            read_events(engine, areas, source, start, end, known_at) for start, end in zip(starts, ends, strict=True)
        ]
    found = read_events_series(engine, areas, source, starts[order[0]], [ends[i] for i in order], known_at)
    result: list[EventCounts | None] = [None] * len(ends)
    for position, i in enumerate(order):
        result[i] = found[position]
    return [counts for counts in result if counts is not None]


def _register_counts(areas: Areas, first: Snapshot, last: Snapshot, events: EventCounts) -> RegisterCounts:
    details = last.details or no_details(areas.size)
    blocks: dict[str, BlockCounts] = {
        kind: BlockCounts(
            population_start=first.by_age[kind],
            population_end=last.by_age[kind],
            urban=details.urban[kind],
            urban_known=details.urban_known[kind],
            schooling_years=details.schooling_years[kind],
            schooling_known=details.schooling_known[kind],
            births=events.births[kind],
            births_by_mother_age=events.births_by_mother_age[kind],
            deaths=events.deaths[kind],
            households=details.households[kind][:, 0],
            household_members=details.households[kind][:, 1],
            one_person_households=details.households[kind][:, 2],
            elderly_only_households=details.households[kind][:, 3],
            moves=events.moves if kind == "registered" else None,
        )
        for kind in BLOCK_KINDS
    }
    floating = FloatingCounts(
        population_start=first.floating,
        population_end=last.floating,
        permit_holders=details.permit_holders,
        by_stay=details.by_stay,
        by_province=details.by_province,
    )
    return RegisterCounts(last.on, first.on, areas, blocks, floating)


def make_areas(engine: Engine, city: str, city_prefix: str, city_name: str | None = None) -> Areas:
    """The city and every district or county the city has had (the caller drops those not in use and empty)."""
    rows = engine.rows(
        "SELECT code, arg_max(name, coalesce(valid_from, 0)) FROM divisions WHERE parent_code = ? AND level = 'county' "
        "AND name <> '市辖区' AND starts_with(code, ?) GROUP BY code ORDER BY code",
        [city, city_prefix],
    )
    name = city_name or _division_name(engine, city)
    return Areas([city, *(str(code) for code, _ in rows)], [name, *(str(n) for _, n in rows)])
