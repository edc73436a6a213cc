"""Linkage tables in the register's database: runs, results (the review queue is part of them) and decisions.

The clerk's decisions go to an append-only table of their own, ``link_decisions``, rather than through
``Register.ingest``: a decision is about a quarantined row, which has no event to correct, and the register has no
feed for "this quarantined row is that person". A later decision on the same row supersedes an earlier one.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa

from renkou.engine import Engine
from renkou.errors import UserError

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_runs (
  run_id BIGINT, started_at TIMESTAMP, settings VARCHAR, converged BOOLEAN, messages VARCHAR,
  n_records BIGINT, n_auto BIGINT, n_review BIGINT, n_unlinked BIGINT, comparisons BIGINT, seconds DOUBLE
);
CREATE TABLE IF NOT EXISTS link_results (
  run_id BIGINT, batch_id BIGINT, file_name VARCHAR, line BIGINT, reason VARCHAR, subject VARCHAR,
  match_probability DOUBLE, method VARCHAR, decision VARCHAR
);
CREATE TABLE IF NOT EXISTS link_decisions (
  run_id BIGINT, batch_id BIGINT, line BIGINT, subject VARCHAR, accepted BOOLEAN, clerk VARCHAR, note VARCHAR,
  decided_at TIMESTAMP
);
"""


def ensure_schema(engine: Engine) -> None:
    """Create the linkage tables when missing."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            engine.execute(statement)


def next_run_id(engine: Engine) -> int:
    """One more than the last run's id."""
    return int(engine.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM link_runs"))


def save_run(engine: Engine, run: dict[str, object], results: pa.Table) -> None:
    """Append a run and its results in one transaction."""
    engine.register_arrow("linkage_results_in", results)
    with engine.transaction():
        engine.execute(
            "INSERT INTO link_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run[k]
                for k in (
                    "run_id",
                    "started_at",
                    "settings",
                    "converged",
                    "messages",
                    "n_records",
                    "n_auto",
                    "n_review",
                    "n_unlinked",
                    "comparisons",
                    "seconds",
                )
            ],
        )
        engine.execute("INSERT INTO link_results SELECT * FROM linkage_results_in")


def review_queue(engine: Engine, run_id: int | None = None) -> pa.Table:
    """Pairs of a run (default: the latest) waiting for a clerk: reviewed pairs without a decision yet."""
    run = run_id if run_id is not None else engine.scalar("SELECT max(run_id) FROM link_runs")
    if run is None:
        return pa.table({})
    return engine.arrow(
        "SELECT r.batch_id, r.file_name, r.line, r.reason, r.subject, r.match_probability FROM link_results r "
        "WHERE r.run_id = ? AND r.decision = 'review' AND NOT EXISTS (SELECT 1 FROM link_decisions d "
        "WHERE d.run_id = r.run_id AND d.batch_id = r.batch_id AND d.line = r.line) ORDER BY r.batch_id, r.line",
        [run],
    )


def record_decision(
    engine: Engine, run_id: int, batch_id: int, line: int, accepted: bool, clerk: str, note: str = ""
) -> None:
    """Append a clerk's decision on a reviewed pair (the pair must be in the run's review queue)."""
    found = engine.rows(
        "SELECT subject FROM link_results WHERE run_id = ? AND batch_id = ? AND line = ? AND decision = 'review'",
        [run_id, batch_id, line],
    )
    if not found:
        raise UserError(
            f"第 {run_id} 次比对中没有待复核的记录：批次 {batch_id} 第 {line} 行",
            f"run {run_id} has no pair under review for batch {batch_id} line {line}",
        )
    if not clerk.strip():
        raise UserError("须填写复核人", "the clerk's name is required")
    engine.execute(
        "INSERT INTO link_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, batch_id, line, found[0][0], accepted, clerk, note, datetime.now()],
    )
