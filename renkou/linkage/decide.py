"""From scored pairs to decisions: auto-link, clerical review or unlinked (pure, no I/O; an in-memory DuckDB does the
same for millions of rows)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa

AUTO = "auto"
REVIEW = "review"
UNLINKED = "unlinked"


@dataclass(frozen=True)
class Decision:
    """The outcome for one left record: the chosen person (if any), its probability, how and what was decided."""

    left_id: str
    right_id: str | None
    probability: float | None
    method: str
    decision: str


def decide(
    left_ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    *,
    upper: float,
    lower: float,
    converged: bool,
    rules: dict[str, tuple[str, str]] | None = None,
    margin_bits: float = 10.0,
) -> list[Decision]:
    """Decide every left record.

    A deterministic rule wins. Otherwise the best-scoring person is auto-linked when its probability reaches
    ``upper``, the model converged, and every other plausible person (at or above ``lower``) scores at least
    ``margin_bits`` of match weight less (2^10: a thousand times less likely); two close candidates are a question
    for a clerk, not for the machine. Between the thresholds, or when ambiguous or not converged, the pair is
    reviewed.
    """
    rules = rules or {}
    candidates: dict[str, list[tuple[float, str]]] = {}
    for left_id, right_id, probability in pairs:
        candidates.setdefault(left_id, []).append((probability, right_id))
    decisions: list[Decision] = []
    for left_id in left_ids:
        if left_id in rules:
            person, rule = rules[left_id]
            decisions.append(Decision(left_id, person, 1.0, rule, AUTO))
            continue
        plausible = sorted((c for c in candidates.get(left_id, []) if c[0] >= lower), reverse=True)
        if not plausible:
            decisions.append(Decision(left_id, None, None, "model", UNLINKED))
            continue
        probability, person = plausible[0]
        runner_up = plausible[1][0] if len(plausible) > 1 else None
        distinct = runner_up is None or _weight(probability) - _weight(runner_up) >= margin_bits
        clear = probability >= upper and distinct and converged
        decisions.append(Decision(left_id, person, probability, "model", AUTO if clear else REVIEW))
    return decisions


def _weight(probability: float) -> float:
    """Match weight (log2 odds) of a probability, finite at 0 and 1."""
    clipped = min(max(probability, 1e-300), 1 - 1e-16)
    return math.log2(clipped / (1 - clipped))


def decide_table(
    left_ids: pa.Array,
    pairs: pa.Table,
    *,
    upper: float,
    lower: float,
    converged: bool,
    rules: pa.Table | None = None,
    margin_bits: float = 10.0,
) -> pa.Table:
    """:func:`decide` as set work for millions of rows (same rules, same tie-breaking), in DuckDB.

    ``pairs`` has ``left_id``, ``right_id``, ``match_probability``; ``rules`` has ``left_id``, ``right_id``,
    ``method``. Returns ``left_id``, ``right_id``, ``probability``, ``method``, ``decision`` in the order of
    ``left_ids``.
    """
    import duckdb

    connection = duckdb.connect()
    positions = pa.array(range(len(left_ids)), pa.int64())
    connection.register("lefts", pa.table({"left_id": left_ids.cast(pa.string()), "position": positions}))
    connection.register("pairs", pairs.select(["left_id", "right_id", "match_probability"]))
    no_rules = pa.table({n: pa.array([], pa.string()) for n in ("left_id", "right_id", "method")})
    connection.register("rules", (rules if rules is not None else no_rules).select(["left_id", "right_id", "method"]))

    def weight(column: str) -> str:
        clipped = f"greatest(least({column}, 1 - 1e-16), 1e-300)"
        return f"(log2({clipped}) - log2(1 - {clipped}))"

    sql = (
        "WITH l AS (SELECT left_id, position FROM lefts), "
        "ranked AS (SELECT left_id, right_id, match_probability AS p, row_number() OVER (PARTITION BY left_id "
        "ORDER BY match_probability DESC, right_id DESC) AS rank FROM pairs WHERE match_probability >= $lower), "
        "best AS (SELECT left_id, any_value(right_id) FILTER (rank = 1) AS right_id, "
        "any_value(p) FILTER (rank = 1) AS p, any_value(p) FILTER (rank = 2) AS runner_up "
        "FROM ranked WHERE rank <= 2 GROUP BY left_id) "
        "SELECT l.left_id, coalesce(r.right_id, b.right_id) AS right_id, "
        "CASE WHEN r.right_id IS NOT NULL THEN 1.0 ELSE b.p END AS probability, "
        "coalesce(r.method, 'model') AS method, "
        f"CASE WHEN r.right_id IS NOT NULL THEN '{AUTO}' WHEN b.right_id IS NULL THEN '{UNLINKED}' "
        f"WHEN b.p >= $upper AND $converged AND (b.runner_up IS NULL "
        f"OR {weight('b.p')} - {weight('b.runner_up')} >= $margin) THEN '{AUTO}' ELSE '{REVIEW}' END AS decision "
        "FROM l LEFT JOIN (SELECT DISTINCT ON (left_id) * FROM rules) r USING (left_id) "
        "LEFT JOIN best b USING (left_id) ORDER BY l.position"
    )
    return connection.execute(
        sql, {"lower": lower, "upper": upper, "converged": converged, "margin": margin_bits}
    ).to_arrow_table()
