"""One linkage run over a register: records, rules, model, decisions, stored results."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from renkou.engine import Engine
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


def _rules_table(rules: dict[str, tuple[str, str]]) -> pa.Table:
    return pa.table(
        {
            "left_id": pa.array(list(rules), pa.string()),
            "right_id": pa.array([v[0] for v in rules.values()], pa.string()),
            "method": pa.array([v[1] for v in rules.values()], pa.string()),
        }
    )


def _without_rejected(engine: Engine, pairs: pa.Table) -> pa.Table:
    """The scored pairs minus those a clerk has called a non-match (a later match decision on the row overrides)."""
    rejected = engine.arrow(
        "SELECT CAST(batch_id AS VARCHAR) || ':' || CAST(line AS VARCHAR) || '|' || subject AS pair "
        "FROM link_decisions GROUP BY batch_id, line, subject HAVING NOT arg_max(accepted, decided_at)"
    )["pair"]
    if len(rejected) == 0:
        return pairs
    keys = pc.binary_join_element_wise(pairs["left_id"], pairs["right_id"], "|")
    return pairs.filter(pc.invert(pc.is_in(keys, value_set=rejected.combine_chunks())))


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
    decided = decide_mod.decide_table(
        left["unique_id"],
        _without_rejected(engine, result.pairs),
        upper=settings.upper_threshold,
        lower=settings.lower_threshold,
        converged=result.converged,
        rules=_rules_table(rules),
        margin_bits=settings.margin_bits,
    )
    run_id = store.next_run_id(engine)
    weak = pc.and_(
        pc.is_in(left["unique_id"], value_set=pa.array(sorted(dangling), pa.string())),
        pa.array([pointers_only(e) for e in left["evidence"].to_pylist()], pa.bool_()),
    )
    results = pa.table(
        {
            "run_id": pa.array(np.full(left.num_rows, run_id, dtype=np.int64)),
            "batch_id": left["batch_id"],
            "file_name": left["file_name"],
            "line": left["line"],
            "reason": left["reason"],
            "subject": decided["right_id"],
            "match_probability": decided["probability"],
            "method": decided["method"],
            "decision": decided["decision"],
            "evidence": pc.if_else(weak, pa.scalar(UNKNOWN_POINTER), left["evidence"]),
        }
    )
    counts = pc.value_counts(decided["decision"]).to_pylist()
    by_decision = {str(c["values"]): int(c["counts"]) for c in counts}
    autos = decided.filter(pc.equal(decided["decision"], decide_mod.AUTO))
    by_method = {str(c["values"]): int(c["counts"]) for c in pc.value_counts(autos["method"]).to_pylist()}
    counts_auto, counts_review = by_decision.get(decide_mod.AUTO, 0), by_decision.get(decide_mod.REVIEW, 0)
    messages = list(result.messages)
    if not result.converged:
        messages.append("model did not converge: nothing auto-linked from it, its pairs sent to review")
    run = LinkRun(
        run_id=run_id,
        n_records=left.num_rows,
        n_auto=counts_auto,
        n_review=counts_review,
        n_unlinked=left.num_rows - counts_auto - counts_review,
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
