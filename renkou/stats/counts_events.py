"""The event side of the counts: births, deaths and hukou moves of the year, each with the person's state that day.

One statement stores, in a temporary table, the state of each person on the day of each birth, death and hukou
move of the year (and on the day before a move): the state on an event's day is the state row that starts that
day (the event opened it), the state the day before a move is the row that ends that day, so only the rows that
start or end within the year are joined. Three small queries then count from that table:

* births: one per person (a birth reported by police and by health counts once; its date is the earlier report's,
  its state that of the last report within the year, so that both departments' attributes are in it; a corrected
  birth record still is a birth). The child counts for the registered population when its hukou is in the city at
  birth and for the resident population when it lives in the city at birth: newborns count from birth, so the
  six-month rule is waived for them. The mother's age at the birth comes from her own record.
* deaths: one per person, on the earlier report's date, assigned by the person's population and district on that
  day as if still alive.
* moves: hukou moves into and out of each area (the city, a district), judged by the registered district on the
  day before and on the day of the move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pyarrow as pa

from renkou.engine import Engine
from renkou.register.population import membership_sql
from renkou.stats.counts_base import (
    BLOCK_KINDS,
    Areas,
    age_between,
    age_index,
    any_member,
    column_values,
    day_sql,
    district_columns,
    known_sql,
    live_sql,
    scatter,
    sex_index,
)
from renkou.stats.indicators import OPEN_AGE

EVENT_STATES = "rk_stats_event_states"  # temporary table of the persons' states on their event days
MOTHER_AGES = (15, 50)  # single years 15..49 (younger and older mothers are clamped), then one for unknown
MOVE_GROUPS = 18  # five-year groups 0-4 .. 85+, then one for unknown age


def _state_columns() -> tuple[str, ...]:
    """The state attributes the counts read: those the register's membership definitions refer to (``s.<name>``),
    the person's sex and birth date and the mother's ID; only these are copied for the persons of the year's events."""
    texts = " ".join(" ".join(membership_sql(kind, date(2000, 1, 1))) for kind in (*BLOCK_KINDS, "floating"))
    referenced = set(re.findall(r"\bs\.([a-z_]+)", texts))
    return tuple(sorted(referenced | {"sex", "birth_date", "mother_id", "alive", "residence_since"}))


STATE_COLUMNS = _state_columns()


@dataclass
class EventCounts:
    """Arrays over areas (row 0 the city) from the event queries."""

    births: dict[str, np.ndarray]  # per block: [areas, 3 sexes of the child]
    births_by_mother_age: dict[str, np.ndarray]  # per block: [areas, 35 single years 15..49 and unknown]
    deaths: dict[str, np.ndarray]  # per block: [areas, 3 sexes, ages and unknown]
    moves: np.ndarray  # registered: [areas, 2 (in, out), five-year groups and unknown]


def live_events(known_at: datetime | None, *, corrections: bool = True) -> str:
    """Condition on ``events``: known at ``known_at`` and not superseded. ``corrections=False`` (the register holds
    no correction) leaves out the work of looking for superseded events."""
    return live_sql(known_at) if corrections else f"TRUE {known_sql(known_at)}"


def year_end_sql(ends: list[date], column: str) -> str:
    """The end of the year (of the consecutive years ending on ``ends``) that the date in ``column`` falls in."""
    if len(ends) == 1:
        return day_sql(ends[0])
    cases = " ".join(f"WHEN {column} <= {day_sql(end)} THEN {day_sql(end)}" for end in ends)
    return f"CASE {cases} END"


def year_index_sql(ends: list[date], column: str) -> str:
    """Index into ``ends`` of the year the date in ``column`` falls in."""
    if len(ends) == 1:
        return "0"
    cases = " ".join(f"WHEN {column} <= {day_sql(end)} THEN {i}" for i, end in enumerate(ends))
    return f"CASE {cases} END"


def event_states_sql(
    source: str, start: date, ends: list[date], known_at: datetime | None, *, corrections: bool = True
) -> str:
    """The statement filling :data:`EVENT_STATES` for the consecutive years (start, ends[0]], (ends[0], ends[1]],
    ... from the state rows ``source``: one pass over the state for all of them."""
    live = live_events(known_at, corrections=corrections)
    first, last = day_sql(start), day_sql(ends[-1])

    def in_year(column: str) -> str:
        return f"{column} > {first} AND {column} <= {last}"

    corrected_births = (
        "UNION ALL SELECT c.subject_id, c.occurred_on FROM ev c JOIN events o ON o.event_id = c.supersedes "
        "WHERE c.event_type = 'correction' AND o.event_type = 'birth'"
        if corrections
        else ""
    )
    return f"""
CREATE OR REPLACE TEMP TABLE {EVENT_STATES} AS
WITH ev AS MATERIALIZED (
  SELECT event_type, subject_id, occurred_on, supersedes FROM events
  WHERE event_type IN ('birth', 'death', 'hukou_in', 'hukou_out', 'hukou_transfer', 'correction') AND {live}
),
reports AS (SELECT subject_id, occurred_on FROM ev WHERE event_type = 'birth' {corrected_births}),
firsts AS (
  SELECT subject_id, min(occurred_on) AS day FROM reports GROUP BY subject_id HAVING {in_year("min(occurred_on)")}
),
births AS (
  SELECT f.subject_id, max(r.occurred_on) FILTER (WHERE r.occurred_on <= {year_end_sql(ends, "f.day")}) AS state_day,
    f.day
  FROM firsts f JOIN reports r ON r.subject_id = f.subject_id GROUP BY f.subject_id, f.day
),
wanted AS (
  SELECT 'birth' AS what, subject_id, state_day, day FROM births
  UNION ALL
  SELECT 'death', subject_id, min(occurred_on), min(occurred_on) FROM ev WHERE event_type = 'death'
  GROUP BY subject_id HAVING {in_year("min(occurred_on)")}
  UNION ALL
  SELECT DISTINCT 'move', subject_id, occurred_on, occurred_on FROM ev
  WHERE event_type IN ('hukou_in', 'hukou_out', 'hukou_transfer') AND {in_year("occurred_on")}
),
year_rows AS MATERIALIZED (
  SELECT subject_id, valid_from, valid_to, {", ".join(STATE_COLUMNS)} FROM {source}
  WHERE ({in_year("valid_from")}) OR ({in_year("valid_to")})
)
SELECT w.what, w.day, s.* EXCLUDE (valid_from, valid_to)
FROM wanted w JOIN year_rows s
  ON s.subject_id = w.subject_id AND s.valid_from = w.state_day AND w.state_day < s.valid_to
UNION ALL
SELECT 'before_move', w.day, s.* EXCLUDE (valid_from, valid_to)
FROM wanted w JOIN year_rows s
  ON w.what = 'move' AND s.subject_id = w.subject_id AND s.valid_to = w.day AND s.valid_from < w.day
"""


def read_events(
    engine: Engine, areas: Areas, source: str, start: date, end: date, known_at: datetime | None
) -> EventCounts:
    """Births, deaths and moves of the year (start, end] for every area, from the state rows ``source``."""
    return read_events_series(engine, areas, source, start, [end], known_at)[0]


def read_events_series(
    engine: Engine, areas: Areas, source: str, start: date, ends: list[date], known_at: datetime | None
) -> list[EventCounts]:
    """Births, deaths and moves of each of the consecutive years (start, ends[0]], (ends[0], ends[1]], ... for
    every area, from the state rows ``source`` in one pass."""
    corrections = bool(
        engine.scalar("SELECT count(*) FROM (SELECT 1 FROM events WHERE supersedes IS NOT NULL LIMIT 1)")
    )
    engine.execute(event_states_sql(source, start, ends, known_at, corrections=corrections))
    try:
        births = _births(engine, areas, live_events(known_at, corrections=corrections), ends)
        deaths = _deaths(engine, areas, ends)
        moves = _moves(engine, areas, ends)
    finally:
        engine.execute(f"DROP TABLE IF EXISTS {EVENT_STATES}")
    return [EventCounts(births[y][0], births[y][1], deaths[y], moves[y]) for y in range(len(ends))]


def _by_year(table: pa.Table, years: int) -> list[pa.Table]:
    """The rows of each year (column ``y``)."""
    index = np.asarray(table.column("y").to_numpy(zero_copy_only=False), dtype=np.int64)
    return [table.filter(pa.array(index == y)) for y in range(years)]


def _births(
    engine: Engine, areas: Areas, live: str, ends: list[date]
) -> list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]]:
    # The mother's birth date is on her own events (the introducing one); reading the events is cheaper than
    # folding her state.
    everything = engine.arrow(f"""
WITH child AS (
  SELECT * REPLACE (CAST(NULL AS DATE) AS residence_since, CAST(NULL AS BOOLEAN) AS alive)
  FROM {EVENT_STATES} WHERE what = 'birth'
),
mothers AS (
  SELECT subject_id, max(birth_date) AS birth_date FROM events
  WHERE birth_date IS NOT NULL AND {live}
    AND subject_id IN (SELECT mother_id FROM child WHERE mother_id IS NOT NULL)
  GROUP BY subject_id
)
SELECT {year_index_sql(ends, "s.day")} AS y, {district_columns(BLOCK_KINDS, "s.day")}, s.sex AS sex,
  {age_between("m.birth_date", "s.day")} AS mother_age, count(*) AS n
FROM child s LEFT JOIN mothers m ON m.subject_id = s.mother_id
WHERE {any_member(BLOCK_KINDS, "s.day")}
GROUP BY ALL""")
    result = []
    for table in _by_year(everything, len(ends)):
        sex = sex_index(table.column("sex"))
        low, high = MOTHER_AGES
        raw_age = age_index(table.column("mother_age"), top=10_000, unknown=-1)
        mother = np.where(raw_age < 0, high - low, np.clip(raw_age, low, high - 1) - low)
        n = column_values(table, "n")
        births: dict[str, np.ndarray] = {}
        by_mother: dict[str, np.ndarray] = {}
        for kind in BLOCK_KINDS:
            member, rows = areas.rows(table.column(f"{kind}_d"))
            births[kind] = np.zeros((areas.size, 3))
            scatter(births[kind], member, rows, (sex,), n)
            by_mother[kind] = np.zeros((areas.size, high - low + 1))
            scatter(by_mother[kind], member, rows, (mother,), n)
        result.append((births, by_mother))
    return result


def _deaths(engine: Engine, areas: Areas, ends: list[date]) -> list[dict[str, np.ndarray]]:
    everything = engine.arrow(f"""
SELECT {year_index_sql(ends, "s.day")} AS y, {district_columns(BLOCK_KINDS, "s.day")}, s.sex AS sex,
  {age_between("s.birth_date", "s.day")} AS age, count(*) AS n
FROM (SELECT * REPLACE (CAST(NULL AS BOOLEAN) AS alive) FROM {EVENT_STATES} WHERE what = 'death') s
WHERE {any_member(BLOCK_KINDS, "s.day")}
GROUP BY ALL""")
    result = []
    for table in _by_year(everything, len(ends)):
        sex = sex_index(table.column("sex"))
        age = age_index(table.column("age"))
        n = column_values(table, "n")
        deaths: dict[str, np.ndarray] = {}
        for kind in BLOCK_KINDS:
            member, rows = areas.rows(table.column(f"{kind}_d"))
            deaths[kind] = np.zeros((areas.size, 3, OPEN_AGE + 2))
            scatter(deaths[kind], member, rows, (sex, age), n)
        result.append(deaths)
    return result


def _moves(engine: Engine, areas: Areas, ends: list[date]) -> list[np.ndarray]:
    # Registered membership does not depend on the date (alive and hukou in the city).
    condition, district = membership_sql("registered", ends[-1])
    place = f"CASE WHEN {condition} THEN coalesce({district}, '') END"
    everything = engine.arrow(f"""
SELECT {year_index_sql(ends, "a.day")} AS y, b.d AS before_d, a.d AS after_d, a.age AS age, count(*) AS n
FROM (SELECT s.subject_id, s.day, {place} AS d, {age_between("s.birth_date", "s.day")} AS age
      FROM {EVENT_STATES} s WHERE s.what = 'move') a
LEFT JOIN (SELECT s.subject_id, s.day, {place} AS d FROM {EVENT_STATES} s WHERE s.what = 'before_move') b
  ON b.subject_id = a.subject_id AND b.day = a.day
WHERE a.d IS DISTINCT FROM b.d
GROUP BY ALL""")
    result = []
    for table in _by_year(everything, len(ends)):
        moves = np.zeros((areas.size, 2, MOVE_GROUPS + 1))
        raw_age = age_index(table.column("age"), top=10_000, unknown=-1)
        group = np.where(raw_age < 0, MOVE_GROUPS, np.minimum(raw_age // 5, MOVE_GROUPS - 1))
        n = column_values(table, "n")
        was, was_row = areas.rows(table.column("before_d"))
        now, now_row = areas.rows(table.column("after_d"))
        # The city: moves from outside (no registered state before) in, to outside out.
        np.add.at(moves[0, 0], group[now & ~was], n[now & ~was])
        np.add.at(moves[0, 1], group[was & ~now], n[was & ~now])
        # A district: every move whose destination (origin) is that district and whose origin (destination) is not.
        arrive = now & (now_row >= 0) & (now_row != np.where(was, was_row, -2))
        leave = was & (was_row >= 0) & (was_row != np.where(now, now_row, -2))
        np.add.at(moves[:, 0], (now_row[arrive], group[arrive]), n[arrive])
        np.add.at(moves[:, 1], (was_row[leave], group[leave]), n[leave])
        result.append(moves)
    return result
