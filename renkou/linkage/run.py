"""One linkage run over a register: records, rules, model, decisions, stored results."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from renkou.linkage import decide as decide_mod
from renkou.linkage import store
from renkou.linkage.evidence import evidence_links
from renkou.linkage.features import BASE_COLUMNS, features_sql, name_features
from renkou.linkage.model import score
from renkou.linkage.records import UNKNOWN_POINTER, left_records, pointers_only, right_records
from renkou.linkage.rules import deterministic_links
from renkou.linkage.settings import LinkSettings
from renkou.register.store import Register


@dataclass
class LinkRun:
    """Summary of a run (its results are in ``link_results``)."""

    run_id: int
    n_records: int
    n_auto: int
    n_review: int
    n_unlinked: int
    converged: bool
    comparisons: int
    seconds: float
    messages: list[str] = field(default_factory=list)
    by_method: dict[str, int] = field(default_factory=dict)


def _features(left: pa.Table, right: pa.Table) -> tuple[pa.Table, pa.Table]:
    import duckdb

    connection = duckdb.connect()
    names = name_features(left["name"].to_pylist() + right["name"].to_pylist())
    connection.register("names", names)
    connection.register("lb", left.select(list(BASE_COLUMNS)))
    connection.register("rb", right.select(list(BASE_COLUMNS)))
    return (
        connection.sql(features_sql("lb", "names")).to_arrow_table(),
        connection.sql(features_sql("rb", "names")).to_arrow_table(),
    )


def _without(table: pa.Table, linked: dict[str, tuple[str, str]]) -> pa.Table:
    """The rows of ``table`` not yet linked by a rule."""
    if not linked:
        return table
    return table.filter(pc.invert(pc.is_in(table["unique_id"], value_set=pa.array(list(linked), pa.string()))))


def run_linkage(register: Register, settings: LinkSettings) -> LinkRun:
    """Link the register's quarantined rows to its persons and store the results as a new run."""
    started = time.perf_counter()
    started_at = datetime.now()
    engine = register.engine
    store.ensure_schema(engine)
    left = left_records(engine, register.keys)
    right = right_records(engine, register.keys)
    rules = deterministic_links(left, right)
    left_features, right_features = _features(left, right)
    unlinked = _without(left, rules)
    with_names = unlinked.join(left_features.select(["unique_id", "name_s", "name_py"]), "unique_id")
    pointed, dangling = evidence_links(engine, register.keys, with_names, right_features)
    rules.update(pointed)
    result = score(_without(left_features, rules), right_features, settings)
    decisions = decide_mod.decide(
        left["unique_id"].to_pylist(),
        zip(
            result.pairs["left_id"].to_pylist(),
            result.pairs["right_id"].to_pylist(),
            result.pairs["match_probability"].to_pylist(),
            strict=True,
        ),
        upper=settings.upper_threshold,
        lower=settings.lower_threshold,
        converged=result.converged,
        rules=rules,
        margin_bits=settings.margin_bits,
    )
    run_id = store.next_run_id(engine)
    results = pa.table(
        {
            "run_id": pa.array([run_id] * left.num_rows, pa.int64()),
            "batch_id": left["batch_id"],
            "file_name": left["file_name"],
            "line": left["line"],
            "reason": left["reason"],
            "subject": pa.array([d.right_id for d in decisions], pa.string()),
            "match_probability": pa.array([d.probability for d in decisions], pa.float64()),
            "method": pa.array([d.method for d in decisions], pa.string()),
            "decision": pa.array([d.decision for d in decisions], pa.string()),
            "evidence": pa.array(
                [
                    UNKNOWN_POINTER if uid in dangling and pointers_only(evidence) else evidence
                    for uid, evidence in zip(left["unique_id"].to_pylist(), left["evidence"].to_pylist(), strict=True)
                ],
                pa.string(),
            ),
        }
    )
    counts = {kind: sum(d.decision == kind for d in decisions) for kind in (decide_mod.AUTO, decide_mod.REVIEW)}
    by_method: dict[str, int] = {}
    for d in decisions:
        if d.decision == decide_mod.AUTO:
            by_method[d.method] = by_method.get(d.method, 0) + 1
    messages = list(result.messages)
    if not result.converged:
        messages.append("model did not converge: nothing auto-linked from it, its pairs sent to review")
    run = LinkRun(
        run_id=run_id,
        n_records=left.num_rows,
        n_auto=counts[decide_mod.AUTO],
        n_review=counts[decide_mod.REVIEW],
        n_unlinked=left.num_rows - counts[decide_mod.AUTO] - counts[decide_mod.REVIEW],
        converged=result.converged,
        comparisons=result.comparisons,
        seconds=time.perf_counter() - started,
        messages=messages,
        by_method=by_method,
    )
    store.save_run(
        engine,
        {
            "run_id": run_id,
            "started_at": started_at,
            "settings": settings.model_dump_json(),
            "converged": run.converged,
            "messages": json.dumps(messages, ensure_ascii=False),
            "n_records": run.n_records,
            "n_auto": run.n_auto,
            "n_review": run.n_review,
            "n_unlinked": run.n_unlinked,
            "comparisons": run.comparisons,
            "seconds": run.seconds,
        },
        results,
    )
    return run
