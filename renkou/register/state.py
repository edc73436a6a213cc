"""Person state as of a date, folded from the event log.

The fold: among a person's events known at ``known_at`` (recorded_at <= known_at) that no known correction
supersedes, ordered by (occurred_on, event_id), each attribute takes its last non-null value; the state on a date D
is the fold of the events with occurred_on <= D. The fold as known now is indexed in ``spells``: one row per person
and stretch of constant state (valid_from <= D < valid_to), for every person, so that a population on a date is one
scan of one table. :func:`rebuild_spells` refreshes it for the persons a batch touched (a person seen for the first
time with one event is copied, the others are folded) and :func:`spells_drift` proves the index equals a fresh fold.
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


def rebuild_spells(engine: Engine, batch_id: int, *, register_was_empty: bool) -> None:
    """Refresh the spells of the persons of batch ``batch_id`` (and of persons whose events it corrects)."""
    batch = int(batch_id)
    repeated_here = f"SELECT subject_id FROM events WHERE batch_id = {batch} GROUP BY subject_id HAVING count(*) > 1"
    if register_was_empty:
        refold = repeated_here
    else:
        # Persons with earlier events, and persons whose event a correction of this batch replaces (the fold drops
        # it: a corrected ID number leaves no ghost behind). The hash set is built on this batch's persons and the
        # earlier events are only scanned.
        refold = (
            f"{repeated_here} UNION SELECT DISTINCT subject_id FROM events WHERE batch_id < {batch} "
            f"AND subject_id IN (SELECT subject_id FROM events WHERE batch_id = {batch}) "
            f"UNION SELECT subject_id FROM events WHERE event_id IN "
            f"(SELECT supersedes FROM events WHERE batch_id = {batch} AND supersedes IS NOT NULL)"
        )
    engine.execute(f"CREATE OR REPLACE TEMP TABLE rk_touched AS {refold}")
    columns = ", ".join(STATE_NAMES)
    # Everyone else of the batch is a new person with a single event: their state row is the event itself.
    engine.execute(
        f"INSERT INTO spells SELECT subject_id, occurred_on, DATE '{OPEN_END}', event_id, {columns} FROM events "
        f"WHERE batch_id = {batch} AND subject_id NOT IN (SELECT subject_id FROM rk_touched)"
    )
    if engine.scalar("SELECT count(*) FROM rk_touched"):
        if not register_was_empty:
            engine.execute("DELETE FROM spells WHERE subject_id IN (SELECT subject_id FROM rk_touched)")
        engine.execute(f"INSERT INTO spells {_fold_sql(_live_events_sql(subjects_table='rk_touched'))}")
    engine.execute("DROP TABLE rk_touched")


def _indexed_sql() -> str:
    """Every state row as the index holds it."""
    return f"SELECT subject_id, valid_from, valid_to, event_id, {', '.join(STATE_NAMES)} FROM spells"


def spells_drift(engine: Engine) -> int:
    """Number of state rows that differ between the index and a fresh fold of the whole log (0 when sound)."""
    fresh = _fold_sql(_live_events_sql())
    columns = "subject_id, valid_from, valid_to, event_id, " + ", ".join(STATE_NAMES)
    indexed = _indexed_sql()
    return int(
        engine.scalar(
            f"SELECT count(*) FROM ((SELECT {columns} FROM ({indexed}) EXCEPT ALL SELECT {columns} FROM ({fresh})) "
            f"UNION ALL (SELECT {columns} FROM ({fresh}) EXCEPT ALL SELECT {columns} FROM ({indexed})))"
        )
    )


def state_rows_sql(known_at: datetime | None = None) -> str:
    """SQL for every state row of every person (subject_id, valid_from, valid_to, event_id, attributes) as known at
    ``known_at``: the state on each event's day, for readers that need many persons on many days at once."""
    return f"({_indexed_sql()})" if known_at is None else f"({_fold_sql(_live_events_sql(known_at))})"


def state_sql(on: date, known_at: datetime | None = None) -> str:
    """SQL for every person's state on ``on`` as known at ``known_at`` (default: everything recorded)."""
    source = state_rows_sql(known_at)
    day = f"DATE '{on.isoformat()}'"
    return f"SELECT * FROM {source} s WHERE s.valid_from <= {day} AND {day} < s.valid_to"
