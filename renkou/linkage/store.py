"""Linkage tables in the register's database: runs, results (the review queue is part of them) and decisions.

The clerk's decisions go to an append-only table of their own, ``link_decisions`` (who decided what, when). A
confirmed match is then applied to the register through its public ingest (see :mod:`renkou.linkage.apply`): the row
is re-filed under the person as a one-row batch, and ``link_refiled`` records which batch carried it.
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
  match_probability DOUBLE, method VARCHAR, decision VARCHAR, evidence VARCHAR
);
CREATE TABLE IF NOT EXISTS link_decisions (
  run_id BIGINT, batch_id BIGINT, line BIGINT, subject VARCHAR, accepted BOOLEAN, clerk VARCHAR, note VARCHAR,
  decided_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS link_refiled (
  batch_id BIGINT, line BIGINT, subject VARCHAR, refiled_batch_id BIGINT, source VARCHAR, run_id BIGINT,
  refiled_at TIMESTAMP
);
"""


RESULT_COLUMNS = (
    "run_id",
    "batch_id",
    "file_name",
    "line",
    "reason",
    "subject",
    "match_probability",
    "method",
    "decision",
    "evidence",
)


def ensure_schema(engine: Engine) -> None:
    """Create the linkage tables when missing (and add columns that later versions introduced)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            engine.execute(statement)
    # What a row carried besides its name (see renkou.linkage.records): added after the first release.
    engine.execute("ALTER TABLE link_results ADD COLUMN IF NOT EXISTS evidence VARCHAR")


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
        columns = ", ".join(RESULT_COLUMNS)
        engine.execute(f"INSERT INTO link_results ({columns}) SELECT {columns} FROM linkage_results_in")


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


# Why a row was left unlinked, by the evidence it carried (see renkou.linkage.records); any other row carried enough
# to compare but no person scored above the lower threshold.
UNLINKED_WHY = {
    "name_only": (
        "仅有姓名：该行没有身份证号，所属部门文件也不含出生日期、性别、地区或其他线索，全市同名者众多",
        "a name only: the row has no ID number and its department's file carries no birth date, sex, district or "
        "pointer; many persons in a city share a name",
    ),
    "unknown_pointer": (
        "仅有姓名和登记库未见过的证号",
        "a name and a number (permit, partner, mother, household) the register has never seen",
    ),
}
NO_CANDIDATE = ("没有达到下限阈值的候选人员", "no person scored above the lower threshold")


def unlinked_rows(engine: Engine, run_id: int | None = None) -> pa.Table:
    """Rows a run (default: the latest) left unlinked, each with why: ``why`` (a code: the evidence class, or
    ``no_candidate``), ``why_zh`` and ``why_en``. Nothing is dropped silently: every linkage record of a run is
    auto-linked, in the review queue, or here."""
    run = run_id if run_id is not None else engine.scalar("SELECT max(run_id) FROM link_runs")
    if run is None:
        return pa.table({})
    table = engine.arrow(
        "SELECT batch_id, file_name, line, reason, evidence FROM link_results WHERE run_id = ? "
        "AND decision = 'unlinked' ORDER BY batch_id, line",
        [run],
    )
    evidence = table["evidence"].to_pylist()
    why = [e if e in UNLINKED_WHY else "no_candidate" for e in evidence]
    texts = [UNLINKED_WHY.get(e, NO_CANDIDATE) for e in evidence]
    return (
        table.append_column("why", pa.array(why, pa.string()))
        .append_column("why_zh", pa.array([t[0] for t in texts], pa.string()))
        .append_column("why_en", pa.array([t[1] for t in texts], pa.string()))
    )


def refiled(engine: Engine, batch_id: int, line: int) -> bool:
    """Whether a quarantined row was already re-filed under a person."""
    return bool(engine.scalar("SELECT count(*) FROM link_refiled WHERE batch_id = ? AND line = ?", [batch_id, line]))


def record_decision(
    engine: Engine, run_id: int, batch_id: int, line: int, accepted: bool, clerk: str, note: str = ""
) -> str:
    """Append a clerk's decision on a reviewed pair (the pair must be in the run's review queue); returns the
    person's subject key of the pair."""
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
    return str(found[0][0])
