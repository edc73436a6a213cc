"""Person state as of a date, folded from the event log.

The fold: among a person's events known at ``known_at`` (recorded_at <= known_at) that no known correction
supersedes, ordered by (occurred_on, event_id), each attribute takes its last non-null value; the state on a date D
is the fold of the events with occurred_on <= D. ``spells`` indexes the fold as known now (one row per stretch of
constant state, valid_from <= D < valid_to); :func:`rebuild_spells` refreshes it for the persons a batch touched and
:func:`spells_drift` proves it equals a fresh fold.
"""

from __future__ import annotations

from datetime import date, datetime

from renkou.engine import Engine
from renkou.register.schema import OPEN_END, STATE_NAMES


def _fold_sql(events_sql: str) -> str:
    folded = ",\n  ".join(f"last_value({name} IGNORE NULLS) OVER w AS {name}" for name in STATE_NAMES)
    return (
        f"SELECT subject_id, occurred_on AS valid_from, "
        f"coalesce(lead(occurred_on) OVER (PARTITION BY subject_id ORDER BY occurred_on, event_id), "
        f"DATE '{OPEN_END}') AS valid_to, event_id,\n  {folded}\n"
        f"FROM ({events_sql}) e\n"
        f"WINDOW w AS (PARTITION BY subject_id ORDER BY occurred_on, event_id "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    )


def _live_events_sql(known_at: datetime | None = None, subjects_table: str | None = None) -> str:
    known = f"AND recorded_at <= TIMESTAMP '{known_at.isoformat(sep=' ')}'" if known_at else ""
    subjects = f"AND subject_id IN (SELECT subject_id FROM {subjects_table})" if subjects_table else ""
    return (
        f"SELECT * FROM events WHERE TRUE {known} {subjects} "
        f"AND event_id NOT IN (SELECT supersedes FROM events WHERE supersedes IS NOT NULL {known})"
    )


def rebuild_spells(engine: Engine, batch_id: int, *, fresh_subjects_only: bool) -> None:
    """Refresh the spells of the persons that batch ``batch_id`` touched."""
    if fresh_subjects_only:
        # Every person in the batch is new and appears once: the fold of one event is the event itself.
        columns = ", ".join(STATE_NAMES)
        engine.execute(
            f"INSERT INTO spells SELECT subject_id, occurred_on, DATE '{OPEN_END}', event_id, {columns} "
            f"FROM events WHERE batch_id = {int(batch_id)}"
        )
        return
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE rk_touched AS SELECT DISTINCT subject_id FROM events "
        f"WHERE batch_id = {int(batch_id)}"
    )
    engine.execute("DELETE FROM spells WHERE subject_id IN (SELECT subject_id FROM rk_touched)")
    engine.execute(f"INSERT INTO spells {_fold_sql(_live_events_sql(subjects_table='rk_touched'))}")
    engine.execute("DROP TABLE rk_touched")


def spells_drift(engine: Engine) -> int:
    """Number of spell rows that differ from a fresh fold of the whole log (0 when the index is sound)."""
    fresh = _fold_sql(_live_events_sql())
    columns = "subject_id, valid_from, valid_to, event_id, " + ", ".join(STATE_NAMES)
    return int(
        engine.scalar(
            f"SELECT count(*) FROM ((SELECT {columns} FROM spells EXCEPT ALL SELECT {columns} FROM ({fresh})) "
            f"UNION ALL (SELECT {columns} FROM ({fresh}) EXCEPT ALL SELECT {columns} FROM spells))"
        )
    )


def state_sql(on: date, known_at: datetime | None = None) -> str:
    """SQL for every person's state on ``on`` as known at ``known_at`` (default: everything recorded)."""
    source = "spells" if known_at is None else f"({_fold_sql(_live_events_sql(known_at))})"
    day = f"DATE '{on.isoformat()}'"
    return f"SELECT * FROM {source} s WHERE s.valid_from <= {day} AND {day} < s.valid_to"
