"""Gathering the counts of every batch from the register, and the worst fields with masked examples."""

from __future__ import annotations

from dataclasses import dataclass, field

from renkou.engine import Engine
from renkou.quality.scores import (
    COMPLETENESS_REASONS,
    CONSISTENCY_REASONS,
    DIMENSIONS,
    BatchCounts,
    combine,
    dimensions,
    score,
)


@dataclass(frozen=True)
class FieldProblem:
    """A (department, field, reason) with its count, share of the department's rows and masked examples."""

    feed: str
    column: str
    reason: str
    count: int
    share: float
    examples: list[dict[str, object]]


@dataclass
class QualityReport:
    """Scores per batch and per department, and the worst fields."""

    batches: list[dict[str, object]] = field(default_factory=list)
    departments: list[dict[str, object]] = field(default_factory=list)
    worst_fields: list[FieldProblem] = field(default_factory=list)
    timely_days: int = 30


def _in_list(values: frozenset[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def batch_counts(engine: Engine, timely_days: int) -> list[BatchCounts]:
    """Counts of every batch, in batch order."""
    rows = engine.rows(
        "WITH q AS (SELECT batch_id, "
        f"count(*) FILTER (reason IN {_in_list(COMPLETENESS_REASONS)}) AS incomplete, "
        f"count(*) FILTER (reason IN {_in_list(CONSISTENCY_REASONS)}) AS inconsistent, "
        f"count(*) FILTER (reason NOT IN {_in_list(COMPLETENESS_REASONS | CONSISTENCY_REASONS)}) AS invalid "
        "FROM quarantine GROUP BY batch_id), "
        "f AS (SELECT batch_id, count(*) AS n FROM findings GROUP BY batch_id), "
        # Timeliness: days from the event to its recording in the register.
        f"t AS (SELECT batch_id, count(*) FILTER (date_diff('day', occurred_on, CAST(recorded_at AS DATE)) <= {timely_days}) "
        "AS timely FROM events GROUP BY batch_id) "
        "SELECT b.batch_id, b.feed, b.file_name, b.n_rows, b.n_accepted, b.n_duplicates, coalesce(q.incomplete, 0), "
        "coalesce(q.invalid, 0), coalesce(q.inconsistent, 0) + coalesce(f.n, 0), coalesce(t.timely, 0) "
        "FROM batches b LEFT JOIN q USING (batch_id) LEFT JOIN f USING (batch_id) LEFT JOIN t USING (batch_id) "
        "ORDER BY b.batch_id"
    )
    return [BatchCounts(*(int(v) if i not in (1, 2) else str(v) for i, v in enumerate(row))) for row in rows]  # type: ignore[arg-type]


def worst_fields(engine: Engine, limit: int = 10, examples: int = 3) -> list[FieldProblem]:
    """The fields with the most quarantined rows relative to their department's rows, with masked examples."""
    rows = engine.rows(
        "WITH q AS (SELECT b.feed, q.column_name, q.reason, count(*) AS n FROM quarantine q JOIN batches b USING "
        "(batch_id) GROUP BY ALL), d AS (SELECT feed, sum(n_rows) AS rows FROM batches GROUP BY feed) "
        "SELECT q.feed, q.column_name, q.reason, q.n, q.n / d.rows AS share FROM q JOIN d USING (feed) "
        "ORDER BY share DESC, q.feed, q.column_name, q.reason LIMIT ?",
        [limit],
    )
    problems = []
    for feed, column, reason, count, share in rows:
        # Only the masked value is shown: the raw row stays encrypted.
        sample = engine.rows(
            "SELECT q.file_name, q.line, q.value_masked FROM quarantine q JOIN batches b USING (batch_id) "
            "WHERE b.feed = ? AND q.column_name = ? AND q.reason = ? ORDER BY q.batch_id, q.line LIMIT ?",
            [feed, column, reason, examples],
        )
        problems.append(
            FieldProblem(
                str(feed),
                str(column),
                str(reason),
                int(count),
                float(share),
                [{"file": f, "line": int(line), "value": v} for f, line, v in sample],
            )
        )
    return problems


def _row(counts: BatchCounts) -> dict[str, object]:
    dims = dimensions(counts)
    return {
        "batch_id": counts.batch_id,
        "feed": counts.feed,
        "file_name": counts.file_name,
        "rows": counts.rows,
        **{name: round(dims[name], 6) for name in DIMENSIONS},
        "score": round(score(dims), 2),
    }


def quality_report(engine: Engine, timely_days: int = 30) -> QualityReport:
    """Scores of every batch (the trend within a department is their order) and of every department."""
    batches = batch_counts(engine, timely_days)
    report = QualityReport(timely_days=timely_days)
    report.batches = [_row(b) for b in batches]
    for feed in sorted({b.feed for b in batches}):
        mine = [b for b in batches if b.feed == feed]
        row = _row(combine(mine, feed))
        row["batches"] = len(mine)
        # Trend: score of the last batch minus that of the first (positive = improving).
        row["trend"] = round(float(_row(mine[-1])["score"]) - float(_row(mine[0])["score"]), 2)  # type: ignore[arg-type]
        report.departments.append(row)
    report.worst_fields = worst_fields(engine)
    return report
