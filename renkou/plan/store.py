"""Plan tables in the register's database: stored warnings (for the dashboard) and facility capacity.

``plan_warning_runs``: one row per evaluation of the warning rules (after an ingest, or by hand):
``run_id, evaluated_at (UTC), as_of (the date the figures are for), trigger ('ingest' | 'manual'), batches (JSON
list of the ingest batch ids that triggered it), warnings (how many), error (why the evaluation failed, else null)``.

``plan_warnings``: the warnings of each run: ``run_id, rule, kind, area (6-digit code), area_name, title
("中文 / English"), message ("中文 / English"), evidence (JSON: the values and thresholds that fired the rule)``.
The current warnings are those of the latest run without an error (:func:`latest_warnings`).

``plan_capacity``: facility capacity by ``area, facility, year`` (places, beds, doctors), replaced as a whole by
:func:`save_capacity` (``renkou plan capacity``); the facility warnings read it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from renkou.engine import Engine

SCHEMA = """
CREATE TABLE IF NOT EXISTS plan_warning_runs (
  run_id BIGINT, evaluated_at TIMESTAMP, as_of DATE, trigger VARCHAR, batches VARCHAR, warnings BIGINT,
  error VARCHAR
);
CREATE TABLE IF NOT EXISTS plan_warnings (
  run_id BIGINT, rule VARCHAR, kind VARCHAR, area VARCHAR, area_name VARCHAR, title VARCHAR, message VARCHAR,
  evidence VARCHAR
);
CREATE TABLE IF NOT EXISTS plan_capacity (area VARCHAR, facility VARCHAR, year INTEGER, capacity DOUBLE);
"""


def ensure_schema(engine: Engine) -> None:
    """Create the plan tables when missing."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            engine.execute(statement)


def has_tables(engine: Engine) -> bool:
    """Whether the plan tables exist (a read-only connection to a register never evaluated has none)."""
    return bool(
        engine.scalar(
            "SELECT count(*) = 3 FROM information_schema.tables "
            "WHERE table_name IN ('plan_warning_runs', 'plan_warnings', 'plan_capacity')"
        )
    )


def save_run(
    engine: Engine,
    as_of: date | None,
    warnings: Sequence[Mapping[str, Any]],
    *,
    trigger: str = "ingest",
    batches: Sequence[int] = (),
    error: str | None = None,
) -> int:
    """Store one evaluation and its warnings in one transaction; returns its run id."""
    ensure_schema(engine)
    with engine.transaction():
        run_id = int(engine.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM plan_warning_runs"))
        engine.execute(
            "INSERT INTO plan_warning_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                datetime.now(UTC).replace(tzinfo=None),
                as_of,
                trigger,
                json.dumps(list(batches)),
                len(warnings),
                error,
            ],
        )
        for warning in warnings:
            engine.execute(
                "INSERT INTO plan_warnings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    warning["rule"],
                    warning["kind"],
                    warning["area"],
                    warning.get("area_name", ""),
                    warning["title"],
                    warning["message"],
                    json.dumps(warning.get("evidence", {}), ensure_ascii=False, default=str),
                ],
            )
    return run_id


def latest_warnings(engine: Engine) -> dict[str, Any]:
    """The latest successful run: ``{"run_id", "evaluated_at", "as_of", "trigger", "batches", "warnings": [...]}``
    with each warning's evidence decoded; ``{"run_id": None, "warnings": []}`` when there is none."""
    if not has_tables(engine):
        return {"run_id": None, "warnings": []}
    run = engine.rows(
        "SELECT run_id, evaluated_at, as_of, trigger, batches FROM plan_warning_runs WHERE error IS NULL "
        "ORDER BY run_id DESC LIMIT 1"
    )
    if not run:
        return {"run_id": None, "warnings": []}
    run_id, evaluated_at, as_of, trigger, batches = run[0]
    rows = engine.rows(
        "SELECT rule, kind, area, area_name, title, message, evidence FROM plan_warnings WHERE run_id = ? "
        "ORDER BY rowid",
        [run_id],
    )
    return {
        "run_id": run_id,
        "evaluated_at": evaluated_at.isoformat(),
        "as_of": None if as_of is None else as_of.isoformat(),
        "trigger": trigger,
        "batches": json.loads(batches),
        "warnings": [
            {
                "rule": rule,
                "kind": kind,
                "area": area,
                "area_name": area_name,
                "title": title,
                "message": message,
                "evidence": json.loads(evidence),
            }
            for rule, kind, area, area_name, title, message, evidence in rows
        ],
    }


def save_capacity(engine: Engine, capacity: Mapping[tuple[str, str], Mapping[int, float]]) -> int:
    """Replace the stored capacity; returns the number of rows."""
    ensure_schema(engine)
    rows = [(area, facility, year, units) for (area, facility), by in capacity.items() for year, units in by.items()]
    with engine.transaction():
        engine.execute("DELETE FROM plan_capacity")
        for row in rows:
            engine.execute("INSERT INTO plan_capacity VALUES (?, ?, ?, ?)", list(row))
    return len(rows)


def load_capacity(engine: Engine) -> dict[tuple[str, str], dict[int, float]]:
    """The stored capacity (empty when none was stored)."""
    if not has_tables(engine):
        return {}
    capacity: dict[tuple[str, str], dict[int, float]] = {}
    for area, facility, year, units in engine.rows("SELECT area, facility, year, capacity FROM plan_capacity"):
        capacity.setdefault((area, facility), {})[int(year)] = float(units)
    return capacity
